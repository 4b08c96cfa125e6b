from __future__ import annotations

from bot import codes


def test_national_lists_load_with_version() -> None:
    book = codes.load()
    assert book.version == "2024.1"
    assert book.is_placed("10") and book.is_placed("80") and book.is_placed("76")
    assert not book.is_placed("70") and not book.is_placed("71") and not book.is_placed("72")
    assert book.top_level("502") == "50" and book.is_placed("502")
    assert book.employer_natures["31"] == "国有企业"
    assert book.industries["34"] == "信息传输、软件和信息技术服务业"
    assert book.industry_sections["I"] == "34"
    assert book.hardship[3] == "就业困难和家庭困难"
    assert "拟参加公招考试" in book.unplaced_reasons
    assert book.export_columns[0] == "学号" and len(book.export_columns) == 14


def test_lookup_by_name() -> None:
    book = codes.load()
    assert book.industry_by_name("制造业") == "22"
    assert book.industry_by_name("教育") == "42"
    assert book.industry_by_name("金融") == "35"
    assert book.nature_by_name("国有企业") == "31"
    assert book.nature_by_name("不存在") is None


def test_local_extension_does_not_touch_shipped_book() -> None:
    base = codes.load()
    local = base.extended({"77": "其他灵活就业"}, ["77"])
    assert local.is_placed("77") and local.version.endswith("+local")
    assert "77" not in base.destinations
