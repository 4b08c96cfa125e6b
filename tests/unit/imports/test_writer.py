from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from bot.imports.columns import GRADUATE_COLUMNS, POSTING_COLUMNS
from bot.imports.reader import RawRow, Table
from bot.imports.writer import ERROR_COLUMN, default_error_path, write_error_file, write_template


def test_template_marks_required_columns_and_explains_every_column(tmp_path: Path) -> None:
    path = write_template(POSTING_COLUMNS, "岗位", tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    sheet, help_sheet = wb["岗位"], wb["填写说明"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["岗位编号", "岗位名称*", "单位名称*", "统一社会信用代码"]
    assert sheet.max_row == 1 or all(c.value is None for row in sheet.iter_rows(min_row=2) for c in row)
    explained = {row[0]: row for row in help_sheet.iter_rows(min_row=2, values_only=True) if row and row[1]}
    assert set(explained) == {spec.label for spec in POSTING_COLUMNS}
    assert explained["工作地点"][1] == "必填" and "全国" in explained["工作地点"][2]
    assert "10-15K·13薪" in explained["薪资"][2]


def test_graduate_template_keeps_ids_as_text_and_offers_choices(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_template(GRADUATE_COLUMNS, "毕业生", tmp_path / "g.xlsx"))
    sheet = wb["毕业生"]
    assert sheet["A2"].number_format == "@"  # 学号
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert '"本科生,专科生,硕士生,博士生"' in lists.values()
    assert '"男,女"' in lists.values()


def test_error_file_keeps_columns_and_adds_the_reason(tmp_path: Path) -> None:
    table = Table(tmp_path / "in.xlsx", "xlsx", 1, ("学号", "姓名", None), [], sheet="名单")
    bad = [(RawRow(3, ("1", "=SUM(A1)", None)), "姓名：不能为空")]
    path = write_error_file(table, bad, default_error_path(table.path))
    assert path.name == "in.错误行.xlsx"
    rows = list(openpyxl.load_workbook(path)["名单"].iter_rows(values_only=True))
    assert rows == [("学号", "姓名", None, ERROR_COLUMN), ("1", "=SUM(A1)", None, "姓名：不能为空")]


def test_csv_error_file_uses_the_input_encoding(tmp_path: Path) -> None:
    table = Table(tmp_path / "in.csv", "csv", 2, ("学号", "姓名"), [], encoding="gb18030")
    path = write_error_file(table, [(RawRow(3, ("1", "张三")), "原因")], tmp_path / "e.csv")
    with path.open(encoding="gbk", newline="") as fh:
        assert list(csv.reader(fh)) == [["学号", "姓名", ERROR_COLUMN], ["1", "张三", "原因"]]
