"""Files an import hands back: the blank template counselors fill in, and the file of rows that failed.

The error file has the input's columns, in its order and format (xlsx stays xlsx, a GBK csv stays GBK), plus
a 错误原因 column, so the counselor fixes the cells in place and imports that file again.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from bot.imports.cells import cell_text
from bot.imports.headers import ColumnSpec
from bot.imports.reader import RawRow, Table

ERROR_COLUMN = "错误原因"
_REQUIRED_FILL = PatternFill("solid", fgColor="FDE9D9")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TEMPLATE_ROWS = 2000  # rows pre-formatted as text and given drop-downs
_CHOICES = {
    "gender": "男,女",
    "education": "本科生,专科生,硕士生,博士生",
    "flag_poverty": "是,否",
    "flag_dibao": "是,否",
    "flag_zero_employment": "是,否",
    "flag_disability": "是,否",
}


def default_error_path(source: Path) -> Path:
    return source.with_name(f"{source.stem}.错误行{source.suffix.lower()}")


def write_error_file(table: Table, bad: Sequence[tuple[RawRow, str]], path: Path) -> Path:
    """Write the failed rows with their reasons next to each; returns the path written."""
    header = [cell_text(c) for c in table.header] + [ERROR_COLUMN]
    if table.format == "csv":
        with path.open("w", encoding=table.encoding or "utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for row, reason in bad:
                writer.writerow([cell_text(c) for c in row.cells] + [reason])
        return path
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(title=(table.sheet or "错误行")[:31])
    ws.append(header)
    for row, reason in bad:
        ws.append([_xlsx_value(ws, c) for c in row.cells] + [reason])
    wb.save(path)
    return path


def _xlsx_value(ws: Any, value: Any) -> Any:
    # Text that starts with "=" must come back as the text it was, not as a live formula.
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_template(specs: Sequence[ColumnSpec], sheet_title: str, path: Path) -> Path:
    """The blank ledger: one header row (required columns marked *), and a sheet explaining every column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet_title
    for index, spec in enumerate(specs, start=1):
        cell = ws.cell(row=1, column=index, value=spec.label + ("*" if spec.required else ""))
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if spec.required else _HEADER_FILL
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(10, min(32, len(spec.example or spec.label) * 2 + 4))
        if spec.as_text:
            for row in range(2, _TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=index).number_format = "@"
        if spec.field in _CHOICES:
            check = DataValidation(type="list", formula1=f'"{_CHOICES[spec.field]}"', allow_blank=True)
            check.add(f"{letter}2:{letter}{_TEMPLATE_ROWS + 1}")
            ws.add_data_validation(check)
    ws.freeze_panes = "A2"
    _write_help(wb.create_sheet("填写说明"), specs)
    wb.save(path)
    return path


def _write_help(ws: Any, specs: Sequence[ColumnSpec]) -> None:
    ws.append(["列名", "是否必填", "说明与允许值", "例子"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for spec in specs:
        ws.append([spec.label, "必填" if spec.required else "选填", spec.help, spec.example])
    ws.append([])
    for note in (
        "第一个工作表的第一行是表头，请从第二行开始填写，每行一条记录；列的顺序可以调整，不认识的列会被忽略。",
        "标 * 的列为必填；其他列留空表示“不修改系统中已有的值”，重复导入同一文件不会产生重复记录。",
        "有任何一行出错时默认整份文件都不导入，并列出每个错误（行号、列名、原因）；加 --partial 可只导入正确的行。",
        "学号、手机号、身份证号等请保持“文本”格式，以免 Excel 去掉开头的 0 或改成科学计数法。",
    ):
        ws.append([note])
    widths = {"A": 18, "B": 10, "C": 80, "D": 28}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
