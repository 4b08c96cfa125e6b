"""Reading ledgers as Excel and CSV hand them over: row numbers as Excel shows them, every quirk tolerated."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from bot.errors import ImportFileError
from bot.imports.columns import GRADUATE_COLUMNS, POSTING_COLUMNS
from bot.imports.reader import read_table
from bot.imports.writer import write_template

HEADER = ["学号", "姓名", "学院", "专业", "学历层次"]


def test_xlsx_title_row_blank_rows_merges_and_trailing_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["2026届毕业生就业台账"])  # row 1: a title above the header
    ws.merge_cells("A1:E1")
    ws.append(HEADER)  # row 2
    ws.append(["20210101", "张三", "计算机学院", "软件工程", "本科生"])  # row 3
    ws.append([20210102.0, "李四", None, "软件工程", "本科生"])  # row 4: 学院 merged down from row 3
    ws.merge_cells("C3:C4")
    ws.append([])  # row 5: blank
    ws.append(["二、电气学院"])  # row 6: a merged section title inside the data
    ws.merge_cells("A6:E6")
    ws.append(["20210103", "王五", "电气学院", "自动化", "本科生"])  # row 7
    ws.cell(row=40, column=2).number_format = "@"  # a formatted but empty trailing row
    path = tmp_path / "roster.xlsx"
    wb.save(path)

    table = read_table(path, GRADUATE_COLUMNS)

    assert table.format == "xlsx" and table.header_row == 2
    assert [c for c in table.header] == HEADER
    assert [(r.number, r.cells[0], r.cells[2]) for r in table.rows] == [
        (3, "20210101", "计算机学院"),
        (4, 20210102, "计算机学院"),
        (7, "20210103", "电气学院"),
    ]
    assert any("第 6 行" in w and "合并单元格" in w for w in table.warnings)


def test_xlsx_date_cells_come_back_as_datetimes(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["岗位名称", "单位名称", "工作地点", "截止日期"])
    ws.append(["客服", "某公司", "全国", datetime(2026, 6, 30)])
    path = tmp_path / "p.xlsx"
    wb.save(path)
    assert read_table(path, POSTING_COLUMNS).rows[0].cells[3] == datetime(2026, 6, 30)


def _raw_xlsx(path: Path, sheet_xml: str, shared: str, styles: str, workbook_pr: str = "") -> Path:
    """A workbook written by hand, with the XML features other producers use (prefixes, rich text, ...)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "xl/workbook.xml": f'<x:workbook xmlns:x="{main}" xmlns:r="{rel}">{workbook_pr}<x:sheets>'
        '<x:sheet name="隐藏" sheetId="1" r:id="rId2" state="hidden"/>'
        '<x:sheet name="台账" sheetId="2" r:id="rId1"/></x:sheets></x:workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<x:worksheet xmlns:x="{main}"><x:sheetData>{sheet_xml}</x:sheetData>'
        '<x:mergeCells count="1"><x:mergeCell ref="C3:C4"/></x:mergeCells></x:worksheet>',
        "xl/worksheets/sheet2.xml": f'<worksheet xmlns="{main}"><sheetData><row r="1">'
        '<c r="A1" t="inlineStr"><is><t>学号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>学院</t></is></c></row></sheetData></worksheet>',
        "xl/sharedStrings.xml": f'<sst xmlns="{main}">{shared}</sst>',
        "xl/styles.xml": f'<styleSheet xmlns="{main}">{styles}</styleSheet>',
    }
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return path


