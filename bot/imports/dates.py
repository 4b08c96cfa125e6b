"""Dates as spreadsheets hold them -> `date` (pure).

A date cell arrives as a datetime (formatted cell), an Excel serial number (unformatted cell or a CSV saved
from Excel), "2026/6/30", "2026-06-30", "2026.6.30", "2026年6月30日", "20260630", or as words meaning there is
no date at all ("长期有效"), which is a value too: it clears a stored deadline.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from bot.imports.cells import cell_text

NO_DATE_WORDS = frozenset(
    {"长期有效", "长期", "长期招聘", "常年", "常年招聘", "不限", "无", "无限期", "招满为止", "招满即止"}
)
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 once Excel's phantom 1900-02-29 is accounted for
MIN_YEAR, MAX_YEAR = 1990, 2100

_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")


class DateError(ValueError):
    """Not a date we can read; the message is the Chinese reason."""


def _checked(year: int, month: int, day: int, shown: str) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise DateError(f"“{shown}”不是有效日期") from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise DateError(f"“{shown}”的年份不合理")
    return value


def _from_serial(serial: float, shown: str) -> date:
    value = EXCEL_EPOCH + timedelta(days=int(serial))
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise DateError(f"“{shown}”不是有效日期")
    return value


def parse_date(value: object) -> date | None:
    """A date, or None for "长期有效" and its kin; raises DateError with a Chinese reason otherwise.

    Callers treat an empty cell as "not given" before calling, so None here always means "no date".
    """
    if isinstance(value, datetime):
        return _checked(value.year, value.month, value.day, cell_text(value))
    if isinstance(value, date):
        return _checked(value.year, value.month, value.day, value.isoformat())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            return parse_date(str(int(value)))
        return _from_serial(float(value), cell_text(value))
    shown = cell_text(value)
    text = unicodedata.normalize("NFKC", shown).strip()
    if text in NO_DATE_WORDS:
        return None
    if m := _YMD.match(text):
        return _checked(int(m.group(1)), int(m.group(2)), int(m.group(3)), shown)
    if m := _COMPACT.match(text):
        return _checked(int(m.group(1)), int(m.group(2)), int(m.group(3)), shown)
    if _SERIAL.match(text):
        return _from_serial(float(text), shown)
    raise DateError(f"无法识别日期“{shown}”（例：2026-06-30、2026/6/30、2026年6月30日、长期有效）")
