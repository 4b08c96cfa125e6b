"""The pure row parsers: what each cell of a ledger row becomes, and the reason when it cannot."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot import codes
from bot.codes import majors as majors_catalogue
from bot.domain import EducationLevel
from bot.imports.columns import GRADUATE_COLUMNS, POSTING_COLUMNS
from bot.imports.graduates import GraduateContext, parse_graduate, preferred_places
from bot.imports.headers import match_headers
from bot.imports.postings import PostingContext, parse_posting, posting_key, resolve_majors
from bot.imports.reader import RawRow
from bot.imports.report import ParsedRow

BOOK = codes.load()


def graduate(**cells: Any) -> ParsedRow:
    hmap = match_headers(list(cells), GRADUATE_COLUMNS)
    return parse_graduate(RawRow(7, tuple(cells.values())), hmap, GraduateContext(BOOK, 2026))


def posting(**cells: Any) -> ParsedRow:
    hmap = match_headers(list(cells), POSTING_COLUMNS)
    return parse_posting(RawRow(9, tuple(cells.values())), hmap, PostingContext(BOOK))


def errors(row: ParsedRow) -> dict[str, str]:
    return dict(row.errors)


def test_a_full_graduate_row() -> None:
    row = graduate(
        学号=20210101.0,
        姓名=" 张三 ",
        性别="女",
        学院="计算机学院",
        专业="软件工程",
        专业代码="080902",
        班级="软件2101",
        学历层次="本科生",
        届别="2026届",
        生源地="湖北省宜昌市",
        困难生类别="就业困难和家庭困难",
        脱贫家庭="√",
        低保家庭="否",
        零就业家庭=0,
        残疾="是",
        手机号=13800138000.0,
        身份证号="420500200301010029",
        考生号=21420500150123.0,
        意向城市="武汉、深圳或者北京",
        意向行业="互联网/金融",
        意向岗位="Java开发、测试",
        期望月薪="6-8千",
    )
    assert row.ok, row.errors
    assert row.key == "20210101"
    assert row.values == {
        "student_no": "20210101",
        "name": "张三",
        "exam_no": "21420500150123",
        "gender": "女",
        "education": int(EducationLevel.BENKE),
        "cohort": 2026,
        "origin_adcode": "420500",
        "hardship_mask": 3,
        "flag_poverty": True,
        "flag_dibao": False,
        "flag_zero_employment": False,
        "flag_disability": True,
    }
    assert row.refs["college"] == "计算机学院"
    assert row.refs["major_code"] == "080902"
    assert row.refs["phone"] == "13800138000"
    assert row.refs["pref"] == {
        "city_adcodes": ["420100", "440300", "110000"],
        "province_adcodes": [],
        "any_place": False,
        "industry_codes": ["34", "35"],
        "positions": ["Java开发", "测试"],
        "salary_min": 6000,
    }


def test_leading_zero_kept_when_student_number_is_text() -> None:
    assert graduate(学号="0210101").key == "0210101"


def test_empty_cells_set_nothing() -> None:
    row = graduate(学号="1", 姓名="", 学院=None, 手机号="  ", 残疾="")
    assert row.ok
    assert row.values == {"student_no": "1"}
    assert "college" not in row.refs and "phone" not in row.refs


def test_every_bad_graduate_cell_is_reported_with_its_reason() -> None:
    row = graduate(
        学号="2021 0101?",
        性别="未知",
        专业代码="0809",
        学历层次="初中",
        届别="明年",
        生源地="火星",
        困难生类别="9",
        脱贫家庭="也许",
        手机号="1380013800",
        身份证号="420500200301010028",
        意向城市="武汉、月球",
        意向行业="挖比特币",
        期望月薪="很多",
    )
    found = errors(row)
    assert set(found) == {
        "student_no", "gender", "major_code", "education", "cohort", "origin", "hardship", "flag_poverty",
        "phone", "id_number", "pref_cities", "pref_industries", "pref_salary",
    }  # fmt: skip
    assert "月球" in found["pref_cities"] and "武汉" not in found["pref_cities"]
    assert "挖比特币" in found["pref_industries"]
    assert "420500200301010028" not in " ".join(found.values())  # ID numbers never echoed whole


def test_student_number_that_excel_turned_into_scientific_notation() -> None:
    assert "科学计数法" in errors(graduate(学号="2.0210101E+15"))["student_no"]
    assert errors(graduate(姓名="张三"))["student_no"] == "学号不能为空"


def test_nationwide_and_province_preferences() -> None:
    assert preferred_places("不限") == ((), (), True)
    assert preferred_places("湖北、上海浦东") == (("310000",), ("420000",), False)


def test_a_scraped_posting_row() -> None:
    row = posting(
        职位名称="Java开发工程师",
        公司名称="腾讯",
        统一社会信用代码="91440300708461136t",
        企业性质="民营企业",
        行业="互联网",
        工作城市="上海·虹口",
        薪资待遇="10-15K·13薪",
        学历要求="本科及以上",
        专业要求="计算机类、软件工程",
        招聘人数="若干",
        截止时间=46203,
        发布日期="2026年3月1日",
        岗位职责="负责后端开发",
        任职要求="熟悉 Java",
        联系方式="hr@example.com",
        来源="校园招聘会",
        链接="https://example.com/job/1",
    )
    assert row.ok, row.errors
    assert row.key == posting_key("腾讯", "Java开发工程师", "上海·虹口")
    assert row.values == {
        "title": "Java开发工程师",
        "place_text": "上海·虹口",
        "adcode": "310109",
        "nationwide": False,
        "industry_code": "34",
        "salary_min": 10000,
        "salary_max": 15000,
        "salary_months": 13,
        "salary_text": "10-15K·13薪",
        "min_education": int(EducationLevel.BENKE),
        "headcount": 1,
        "deadline": date(2026, 6, 30),
        "published_on": date(2026, 3, 1),
        "description": "负责后端开发\n熟悉 Java",
        "contact": "hr@example.com",
        "source": "校园招聘会",
        "source_url": "https://example.com/job/1",
    }
    assert row.refs["credit_code"] == "91440300708461136T"
    assert row.refs["nature_code"] == "39"
    assert row.notes == ["招聘人数“若干”按 1 人计"]


@pytest.mark.parametrize(
    ("place", "adcode", "nationwide"),
    [
        ("上海·虹口", "310109", False),
        ("武汉-洪山区", "420111", False),
        ("湖北省宜昌市", "420500", False),
        ("全国", None, True),
    ],
)
def test_posting_places(place: str, adcode: str | None, nationwide: bool) -> None:
    row = posting(岗位名称="客服", 单位名称="某公司", 工作地点=place)
    assert (row.values["adcode"], row.values["nationwide"], row.values["place_text"]) == (adcode, nationwide, place)


def test_every_bad_posting_cell_is_reported() -> None:
    row = posting(
        岗位名称="客服",
        单位名称="某公司",
        工作地点="火星基地",
        统一社会信用代码="91440300708461136U",
        单位性质="外星企业",
        行业="星际贸易",
        薪资="很多钱",
        学历要求="宇宙大学",
        招聘人数="三个",
        截止日期="下个月",
        链接="www.example.com",
    )
    assert set(errors(row)) == {
        "place", "credit_code", "nature", "industry", "salary", "education", "headcount", "deadline", "url",
    }  # fmt: skip
    assert row.key is not None  # the key does not depend on the place resolving


def test_posting_key_ignores_width_spacing_and_separators() -> None:
    assert posting_key("腾讯", "Java 开发", "上海·虹口") == posting_key("腾讯 ", "Ｊａｖａ开发", "上海-虹口")
    assert posting_key("腾讯", "Java开发", "上海·虹口") != posting_key("腾讯", "Java开发", "上海·浦东")


def test_posting_number_is_the_key_and_makes_other_key_cells_optional() -> None:
    row = posting(岗位编号="GW-001", 岗位名称="", 单位名称="", 工作地点="")
    assert row.ok and row.key == "GW-001"
    row = posting(岗位名称="客服", 单位名称="", 工作地点="全国")
    assert row.key is None and "employer" in errors(row)


SCHOOL = {"软件工程": ["080902"], "网络工程": ["080903"]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("不限", (True, [], "")),
        ("专业不限", (True, [], "")),
        ("计算机类、电子信息类", (False, ["0809", "0807"], "")),
        ("软件工程，网络工程", (False, ["080902", "080903"], "")),
        ("工学", (False, ["08"], "")),
        ("计算机相关专业", (False, ["0809"], "")),
        ("080901、1011", (False, ["080901", "1011"], "")),
        ("计算机类、量子玄学", (False, ["0809"], "量子玄学")),
        ("电子与信息大类", (False, ["51"], "")),
    ],
)
def test_major_requirements(text: str, expected: tuple[bool, list[str], str]) -> None:
    assert resolve_majors(text, SCHOOL, majors_catalogue.load()) == expected
