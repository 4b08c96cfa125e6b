"""Numbers as people type them: 五千, 伍仟, 一万二, 五千五, 两三千, 1.2万, 8k, 1w, 第三个.

`to_arabic` rewrites amounts inside a text into Arabic digits so that the slot parsers only ever see "5000".
It is deliberately conservative: a run of Chinese numerals is rewritten only when it carries a magnitude
(十/百/千/万) or follows 第, because bare digits are part of words people use every day (三方, 三支一扶,
二战, 一下, 十堰, 千万别).
"""

from __future__ import annotations

import re

_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}
_CN_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)
_CN_RUN = re.compile(f"(第)?([{_CN_CHARS}]+)")
# An ordinal is a list position only before a counter or the end of a phrase: 第三个, 第3, but not the names
# 第三工程局 or 第二学士学位.
_ORDINAL_END = re.compile(r"[个条项号家份批页名次位轮吧呢啊呀的\s,.!?。、:;a-z0-9]|$")
# "两三千", "七八千": two neighbouring digits before a magnitude mean a range.
_CN_PAIR = re.compile(f"([{''.join(_DIGITS)}])([{''.join(_DIGITS)}])([十拾百佰千仟万萬])")
# Arabic amounts with a unit: 8k, 1.2万, 5千5, 1万2, 1.5w.
_AR_UNIT = re.compile(
    rf"(?<![\d.])(\d{{1,9}}(?:\.\d{{1,4}})?)\s*(k|千|w|万)(?:([0-9{''.join(_DIGITS)}])(?![0-9{_CN_CHARS}]))?(?![a-z])",
    re.IGNORECASE,
)
_UNIT_VALUE = {"k": 1000, "千": 1000, "w": 10_000, "万": 10_000}


def cn_to_int(text: str) -> int | None:
    """The value of a Chinese numeral ("一万二" -> 12000, "五千五" -> 5500, "十二" -> 12); None if not one."""
    if not text or any(ch not in _CN_CHARS for ch in text):
        return None
    if all(ch in _DIGITS for ch in text):
        # Digit by digit ("二〇二四"), as written in dates and numbers read aloud.
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total = 0  # completed 万/亿 sections
    section = 0  # value inside the current section
    digit: int | None = None
    last_unit = 0
    after_unit = False  # the pending digit follows a unit directly (五千五), not through 零 (一千零五)
    for ch in text:
        if ch in _DIGITS:
            after_unit = after_unit and digit is None and _DIGITS[ch] != 0
            digit = _DIGITS[ch]
            continue
        unit = _SMALL_UNITS.get(ch) or _BIG_UNITS[ch]
        if ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * unit
        else:
            total += ((section + (digit or 0)) or 1) * unit
            section = 0
        digit, last_unit, after_unit = None, unit, True
    if digit is not None:
        # A digit right after a unit abbreviates the next lower one: 五千五 = 5500, 一万二 = 12000.
        section += digit * last_unit // 10 if after_unit and last_unit >= 100 else digit
    return total + section


def _is_amount_run(run: str) -> bool:
    """A numeral run that clearly names an amount (not 三方, 十堰, 千万别, 万一)."""
    if len(run) < 2 or (run[0] not in _DIGITS and run[0] not in "十拾"):
        return False
    return any(ch in _SMALL_UNITS or ch in _BIG_UNITS for ch in run)


def _replace_pair(match: re.Match[str]) -> str:
    low, high, unit = _DIGITS[match.group(1)], _DIGITS[match.group(2)], match.group(3)
    if high != low + 1:
        return match.group(0)
    scale = _SMALL_UNITS.get(unit) or _BIG_UNITS[unit]
    return f"{low * scale}-{high * scale}"


def _replace_run(match: re.Match[str]) -> str:
    prefix, run = match.group(1) or "", match.group(2)
    ordinal = bool(prefix) and _ORDINAL_END.match(match.string, match.end()) is not None
    if ordinal or _is_amount_run(run):
        value = cn_to_int(run)
        if value is not None:
            return prefix + str(value)
    return match.group(0)


def _replace_arabic_unit(match: re.Match[str]) -> str:
    number, unit, tail = match.group(1), match.group(2).lower(), match.group(3)
    scale = _UNIT_VALUE[unit]
    value = float(number) * scale
    if tail:
        value += (int(tail) if tail.isdigit() else _DIGITS[tail]) * scale // 10
    return str(round(value))


def to_arabic(text: str) -> str:
    """Rewrite the amounts and ordinals in `text` as Arabic digits ("月薪五千以上" -> "月薪5000以上")."""
    text = _CN_PAIR.sub(_replace_pair, text)
    text = _CN_RUN.sub(_replace_run, text)
    return _AR_UNIT.sub(_replace_arabic_unit, text)


# A bare number is a position unless a counter says it counts something else ("3家", "3年", "3个月").
_INDEX = re.compile(
    r"第\s*(\d{1,2})\s*(?:个|条|项|家|份)?(?![\d.%])"
    r"|(?<![\d.])(\d{1,2})\s*(?:号|个(?!月)|条)?(?![\d.%年月日天次家人名位岁届级万千元块分周k]|个月|小时)"
)
_CN_INDEX = re.compile(r"(?:第)?([一二两三四五六七八九十]{1,2})\s*号")


def find_index(text: str) -> int | None:
    """The list position a graduate refers to ("详情 3", "第3个", "3号", "三号"); None if there is none.

    `text` is normalised (Chinese ordinals already rewritten); long numbers (学号, salaries) never count.
    """
    for match in _INDEX.finditer(text):
        value = int(match.group(1) or match.group(2))
        if 1 <= value <= 50:
            return value
    cn = _CN_INDEX.search(text)
    if cn:
        cn_value = cn_to_int(cn.group(1))
        if cn_value is not None and 1 <= cn_value <= 50:
            return cn_value
    return None