def test_hand_written_xlsx_with_shared_strings_rich_text_and_date_styles(tmp_path: Path) -> None:
    shared = (
        "<si><t>学号</t></si><si><t>姓名</t></si><si><t>学院</t></si><si><t>截止日期</t></si>"
        '<si><r><t>计算机</t></r><r><t xml:space="preserve">学院</t></r><rPh><t>ケイサンキ</t></rPh></si>'
        "<si><t>张 &amp; 三</t></si>"
    )
    styles = (
        '<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy/m/d"/></numFmts>'
        '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
        '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="176"/><xf numFmtId="31"/></cellXfs>'
    )
    sheet = (
        '<x:row r="2"><x:c r="A2" t="s"><x:v>0</x:v></x:c><x:c r="B2" t="s"><x:v>1</x:v></x:c>'
        '<x:c r="C2" t="s"><x:v>2</x:v></x:c><x:c r="D2" t="s"><x:v>3</x:v></x:c></x:row>'
        '<x:row r="3"><x:c r="A3"><x:v>20210101</x:v></x:c><x:c r="B3" t="s"><x:v>5</x:v></x:c>'
        '<x:c r="C3" t="s"><x:v>4</x:v></x:c><x:c r="D3" s="1"><x:v>46203</x:v></x:c></x:row>'
        '<x:row r="4"><x:c r="A4" t="str"><x:f>A3+1</x:f><x:v>20210102</x:v></x:c>'
        '<x:c r="B4" t="b"><x:v>1</x:v></x:c><x:c r="D4" s="2"><x:v>46204.5</x:v></x:c></x:row>'
        '<x:row r="5"><x:c r="A5"><x:v>2.0210103E7</x:v></x:c><x:c r="B5" t="e"><x:v>#N/A</x:v></x:c>'
        '<x:c r="D5" s="3"><x:v>46205</x:v></x:c></x:row>'
    )
    path = _raw_xlsx(tmp_path / "hand.xlsx", sheet, shared, styles)

    table = read_table(path, GRADUATE_COLUMNS)

    assert table.sheet == "台账"  # the hidden sheet is never read
    assert [r.cells for r in table.rows] == [
        (20210101, "张 & 三", "计算机学院", datetime(2026, 6, 30)),
        ("20210102", True, "计算机学院", datetime(2026, 7, 1, 12)),
        (20210103.0, "#N/A", None, datetime(2026, 7, 2)),
    ]


def test_xlsx_1904_date_system(tmp_path: Path) -> None:
    styles = '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
    sheet = (
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>学号</x:t></x:is></x:c>'
        '<x:c r="B1" t="inlineStr"><x:is><x:t>姓名</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>1</x:t></x:is></x:c>'
        '<x:c r="B2" s="1"><x:v>0</x:v></x:c></x:row>'
    )
    path = _raw_xlsx(tmp_path / "mac.xlsx", sheet, "", styles, '<x:workbookPr date1904="1"/>')
    assert read_table(path, GRADUATE_COLUMNS).rows[0].cells[1] == datetime(1904, 1, 1)


def test_template_help_sheet_is_not_mistaken_for_data(tmp_path: Path) -> None:
    path = write_template(GRADUATE_COLUMNS, "毕业生", tmp_path / "t.xlsx")
    table = read_table(path, GRADUATE_COLUMNS)
    assert table.sheet == "毕业生" and table.rows == []
    assert table.header[0] == "学号*"


def test_csv_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes("\ufeff学号,姓名\r\n0210101,张三\r\n,,\r\n\r\n".encode())
    table = read_table(path, GRADUATE_COLUMNS)
    assert (table.encoding, table.header) == ("utf-8-sig", ("学号", "姓名"))
    assert [(r.number, r.cells) for r in table.rows] == [(2, ("0210101", "张三"))]


def test_csv_in_gbk_and_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes("标题行\n学号\t学生姓名\t学院\n20210101\t张三\t计算机学院\n".encode("gbk"))
    table = read_table(path, GRADUATE_COLUMNS)
    assert table.encoding == "gb18030" and table.header_row == 2
    assert table.rows[0].cells == ("20210101", "张三", "计算机学院")


def test_short_csv_rows_are_padded(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("学号,姓名,学院\n1,张三\n", encoding="utf-8")
    assert read_table(path, GRADUATE_COLUMNS).rows[0].cells == ("1", "张三", None)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "另存为” .xlsx"),
        ("notes.docx", b"x", "不支持的文件类型"),
        ("broken.xlsx", b"not a zip", "不是有效的 .xlsx"),
        ("nohead.csv", "随便,写点\n什么,东西\n".encode(), "找不到表头"),
        ("latin.csv", b"\xff\xfe\x00\xd8", "编码无法识别"),
    ],
)
def test_unreadable_files_say_why(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=reason):
        read_table(path, GRADUATE_COLUMNS)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="文件不存在"):
        read_table(tmp_path / "nope.xlsx", GRADUATE_COLUMNS)


def test_a_directory_is_not_a_ledger(tmp_path: Path) -> None:
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(ImportFileError, match=r"无法读取 dir\.csv"):
        read_table(tmp_path / "dir.csv", GRADUATE_COLUMNS)


def test_xlsx_with_entity_bomb_is_refused_not_expanded(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    plain = _raw_xlsx(tmp_path / "plain.xlsx", '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row>', "", "")
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/sharedStrings.xml":
                data = (bomb + '<sst xmlns="x"><si><t>&lol3;</t></si></sst>').encode()
            dst.writestr(name, data)
    with pytest.raises(ImportFileError, match="DTD"):
        read_table(path, GRADUATE_COLUMNS)
