"""Forgiving header matching: a sheet's header row -> which column holds which field (pure).

Counselors rename columns, mark required ones with "*" or "（必填）", add hints in brackets ("手机号（11位）"),
type full-width characters and put a title row above the header. Matching therefore normalises every header,
tries the known synonyms, then retries without the bracketed part; the header row itself is the row (among
the first few) that matches the most fields.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from bot.imports.cells import cell_text

HEADER_SEARCH_ROWS = 15

_MARKS = re.compile(r"^[*＊※★]+|[*＊※★]+$")
_REQUIRED_NOTE = re.compile(r"[(（\[【](?:必填|选填|可选|必须|非必填)[)）\]】]|必填项?|选填")
_BRACKETED = re.compile(r"[(（\[【<《].*?[)）\]】>》]")


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One field a sheet may carry, with everything the template explains about it."""

    field: str
    label: str  # the header the template writes
    synonyms: tuple[str, ...] = ()
    required: bool = False
    help: str = ""  # 说明与允许值
    example: str = ""
    as_text: bool = False  # the template formats the column as text (keeps leading zeros, long digits)
    multi: bool = False  # several columns may feed it (岗位职责 + 任职要求): their texts are joined


@dataclass(frozen=True, slots=True)
class HeaderMap:
    columns: dict[str, tuple[int, ...]]  # field -> column indexes (several only for `multi` fields)
    headers: dict[str, str]  # field -> the header as the file writes it
    unknown: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()
    missing_required: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)  # field -> canonical label, for fields the file lacks

    def header_of(self, name: str) -> str:
        return self.headers.get(name) or self.labels.get(name, name)

    def has(self, name: str) -> bool:
        return name in self.columns


def normalise_header(text: object) -> str:
    t = unicodedata.normalize("NFKC", cell_text(text)).lower()
    t = "".join(t.split())
    t = _REQUIRED_NOTE.sub("", t)
    t = _MARKS.sub("", t)
    return t.rstrip(":：")


@cache
def _lookup(specs: tuple[ColumnSpec, ...]) -> dict[str, str]:
    table: dict[str, str] = {}
    for spec in specs:
        for name in (spec.label, *spec.synonyms):
            table.setdefault(normalise_header(name), spec.field)
    return table


def field_of(header: object, specs: Sequence[ColumnSpec]) -> str | None:
    table = _lookup(tuple(specs))
    key = normalise_header(header)
    if not key:
        return None
    found = table.get(key)
    if found is None:
        stripped = _BRACKETED.sub("", key)
        found = table.get(stripped) if stripped else None
    return found


def match_headers(cells: Sequence[object], specs: Sequence[ColumnSpec]) -> HeaderMap:
    by_field = {spec.field: spec for spec in specs}
    columns: dict[str, tuple[int, ...]] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for index, cell in enumerate(cells):
        shown = cell_text(cell)
        if not shown:
            continue
        name = field_of(cell, specs)
        if name is None:
            unknown.append(shown)
        elif name not in columns:
            columns[name] = (index,)
            headers[name] = shown
        elif by_field[name].multi:
            columns[name] = (*columns[name], index)
            headers[name] = f"{headers[name]}/{shown}"
        else:
            duplicates.append(shown)
    missing = tuple(spec.label for spec in specs if spec.required and spec.field not in columns)
    return HeaderMap(
        columns=columns,
        headers=headers,
        unknown=tuple(unknown),
        duplicates=tuple(duplicates),
        missing_required=missing,
        labels={spec.field: spec.label for spec in specs},
    )


def header_score(cells: Sequence[object], specs: Sequence[ColumnSpec]) -> int:
    """How many distinct fields a row's cells name: the header row is the row that names the most."""
    return len({name for cell in cells if (name := field_of(cell, specs)) is not None})
