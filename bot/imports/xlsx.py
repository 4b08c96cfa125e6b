"""A streaming .xlsx reader for big ledgers: rows of cell values, merged ranges, date cells as datetimes.

openpyxl's read-only mode builds an element per XML node and, for files without a <dimension> element (those
written by openpyxl, pandas and many web exports), scans every sheet once more just to size it; on a roster
of 100,000 rows that alone takes longer than the whole import should. This reader drives expat directly over
the zip member: one pass, a few Python calls per cell. It understands what spreadsheets put in cells (shared
and inline strings, rich text, numbers, booleans, errors, formula results, ISO dates) and which number
formats are dates, and nothing else (no styles, no formulas): openpyxl still writes every file we produce.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

CHUNK_BYTES = 1 << 20
EPOCH_1900 = datetime(1899, 12, 30)
EPOCH_1904 = datetime(1904, 1, 1)
# East Asian Excel builds in date formats under these ids (年月日 forms) that are not in the ECMA list.
_CJK_DATE_IDS = frozenset(range(27, 37)) | frozenset(range(50, 59))
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class XlsxError(Exception):
    """The file is not a readable workbook (the message is Chinese)."""


@dataclass(frozen=True, slots=True)
class SheetInfo:
    name: str
    path: str  # zip member
    hidden: bool


def _local(name: str) -> str:
    return name[name.find(":") + 1 :] if ":" in name else name


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


def _refuse_dtd(*_args: Any) -> None:
    # Spreadsheet parts never carry a DTD; one that does is hostile (entity expansion bombs).
    raise XlsxError("工作表含有 DTD/实体声明，已拒绝读取（文件可能被篡改）")


def _parse(member: IO[bytes], start: Callable[..., None], end: Callable[[str], None], text: Any) -> None:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        while chunk := member.read(CHUNK_BYTES):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise XlsxError(f"工作表 XML 有误：{exc}") from exc


def _attrs_of(archive: zipfile.ZipFile, path: str, tag: str) -> list[dict[str, str]]:
    """The attributes of every `tag` element of a small part (workbook, relationships, styles)."""
    found: list[dict[str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == tag:
            found.append({_local(k): v for k, v in attrs.items()})

    with archive.open(path) as member:
        _parse(member, start, lambda _name: None, None)
    return found


class Workbook:
    """An open .xlsx: its sheets in workbook order, shared strings and date styles, loaded once."""

    def __init__(self, path: str) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise XlsxError("不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的其他格式）") from exc
        try:
            self.sheets = self._sheets()
            self._strings = self._shared_strings()
            self._date_styles, epoch = self._styles()
        except KeyError as exc:
            raise XlsxError(f"不是有效的 .xlsx 文件（缺少 {exc}）") from exc
        self._epoch = epoch

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _sheets(self) -> list[SheetInfo]:
        rels = {r["Id"]: r["Target"] for r in _attrs_of(self._zip, "xl/_rels/workbook.xml.rels", "Relationship")}
        out = []
        for sheet in _attrs_of(self._zip, "xl/workbook.xml", "sheet"):
            target = rels.get(sheet.get("id", ""), "")
            if not target:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            out.append(SheetInfo(sheet.get("name", ""), path, sheet.get("state", "visible") != "visible"))
        return out

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self._zip.namelist():
            return []
        strings: list[str] = []
        parts: list[str] = []
        state = {"in_t": False, "phonetic": 0}

        def start(name: str, _attrs: dict[str, str]) -> None:
            tag = _local(name)
            if tag == "si":
                parts.clear()
            elif tag == "t" and not state["phonetic"]:
                state["in_t"] = True
            elif tag == "rPh":
                state["phonetic"] += 1

        def end(name: str) -> None:
            tag = _local(name)
            if tag == "t":
                state["in_t"] = False
            elif tag == "rPh":
                state["phonetic"] -= 1
            elif tag == "si":
                strings.append("".join(parts))

        def text(data: str) -> None:
            if state["in_t"]:
                parts.append(data)

        with self._zip.open("xl/sharedStrings.xml") as member:
            _parse(member, start, end, text)
        return strings

    def _styles(self) -> tuple[frozenset[int], datetime]:
        pr = _attrs_of(self._zip, "xl/workbook.xml", "workbookPr")
        epoch = EPOCH_1904 if pr and pr[0].get("date1904") in ("1", "true") else EPOCH_1900
        if "xl/styles.xml" not in self._zip.namelist():
            return frozenset(), epoch
        custom = {int(f["numFmtId"]): f.get("formatCode", "") for f in _attrs_of(self._zip, "xl/styles.xml", "numFmt")}
        dates: set[int] = set()
        # cellXfs is the second list of <xf> elements (after cellStyleXfs); a cell's s="n" indexes it.
        xfs = _cell_xfs(self._zip)
        for index, fmt_id in enumerate(xfs):
            code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, ""))
            if fmt_id in _CJK_DATE_IDS or (code and is_date_format(code)):
                dates.add(index)
        return frozenset(dates), epoch

    def rows(self, sheet: SheetInfo, limit: int | None = None) -> SheetRows:
        return SheetRows(self, sheet, limit)


def _cell_xfs(archive: zipfile.ZipFile) -> list[int]:
    xfs: list[int] = []
    inside = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "cellXfs":
            inside[0] = True
        elif tag == "xf" and inside[0]:
            xfs.append(int(attrs.get("numFmtId", "0")))

    def end(name: str) -> None:
        if _local(name) == "cellXfs":
            inside[0] = False

    with archive.open("xl/styles.xml") as member:
        _parse(member, start, end, None)
    return xfs


class _Stop(Exception):
    pass


class _Names(dict[str, str]):
    """Qualified element name -> local name ("x:c" -> "c"), learnt once per distinct name."""

    def __missing__(self, key: str) -> str:
        value = self[key] = _local(key)
        return value


class SheetRows:
    """Iterate (row number, [values by column]) of one sheet; `merged` is filled once iteration ends."""

    def __init__(self, book: Workbook, sheet: SheetInfo, limit: int | None) -> None:
        self._book = book
        self._sheet = sheet
        self._limit = limit
        self.merged: list[str] = []

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        book = self._book
        handler = _SheetHandler(_Converter(book._strings, book._date_styles, book._epoch), self._limit)
        try:
            with book._zip.open(self._sheet.path) as member:
                _parse(member, handler.start, handler.end, handler.text)
        except _Stop:
            pass
        except KeyError as exc:
            raise XlsxError(f"工作表“{self._sheet.name}”缺失（文件已损坏）") from exc
        self.merged = handler.merged
        return iter(handler.rows)


class _SheetHandler:
    """expat callbacks for one sheet. They run once per XML node of a 100 MB sheet, so the branches are
    ordered by frequency and nothing is looked up twice."""

    __slots__ = (
        "_collect", "_column", "_columns", "_convert", "_kind", "_limit", "_names", "_parts", "_phonetic",
        "_row_no", "_style", "_values", "merged", "rows",
    )  # fmt: skip

    def __init__(self, convert: _Converter, limit: int | None) -> None:
        self.rows: list[tuple[int, list[Any]]] = []
        self.merged: list[str] = []
        self._convert = convert
        self._limit = limit
        self._names = _Names()
        self._columns: dict[str, int] = {}
        self._row_no = self._column = self._phonetic = 0
        self._kind = self._style = ""
        self._collect = False
        self._parts: list[str] = []
        self._values: list[Any] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = self._names[name]
        if tag == "c":
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                found = self._columns.get(letters)
                self._column = found if found is not None else self._columns.setdefault(letters, _column_index(letters))
            else:
                self._column += 1
            self._kind = attrs.get("t", "n")
            self._style = attrs.get("s", "")
            self._parts = []
        elif tag == "v" or tag == "t":
            self._collect = self._phonetic == 0
        elif tag == "row":
            self._row_no = int(attrs.get("r") or self._row_no + 1)
            if self._limit is not None and self._row_no > self._limit:
                raise _Stop
            self._values = []
            self._column = 0
        elif tag == "rPh":
            self._phonetic += 1
        elif tag == "mergeCell":
            self.merged.append(attrs.get("ref", ""))

    def end(self, name: str) -> None:
        tag = self._names[name]
        if tag == "c":
            if self._parts:
                value = self._convert(self._kind, self._style, "".join(self._parts))
                values, column = self._values, self._column
                if len(values) < column:
                    values.extend([None] * (column - len(values)))
                values[column - 1] = value
        elif tag == "v" or tag == "t":
            self._collect = False
        elif tag == "row":
            if self._values:
                self.rows.append((self._row_no, self._values))
        elif tag == "rPh":
            self._phonetic -= 1

    def text(self, data: str) -> None:
        if self._collect:
            self._parts.append(data)


class _Converter:
    """A cell's text as the value Excel shows: shared strings looked up, numbers typed, date formats dated."""

    __slots__ = ("_dates", "_epoch", "_strings")

    def __init__(self, strings: list[str], dates: frozenset[int], epoch: datetime) -> None:
        self._strings = strings
        self._dates = frozenset(str(d) for d in dates)
        self._epoch = epoch

    def __call__(self, kind: str, style: str, raw: str) -> Any:
        if kind == "s":
            return self._strings[int(raw)]
        if kind == "n":
            if style and style in self._dates:
                return self._epoch + timedelta(days=float(raw))
            if "." in raw or "E" in raw or "e" in raw:
                return float(raw)
            return int(raw)
        if kind == "inlineStr" or kind == "str":
            return raw
        if kind == "b":
            return raw == "1"
        if kind == "d":
            return datetime.fromisoformat(raw)
        return raw  # "e": the error text (#N/A) as the counselor sees it
