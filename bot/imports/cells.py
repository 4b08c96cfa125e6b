"""Cell values as spreadsheets hand them over -> clean text, numbers and yes/no (pure).

Excel stores 学号 20210101 as the float 20210101.0, pads text with non-breaking and zero-width spaces, and
counselors type full-width digits; every parser in this package starts from `cell_text` or `code_text`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None) | {0xA0: " ", 0x3000: " "}
_HAS_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\xa0\u3000]")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?e\+?\d+$", re.IGNORECASE)
_LIST_SEPARATORS = re.compile(r"[,，/／;；|｜\n\r\t]+|\s+")

_TRUE_WORDS = frozenset({"是", "1", "√", "✓", "✔", "y", "yes", "true", "t", "有", "对", "属于"})
_FALSE_WORDS = frozenset({"否", "0", "×", "✗", "✘", "x", "n", "no", "false", "f", "无", "不是", "非", "不属于"})


def cell_text(value: object) -> str:
    """A cell as trimmed text; whole floats lose their ".0"; dates become ISO dates; None becomes ""."""
    if value is None:
        return ""
    if type(value) is str:  # nearly every cell: skip the type checks below
        return (value.translate(_INVISIBLE) if _HAS_INVISIBLE.search(value) else value).strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, "f").rstrip("0").rstrip(".") if abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).translate(_INVISIBLE).strip()


def code_text(value: object) -> str:
    """Text of an identifier cell (学号, phone, codes): full-width folded to half-width, no spaces at all."""
    return "".join(unicodedata.normalize("NFKC", cell_text(value)).split())


def is_float_number(value: object) -> bool:
    """True when Excel kept the cell as a number, so long digit strings may have lost their last digits."""
    return isinstance(value, float) and abs(value) >= 1e15


def looks_scientific(text: str) -> bool:
    """ "4.20106E+17": a CSV that passed through Excel with the column not formatted as text."""
    return bool(_SCIENTIFIC.match(text))


def parse_bool(text: str) -> bool:
    """是/否, 1/0, √/×, yes/no; raises ValueError with a Chinese reason otherwise."""
    t = code_text(text).lower()
    if t in _TRUE_WORDS:
        return True
    if t in _FALSE_WORDS:
        return False
    raise ValueError(f"应填“是”或“否”（也可填 1/0、√/×），不能是“{text}”")


def split_list(text: str) -> list[str]:
    """Split a list cell on commas, slashes, semicolons and spaces (not on 、, which names may contain)."""
    return [part for part in _LIST_SEPARATORS.split(text) if part]


def parse_count(text: str) -> int:
    """A head count: "3", "3人", "5名", "10+"; raises ValueError otherwise."""
    t = code_text(text)
    m = re.fullmatch(r"(\d{1,6})(?:人|名|个|位)?(?:以上|左右|\+)?", t)
    if m is None:
        raise ValueError(f"应为正整数，不能是“{text}”")
    n = int(m.group(1))
    if n < 1:
        raise ValueError("应至少为 1")
    return n
