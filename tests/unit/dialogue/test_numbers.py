from __future__ import annotations

import pytest

from bot.dialogue.numbers import cn_to_int, find_index, to_arabic


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("五千", 5000),
        ("伍仟", 5000),
        ("一万二", 12000),
        ("五千五", 5500),
        ("一万五千", 15000),
        ("一万零五百", 10500),
        ("一千零五", 1005),
        ("三千二百", 3200),
        ("两百五", 250),
        ("十二", 12),
        ("二十", 20),
        ("三十五", 35),
        ("十万", 100000),
        ("二〇二四", 2024),
    ],
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert cn_to_int(numeral) == value


def test_not_a_numeral() -> None:
    assert cn_to_int("三方") is None
    assert cn_to_int("") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("至少6k", "至少6000"),
        ("5千", "5000"),
        ("1.2万", "12000"),
        ("1万2", "12000"),
        ("5千5", "5500"),
        ("1.5w", "15000"),
        ("8千-1.1万", "8000-11000"),
        ("6k-9k", "6000-9000"),
        ("两三千", "2000-3000"),
        ("七八千也行", "7000-8000也行"),
        ("年薪十万", "年薪100000"),
        ("6000+", "6000+"),
        ("第三个", "第3个"),
        ("第十个详情", "第10个详情"),
    ],
)
def test_amounts_in_text(text: str, expected: str) -> None:
    assert to_arabic(text) == expected


def test_ordinals_inside_names_stay() -> None:
    assert to_arabic("中国建筑第三工程局") == "中国建筑第三工程局"
    assert to_arabic("读第二学士学位") == "读第二学士学位"
    assert to_arabic("5kg") == "5kg"  # a unit that is not k


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("详情 3", 3),
        ("第3个", 3),
        ("3号", 3),
        ("三号", 3),
        ("选1", 1),
        ("不合适3 太远", 3),
        ("4的详情", 4),
    ],
)
def test_list_positions(text: str, index: int) -> None:
    assert find_index(text) == index


@pytest.mark.parametrize("text", ["工资3000", "2021001234", "面试了3家", "签了3年合同", "第0个", "第99个"])
def test_numbers_that_are_not_positions(text: str) -> None:
    assert find_index(text) is None


def test_long_digit_runs_are_not_amounts() -> None:
    assert to_arabic("12345678901k") == "12345678901k"  # no salary has eleven digits
    assert to_arabic("1" * 3000 + "k") == "1" * 3000 + "k"
