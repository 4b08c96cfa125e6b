"""Salary text as job boards write it -> monthly yuan (pure).

"8千-1.1万", "0.5-1万/月", "6000-8000元/月", "10-15K·13薪", "150-200元/天", "年薪12-15万", "2万+", "面议".
Daily pay counts 21.75 working days a month (the statutory monthly average), hourly pay 8 hours a day,
yearly pay a twelfth; "·13薪" is kept apart as `months` rather than folded into the monthly figure, because
postings compare by monthly pay and the extra months are a separate selling point.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WORKDAYS_PER_MONTH = Decimal("21.75")
HOURS_PER_DAY = Decimal(8)
MIN_MONTHLY = 300  # below this a figure is a typo or a unit we cannot guess
MAX_MONTHLY = 2_000_000

_NEGOTIABLE = ("面议", "面谈", "详谈", "协商", "商议", "待定", "议定")
_UNITS = {"": Decimal(1), "元": Decimal(1), "块": Decimal(1), "k": Decimal(1000), "千": Decimal(1000)}
_UNITS |= {"w": Decimal(10000), "万": Decimal(10000)}
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(k|千|w|万|元|块)?")
_MONTHS = re.compile(r"[·•・*x×,，/+\s]*(?<!\d)(\d{2})薪")
_RANGE_SEP = re.compile(r"^(?:元|块)?(?:/[月天日年]|每月)?\s*(?:-|~|至|到|—|–|－|〜)+\s*$")
_ABOVE_AFTER = re.compile(r"^(?:元|块)?(?:/[月天日年])?\s*(?:以上|起|\+|及以上|上不封顶|多)")
_BELOW_AFTER = re.compile(r"^(?:元|块)?(?:/[月天日年])?\s*(?:以下|以内|之内)")
_ABOVE_BEFORE = re.compile(r"(?:不低于|最低|底薪|保底|起薪)$")
_BELOW_BEFORE = re.compile(r"(?:不超过|不高于|最高)$")
_PERIODS = (
    ("hour", re.compile(r"/(?:小时|时|h)|时薪|每小时")),
    ("day", re.compile(r"/(?:天|日)|日薪|每天|每日|/d\b")),
    ("week", re.compile(r"/周|周薪|每周")),
    ("year", re.compile(r"/年|年薪|每年|/y\b")),
)
_PER_MONTH = {
    "month": Decimal(1),
    "day": WORKDAYS_PER_MONTH,
    "hour": WORKDAYS_PER_MONTH * HOURS_PER_DAY,
    "week": WORKDAYS_PER_MONTH / 5,
    "year": Decimal(1) / 12,
}


class SalaryError(ValueError):
    """The text is not a salary we can read; the message is the Chinese reason."""


@dataclass(frozen=True, slots=True)
class Salary:
    text: str
    min: int | None  # yuan per month
    max: int | None
    months: int | None = None  # 13 for "·13薪"
    negotiable: bool = False


def _normalise(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"(?<=\d),(?=\d{3})", "", t)  # 8,000
    for word in ("人民币", "rmb", "￥", "¥", "税前", "综合"):
        t = t.replace(word, "")
    return "".join(t.split())


def _period(t: str) -> str:
    for name, pattern in _PERIODS:
        if pattern.search(t):
            return name
    return "month"


def _to_monthly(value: Decimal, period: str) -> int:
    return int((value * _PER_MONTH[period]).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _bounds(t: str, tokens: list[re.Match[str]]) -> tuple[Decimal | None, Decimal | None]:
    first = tokens[0]
    v1 = Decimal(first.group(1))
    unit1 = first.group(2) or ""
    if len(tokens) >= 2 and _RANGE_SEP.match(t[first.end() : tokens[1].start()]):
        second = tokens[1]
        v2 = Decimal(second.group(1)) * _UNITS[second.group(2) or ""]
        scale = _UNITS[unit1]
        # "0.5-1万": a bare first figure takes the second's unit, unless that makes it larger ("8000-1.2万").
        if not unit1 and v1 * _UNITS[second.group(2) or ""] <= v2:
            scale = _UNITS[second.group(2) or ""]
        return v1 * scale, v2
    value = v1 * _UNITS[unit1]
    before, after = t[: first.start()], t[first.end() :]
    if _ABOVE_AFTER.match(after) or _ABOVE_BEFORE.search(before):
        return value, None
    if _BELOW_AFTER.match(after) or _BELOW_BEFORE.search(before):
        return None, value
    return value, value


def parse_salary(text: str) -> Salary:
    """Read one salary cell; raises SalaryError (with a Chinese reason) if it cannot be read."""
    original = text.strip()
    t = _normalise(original)
    if not t:
        raise SalaryError("薪资为空")
    months: int | None = None
    found = _MONTHS.search(t)
    if found is not None:
        months = int(found.group(1))
        if not 12 <= months <= 24:
            raise SalaryError(f"“{found.group(1)}薪”不合理（应在 12～24 薪之间）")
        t = t[: found.start()] + t[found.end() :]
    tokens = list(_NUMBER.finditer(t))
    if not tokens:
        if any(word in t for word in _NEGOTIABLE):
            return Salary(original, None, None, months, negotiable=True)
        raise SalaryError(f"无法识别薪资“{original}”（例：6000-8000元/月、8千-1.1万、10-15K·13薪、面议）")
    period = _period(t)
    low, high = _bounds(t, tokens)
    lo = None if low is None else _to_monthly(low, period)
    hi = None if high is None else _to_monthly(high, period)
    for figure in (lo, hi):
        if figure is not None and not MIN_MONTHLY <= figure <= MAX_MONTHLY:
            raise SalaryError(f"薪资“{original}”按月折算为 {figure} 元，数额不合理（是否漏写了单位：元、千、万、K？）")
    if lo is not None and hi is not None and lo > hi:
        raise SalaryError(f"薪资“{original}”的下限大于上限")
    return Salary(original, lo, hi, months)
