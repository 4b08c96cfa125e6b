"""Read a ledger file (.xlsx or .csv) into its header row and data rows, row numbers as Excel shows them.

xlsx is streamed by bot.imports.xlsx (a province's roster is 100,000 rows); CSV is decoded as
UTF-8 (with or without BOM), else GB18030, the superset of the GBK that Excel on Chinese Windows writes.
Blank rows, trailing empty rows and merged title rows inside the data are skipped; cells merged downwards
(one 学院 cell over twenty students) are filled down, because that is what the counselor sees.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import range_boundaries

from bot.errors import ImportFileError
from bot.imports import xlsx
from bot.imports.headers import HEADER_SEARCH_ROWS, ColumnSpec, header_score

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
MIN_HEADER_SCORE = 2
MERGED_TITLE_MIN_COLUMNS = 3


@dataclass(frozen=True, slots=True)
class RawRow:
    number: int  # as Excel shows it
    cells: tuple[Any, ...]


@dataclass
class Table:
    path: Path
    format: str  # "xlsx" | "csv"
    header_row: int
    header: tuple[Any, ...]
    rows: list[RawRow]
    sheet: str | None = None
    encoding: str | None = None  # csv only: how the file was decoded (the error file is written the same way)
    warnings: list[str] = field(default_factory=list)


def read_table(path: Path, specs: Sequence[ColumnSpec]) -> Table:
    if not path.exists():
        raise ImportFileError(f"文件不存在：{path}")
    suffix = path.suffix.lower()
    try:
        if suffix in XLSX_SUFFIXES:
            return _read_xlsx(path, specs)
        if suffix in CSV_SUFFIXES:
            return _read_csv(path, specs)
    except OSError as exc:
        raise ImportFileError(f"无法读取 {path.name}：{exc.strerror or exc}") from exc
    if suffix == ".xls":
        raise ImportFileError(f"不支持旧版 .xls 文件：请在 Excel 中“另存为” .xlsx 后再导入（{path.name}）")
    raise ImportFileError(f"不支持的文件类型“{path.suffix}”：请使用 .xlsx 或 .csv（{path.name}）")


def _is_blank(cells: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _find_header(rows: Sequence[tuple[int, Sequence[Any]]], specs: Sequence[ColumnSpec]) -> tuple[int, int]:
    """(index in `rows`, score) of the row among the first few that names the most known columns."""
    best, best_score = -1, 0
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = header_score(cells, specs)
        if score > best_score:
            best, best_score = i, score
    return best, best_score


def _no_header(path: Path, specs: Sequence[ColumnSpec]) -> ImportFileError:
    names = "、".join(s.label for s in specs if s.required)
    return ImportFileError(f"{path.name}：前 {HEADER_SEARCH_ROWS} 行中找不到表头（应包含 {names} 等列）")


# ----------------------------------------------------------------------------------------------------- xlsx


def _read_xlsx(path: Path, specs: Sequence[ColumnSpec]) -> Table:
    try:
        with xlsx.Workbook(str(path)) as book:
            return _read_best_sheet(path, book, specs)
    except xlsx.XlsxError as exc:
        raise ImportFileError(f"{path.name}：{exc}") from exc


def _read_best_sheet(path: Path, book: xlsx.Workbook, specs: Sequence[ColumnSpec]) -> Table:
    """The visible sheet whose header names the most known columns (the template's 填写说明 names one a row)."""
    best, best_score = None, 0
    for sheet in book.sheets:
        if sheet.hidden:
            continue
        _, score = _find_header(list(book.rows(sheet, limit=HEADER_SEARCH_ROWS)), specs)
        if score > best_score:
            best, best_score = sheet, score
    if best is None or best_score < MIN_HEADER_SCORE:
        raise _no_header(path, specs)
    stream = book.rows(best)
    rows = list(stream)
    header_index, _ = _find_header(rows, specs)
    header_row, header = rows[header_index]
    table = Table(path, "xlsx", header_row, tuple(header), [], sheet=best.name)
    data = dict(rows[header_index + 1 :])
    del rows
    skipped = _apply_merges(data, stream.merged, header_row)
    if skipped:
        table.warnings.append(f"第 {'、'.join(map(str, skipped))} 行是合并单元格的标题行，已跳过")
    width = len(header)
    for number in sorted(data):
        cells = data[number]
        if number in skipped or _is_blank(cells):
            continue
        table.rows.append(RawRow(number, tuple(cells[:width]) + (None,) * (width - len(cells))))
    return table


def _apply_merges(data: dict[int, list[Any]], merged: list[str], header_row: int) -> list[int]:
    """Fill vertical merges down; return the rows that are wide merged titles ("一、计算机学院")."""
    titles: list[int] = []
    for ref in merged:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if max_row <= header_row:
            continue
        if max_col - min_col + 1 >= MERGED_TITLE_MIN_COLUMNS:
            titles.extend(n for n in range(min_row, max_row + 1) if n in data)
            continue
        top = data.get(min_row)
        if top is None or len(top) < min_col:
            continue
        for number in range(min_row + 1, max_row + 1):
            cells = data.get(number)
            if cells is None:
                cells = data[number] = []
            if len(cells) < max_col:
                cells.extend([None] * (max_col - len(cells)))
            for col in range(min_col, max_col + 1):
                if cells[col - 1] is None and col - 1 < len(top):
                    cells[col - 1] = top[col - 1]
    return sorted(set(titles))


# ------------------------------------------------------------------------------------------------------ csv


def _decode(path: Path) -> tuple[str, str]:
    raw = path.read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError(f"{path.name} 的编码无法识别：请另存为“CSV UTF-8”或使用 .xlsx")


def _delimiter(text: str) -> str:
    head = "\n".join(text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS])
    return max((",", "\t", ";"), key=head.count)


def _read_csv(path: Path, specs: Sequence[ColumnSpec]) -> Table:
    text, encoding = _decode(path)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise ImportFileError(f"{path.name} 不是有效的 CSV 文件：{exc}") from exc
    numbered = [(i + 1, cells) for i, cells in enumerate(records) if not _is_blank(cells)]
    header_index, score = _find_header(numbered, specs)
    if score < MIN_HEADER_SCORE:
        raise _no_header(path, specs)
    header_row, header = numbered[header_index]
    width = len(header)
    table = Table(path, "csv", header_row, tuple(header), [], encoding=encoding)
    for number, cells in numbered[header_index + 1 :]:
        values: list[Any] = [c if c.strip() else None for c in cells[:width]]
        table.rows.append(RawRow(number, tuple(values) + (None,) * (width - len(values))))
    return table
