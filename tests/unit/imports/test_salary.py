from __future__ import annotations

import pytest

from bot.imports.salary import Salary, SalaryError, parse_salary


@pytest.mark.parametrize(
    ("text", "low", "high", "months"),
    [
        # the forms real scraped postings use (issue 2)
        ("8千-1.1万", 8000, 11000, None),
        ("0.5-1万/月", 5000, 10000, None),
        ("6000-8000元/月", 6000, 8000, None),
        ("10-15K·13薪", 10000, 15000, 13),
        ("150-200元/天", 3263, 4350, None),  # 21.75 working days a month, rounded half up
        ("5k-8k", 5000, 8000, None),
        ("8000以上", 8000, None, None),
        ("3000元", 3000, 3000, None),
        ("年薪12-15万", 10000, 12500, None),
        ("4-6千/月", 4000, 6000, None),
        ("2万+", 20000, None, None),
        # obvious variants
        ("5K-8K", 5000, 8000, None),
        ("8K-12K/月", 8000, 12000, None),
        ("1.2-2万·14薪", 12000, 20000, 14),
        ("15k*14薪", 15000, 15000, 14),
        ("10-15k 13薪", 10000, 15000, 13),
        ("10-20万/年", 8333, 16667, None),
        ("20元/小时", 3480, 3480, None),
        ("3000以下", None, 3000, None),
        ("底薪3000+提成", 3000, None, None),
        ("8,000-10,000", 8000, 10000, None),
        ("８０００～１００００", 8000, 10000, None),
        ("8000~12000元", 8000, 12000, None),
        ("6000元/月-8000元/月", 6000, 8000, None),
        ("8000-1.2万", 8000, 12000, None),  # a bare figure takes the other's unit only when that stays below it
        ("1万以上", 10000, None, None),
        ("月薪 7000 左右", 7000, 7000, None),
    ],
)
def test_salary_forms_normalise_to_monthly_yuan(
    text: str, low: int | None, high: int | None, months: int | None
) -> None:
    salary = parse_salary(text)
    assert (salary.min, salary.max, salary.months) == (low, high, months)
    assert salary.text == text
    assert not salary.negotiable


@pytest.mark.parametrize("text", ["面议", "薪资面议", "面谈", "待遇面议，详谈"])
def test_negotiable_has_no_figures(text: str) -> None:
    assert parse_salary(text) == Salary(text, None, None, None, negotiable=True)


def test_negotiable_with_figures_keeps_the_figures() -> None:
    assert parse_salary("面议（5000-8000）") == Salary("面议（5000-8000）", 5000, 8000)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "无法识别薪资"),
        ("", "薪资为空"),
        ("8-12", "数额不合理"),  # no unit: 8 yuan a month cannot be meant
        ("50薪", "12～24 薪"),
        ("9000-8000", "下限大于上限"),
    ],
)
def test_unreadable_salary_says_why(text: str, reason: str) -> None:
    with pytest.raises(SalaryError, match=reason):
        parse_salary(text)
