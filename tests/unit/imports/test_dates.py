from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.imports.dates import DateError, parse_date

JUNE_30 = date(2026, 6, 30)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 6, 30),  # a date-formatted cell
        datetime(2026, 6, 30, 17, 30),
        JUNE_30,
        46203,  # Excel serial of an unformatted cell
        46203.75,
        "46203",  # the serial as a CSV saved from Excel writes it
        "2026/6/30",
        "2026-06-30",
        "2026.6.30",
        "2026年6月30日",
        "2026 年 6 月 30 日",
        "２０２６／６／３０",
        "20260630",
        20260630,
        "2026-06-30 00:00:00",
        "2026/6/30 17:30",
    ],
)
def test_every_date_form_reads_the_same_day(value: object) -> None:
    assert parse_date(value) == JUNE_30


@pytest.mark.parametrize("text", ["长期有效", "长期", "招满为止", "常年招聘"])
def test_no_deadline_words_mean_no_date(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2026/2/30", "不是有效日期"),
        ("明年六月", "无法识别日期"),
        ("1850-01-01", "年份不合理"),
        (5, "不是有效日期"),  # serial 5 is 1900
    ],
)
def test_bad_dates_say_why(value: object, reason: str) -> None:
    with pytest.raises(DateError, match=reason):
        parse_date(value)
