"""Counselor commands: 统计, 未回复, 困难生, 发布岗位 <text>, 推送 <posting> 给 <class|major>.

`command` recognises them (with the variations counselors actually type); the caller decides who may run
them. A graduate's message that reads as one of these is reported as `staff_only` and never executed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.dialogue.posting import parse_posting
from bot.dialogue.result import BroadcastSlots, Intent, PostingDraft, TargetKind


@dataclass(frozen=True, slots=True)
class Command:
    intent: Intent
    strong: bool  # the command word opens the message (how commands are typed), not just somewhere in it
    scope: str | None = None
    posting: PostingDraft | None = None
    broadcast: BroadcastSlots | None = None


_PUBLISH = re.compile(
    r"^(?:发布|发|新增|新|录入|添加|上传)\s*(?:一个|个)?\s*(?:岗位|职位|招聘信息|招聘)\s*[:：]?\s*|^岗位发布\s*[:：]?\s*"
)
_TO = r"(?:给|至|到|→|->|=>)"
_BROADCAST = (
    re.compile(rf"^推送\s*(?P<posting>.+?)\s*{_TO}\s*(?P<target>.+)$"),
    re.compile(rf"^(?:把|将)\s*(?P<posting>.+?)\s*(?:推送|推|发|转发|转)\s*{_TO}\s*(?P<target>.+)$"),
    re.compile(rf"^(?P<posting>.+?)\s*(?:推送|转发)\s*{_TO}\s*(?P<target>.+)$"),
)
_HARDSHIP = re.compile(r"困难生|困难学生|建档立卡|低保|脱贫|零就业|残疾|帮扶对象|帮扶学生|特困|困难家庭")
_NON_RESPONDERS = re.compile(r"未回复|没回复|未回|没回|没反馈|未反馈|没有反馈|失联|不回消息|没回消息|联系不上")
_STATS = re.compile(
    r"统计|汇总|就业率|就业情况|就业数据|落实了多少|落实率|落实情况|去向|各班|今天的数据|报表|数据|情况|进度|怎么样了"
)
_STRONG = re.compile(r"^(统计|汇总|未回复|困难生|推送|发布|发岗位|新岗位|岗位发布)")
_CLASS = re.compile(r"[\u4e00-\u9fffa-z]{1,12}\d{1,6}班?(?:[、,和及][\u4e00-\u9fffa-z]{1,12}\d{1,6}班?)*")
_MAJOR = re.compile(r"([\u4e00-\u9fff]{2,12})专业")
_ALL = re.compile(r"^(全体|所有人|全部|大家|所有同学|全员|全部学生|全体学生|全体同学|所有学生)")


def _scope(text: str) -> str | None:
    """A class ("计科2101班") or major ("护理专业") named in a command."""
    cleaned = re.sub(r"统计|汇总|未回复|名单|情况|数据|一下|看看|看下|的|就业", " ", text)
    major = _MAJOR.search(cleaned)
    if major:
        return major.group(0)
    klass = _CLASS.search(cleaned)
    return klass.group(0) if klass else None


def _posting_ref(raw: str) -> str:
    ref = raw.strip()
    number = re.fullmatch(r"(?:岗位|职位)?\s*#?\s*(\d+)\s*(?:号)?\s*(?:岗位|职位)?", ref)
    if number:
        return number.group(1)
    return re.sub(r"(?:的)?(?:这个|那个)?(?:岗位|职位)$", "", ref).strip() or ref


def _target(raw: str) -> tuple[str | None, TargetKind]:
    target = re.sub(r"(?:的)?(?:同学们|同学|学生们|学生|毕业生)$", "", raw.strip()).strip()
    if _ALL.match(target):
        return None, TargetKind.ALL
    if target.endswith("专业"):
        return target.removesuffix("专业"), TargetKind.MAJOR
    if re.search(r"\d+\s*班|班$", target) or re.search(r"\d", target):
        return target, TargetKind.CLASS
    return target, TargetKind.MAJOR


def _broadcast(text: str) -> Command | None:
    for pattern in _BROADCAST:
        match = pattern.match(text)
        if match:
            target, kind = _target(match.group("target"))
            slots = BroadcastSlots(_posting_ref(match.group("posting")), target, kind)
            return Command(Intent.BROADCAST, strong=True, broadcast=slots)
    return None


def command(text: str, *, today: date | None = None) -> Command | None:
    """The counselor command a normalised text gives, or None."""
    publish = _PUBLISH.match(text)
    if publish:
        draft = parse_posting(text[publish.end() :], today=today)
        return Command(Intent.PUBLISH_POSTING, strong=True, posting=draft)
    if re.search(r"推送|推给|推到|推至|转发给|发给|发到|转给", text):
        found = _broadcast(text)
        if found is not None:
            return found
    strong = bool(_STRONG.match(text))
    for pattern, intent in (
        (_HARDSHIP, Intent.HARDSHIP),
        (_NON_RESPONDERS, Intent.NON_RESPONDERS),
        (_STATS, Intent.STATS),
    ):
        if pattern.search(text):
            return Command(intent, strong=strong, scope=_scope(text))
    return None
