from __future__ import annotations

from bot.codes import majors as majors_catalogue


def test_catalogue_holds_the_national_lists() -> None:
    book = majors_catalogue.load()
    undergraduate = {c for c in book.categories if c < "40"}
    vocational = {c for c in book.categories if c >= "40"}
    assert len(undergraduate) == 12  # 本科 门类 (no 11 军事学 in the 本科 catalogue)
    assert len(vocational) == 19  # 高职专科 专业大类 41..59
    assert sorted(vocational) == [str(n) for n in range(41, 60)]
    assert len(book.classes) == 92
    assert all(code[:2] in undergraduate for code in book.classes)
    assert book.classes["0809"] == "计算机类"
    assert book.categories["08"] == "工学"
    assert book.categories["51"] == "电子与信息大类"


def test_names_map_to_codes() -> None:
    book = majors_catalogue.load()
    assert book.codes_for("计算机类") == ("0809",)
    assert book.codes_for("计算机") == ("0809",)
    assert book.codes_for("工学") == ("08",)
    assert book.codes_for("哲学") == ("01",)  # the 门类, not 哲学类 without its suffix
    assert book.codes_for("电子与信息大类") == ("51",)
    assert book.codes_for("经管类") == ("02", "12")
    assert book.codes_for("火星学") == ()
    assert book.class_name("080902") == "计算机类"
    assert book.category_name("510201") == "电子与信息大类"
