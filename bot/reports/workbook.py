"""Writing report workbooks: one sheet per table, text kept as text, replaced atomically.

Every text cell is written as a string cell, so codes keep their leading zeros and a value that starts with "="
(an employer name a graduate typed, say) never becomes a live formula in the reader's Excel.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

Cell = str | int | float | None
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
PERCENT = "0.00%"


@dataclass(frozen=True)
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    widths: Sequence[int] = ()
    percent_columns: frozenset[int] = field(default_factory=frozenset)  # 0-based columns holding a ratio


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> int:
    """Write the sheets to `path` (replacing it only once complete); returns the number of data rows written."""
    wb = openpyxl.Workbook(write_only=True)
    written = 0
    for sheet in sheets:
        ws = wb.create_sheet(title=sheet.title[:31])
        for index, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        ws.append([_header_cell(ws, h) for h in sheet.header])
        for row in sheet.rows:
            ws.append([_cell(ws, v, i in sheet.percent_columns) for i, v in enumerate(row)])
            written += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return written


def _header_cell(ws: Any, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True)
    cell.fill = _HEADER_FILL
    cell.alignment = Alignment(vertical="center")
    return cell


def _cell(ws: Any, value: Cell, percent: bool) -> Any:
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        cell.number_format = "@"
        return cell
    if percent and value is not None:
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = PERCENT
        return cell
    return value
