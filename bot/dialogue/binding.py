"""Binding slots: 学号, 姓名 and the secret the school holds (default: last six characters of the ID number).

"绑定 2021001234 张三 12345X", "学号：2021001234，姓名：赵六，证件后六位：20001X", "我叫王五，学号是…".
"""

from __future__ import annotations

import re

from bot.dialogue.result import BindingSlots

BIND_WORDS = re.compile(r"绑定|解绑|认证|验证身份|身份验证|学号|绑学号|实名")
_STUDENT_NO_AFTER = re.compile(r"学号\s*(?:是|为|:)?\s*([a-z0-9]{4,20})")
_LONG_NUMBER = re.compile(r"(?<![a-z0-9])([a-z]?\d{8,13})(?![a-z0-9])")
_SECRET_AFTER = re.compile(
    r"(?:身份证|证件)?(?:号)?(?:后\s*(?:6|六)\s*位|后几位|密码|验证码|口令|暗码|secret)\s*(?:是|为|:)?\s*([0-9x]{4,8})"
)
_SECRET_TOKEN = re.compile(r"(?<![a-z0-9])(\d{5}[0-9x]|\d{4,8})(?![a-z0-9])")
_NAME_AFTER = re.compile(r"(?:姓名|名字|我叫|我是|叫)\s*(?:是|为|:)?\s*([\u4e00-\u9fff·]{2,16})")
_NAME_TOKEN = re.compile(r"(?<![\u4e00-\u9fff·])([\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{2,8})?)(?![\u4e00-\u9fff·])")
_NOT_NAME = re.compile(
    r"绑定|学号|姓名|身份|证件|后六位|密码|认证|验证|我|你|级|班|专业|老师|同学|谢谢|名字|请|帮|一下"
)


def _name(text: str) -> str | None:
    after = _NAME_AFTER.search(text)
    if after:
        candidate = re.split(r"学号|身份|证件|后六位|密码", after.group(1))[0]
        if "的" in candidate:
            candidate = candidate.rsplit("的", 1)[1]
        if len(candidate) >= 2 and not _NOT_NAME.search(candidate):
            return candidate
    for match in _NAME_TOKEN.finditer(text):
        candidate = match.group(1)
        if not _NOT_NAME.search(candidate):
            return candidate
    # "19级计科的刘洋": the name comes after the last 的 of a self-introduction.
    tail = re.search(r"的([\u4e00-\u9fff]{2,4})(?![\u4e00-\u9fff])", text)
    if tail and not _NOT_NAME.search(tail.group(1)):
        return tail.group(1)
    return None


def binding_slots(text: str) -> BindingSlots:
    """Whatever of 学号 / 姓名 / secret a normalised text gives; each None when absent."""
    student_no = None
    labelled = _STUDENT_NO_AFTER.search(text)
    if labelled:
        student_no = labelled.group(1)
    else:
        long_number = _LONG_NUMBER.search(text)
        student_no = long_number.group(1) if long_number else None
    secret = None
    rest = text.replace(student_no, " ") if student_no else text
    labelled_secret = _SECRET_AFTER.search(rest)
    if labelled_secret:
        secret = labelled_secret.group(1)
    elif student_no:
        token = _SECRET_TOKEN.search(rest)
        secret = token.group(1) if token else None
    name = _name(re.sub(r"[0-9x]{4,}", " ", text))
    return BindingSlots(
        student_no=student_no.upper() if student_no else None,
        name=name,
        secret=secret.upper() if secret else None,
    )


def looks_like_binding(text: str, slots: BindingSlots) -> bool:
    """A message that is about binding: a binding word, or a 学号-like number with a name or secret."""
    if BIND_WORDS.search(text):
        return True
    return slots.student_no is not None and (slots.name is not None or slots.secret is not None)
