from __future__ import annotations

import pytest

from bot.imports import idcodes
from bot.imports.cells import cell_text, code_text, parse_bool, parse_count, split_list


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("13800138000", "13800138000"),
        (13800138000.0, "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
    ],
)
def test_mobile_numbers_are_cleaned(raw: object, phone: str) -> None:
    assert idcodes.mobile(raw) == phone


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1380013800", "11 位手机号"),
        ("12800138000", "11 位手机号"),
        ("027-87654321", "11 位手机号"),
        ("1.38001E+10", "科学计数法"),
    ],
)
def test_bad_mobile_numbers_do_not_echo_the_number(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as info:
        idcodes.mobile(raw)
    assert "87654321" not in str(info.value)


@pytest.mark.parametrize("number", ["420500200301010029", "11010519491231002X", "11010519491231002x"])
def test_valid_id_numbers(number: str) -> None:
    assert idcodes.id_number(number) == number.upper()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("420500200301010028", "校验位不正确"),
        ("420500200302300025", "出生日期无效"),
        ("420500030101002", "15 位旧身份证号"),
        ("42050020030101002", "应为 18 位"),
        (4.205002003010101e17, "科学计数法"),
        ("4.20500E+17", "科学计数法"),
    ],
)
def test_bad_id_numbers_say_why(raw: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        idcodes.id_number(raw)


def test_id_check_char_follows_gb11643() -> None:
    # 11010519491231002X is the standard's worked example
    assert idcodes.id_check_char("11010519491231002") == "X"


@pytest.mark.parametrize("code", ["91440300708461136T", "91330100716105852F", "91110000600037341L"])
def test_real_credit_codes_pass_the_gb32100_check(code: str) -> None:
    assert idcodes.credit_code(code.lower()) == code


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91440300708461136U", "校验位不正确"),
        ("9144030070846113", "应为 18 位"),
        ("91440300I08461136T", "不允许的字符：I"),
    ],
)
def test_bad_credit_codes_say_why(code: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        idcodes.credit_code(code)


def test_cell_text_handles_excel_number_habits() -> None:
    assert cell_text(20210101.0) == "20210101"
    assert cell_text("020210101") == "020210101"  # a text cell keeps its leading zero
    assert cell_text(3.5) == "3.5"
    assert cell_text(None) == ""
    assert cell_text("\u200b 张三\xa0") == "张三"
    assert code_text(" ２０２１ ０１０１ ") == "20210101"


@pytest.mark.parametrize(("text", "value"), [("是", True), ("√", True), ("1", True), ("Y", True), ("否", False)])
def test_yes_no(text: str, value: bool) -> None:
    assert parse_bool(text) is value


def test_yes_no_rejects_other_words() -> None:
    with pytest.raises(ValueError, match="是”或“否"):
        parse_bool("也许")


def test_counts_and_lists() -> None:
    assert parse_count("3人") == 3
    assert parse_count("10+") == 10
    with pytest.raises(ValueError, match="正整数"):
        parse_count("三")
    assert split_list("Java开发, 测试；运维 / 产品") == ["Java开发", "测试", "运维", "产品"]
