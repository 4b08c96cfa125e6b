from __future__ import annotations

import pytest

from bot.imports.columns import GRADUATE_COLUMNS, POSTING_COLUMNS
from bot.imports.headers import field_of, header_score, match_headers, normalise_header


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("姓名", "name"),
        ("学生姓名", "name"),
        ("学号", "student_no"),
        ("学生学号", "student_no"),
        ("学号*", "student_no"),
        ("*学号", "student_no"),
        ("学号（必填）", "student_no"),
        ("学号(必填)", "student_no"),
        (" 学 号 ", "student_no"),
        ("学号：", "student_no"),
        ("手机号（11位）", "phone"),
        ("届别", "cohort"),
        ("困难生类别代码", "hardship"),
    ],
)
def test_graduate_headers_are_forgiving(header: str, field: str) -> None:
    assert field_of(header, GRADUATE_COLUMNS) == field


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("工作地点", "place"),
        ("工作城市", "place"),
        ("地点", "place"),
        ("薪资", "salary"),
        ("薪酬", "salary"),
        ("月薪", "salary"),
        ("薪资待遇", "salary"),
        ("学历要求", "education"),
        ("最低学历", "education"),
        ("截止日期", "deadline"),
        ("截止时间", "deadline"),
        ("岗位名称", "title"),
        ("职位", "title"),
        ("职位名称", "title"),
        ("单位名称", "employer"),
        ("企业名称", "employer"),
        ("公司名称", "employer"),
        ("ＵＲＬ", "url"),  # full-width letters
        ("岗位编号", "posting_no"),
    ],
)
def test_posting_header_synonyms(header: str, field: str) -> None:
    assert field_of(header, POSTING_COLUMNS) == field


def test_normalise_header_folds_width_marks_and_spaces() -> None:
    assert normalise_header("＊ 工作 地点（必填）：") == "工作地点"
    assert normalise_header(None) == ""


def test_match_reports_unknown_duplicate_and_missing_columns() -> None:
    hmap = match_headers(["学号", "学生姓名", "备注", "姓名", None, "专业"], GRADUATE_COLUMNS)
    assert hmap.columns["student_no"] == (0,)
    assert hmap.columns["name"] == (1,)  # the first of two 姓名 columns wins
    assert hmap.headers["name"] == "学生姓名"
    assert hmap.unknown == ("备注",)
    assert hmap.duplicates == ("姓名",)
    assert hmap.missing_required == ("学院", "学历层次")
    assert hmap.header_of("college") == "学院"  # a missing column is named by its template label


def test_description_columns_are_merged_not_dropped() -> None:
    hmap = match_headers(["职位名称", "岗位职责", "任职要求", "公司名称", "工作城市"], POSTING_COLUMNS)
    assert hmap.columns["description"] == (1, 2)
    assert hmap.headers["description"] == "岗位职责/任职要求"
    assert hmap.duplicates == ()
    assert hmap.missing_required == ()


def test_header_score_counts_distinct_fields() -> None:
    assert header_score(["2026届毕业生就业台账", None, None], GRADUATE_COLUMNS) == 0
    assert header_score(["学号", "学生学号", "姓名"], GRADUATE_COLUMNS) == 2
