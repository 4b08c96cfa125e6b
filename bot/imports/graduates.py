"""One row of the graduate ledger -> the values it sets, or the reasons it cannot be imported (pure).

Only cells that are filled produce values: an empty cell (or a missing column) leaves the stored value alone.
Whether a row is a new graduate (and so must name 姓名, 学院, 专业, 学历层次) is known only against the
database, so those checks happen in `store_graduates`; everything a row can be judged on alone happens here.
Phone and ID numbers stay in `refs` as plain text: the store encrypts them and never writes them elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

from bot.codes import places
from bot.codes.book import CodeBook
from bot.imports import idcodes, vocab
from bot.imports.cells import code_text, is_float_number, looks_scientific, parse_bool, split_list
from bot.imports.headers import HeaderMap
from bot.imports.reader import RawRow
from bot.imports.report import ParsedRow
from bot.imports.rows import Cells, Memo, check_length
from bot.imports.salary import parse_salary

MIN_COHORT, MAX_COHORT = 1990, 2100
_STUDENT_NO = re.compile(r"^[0-9A-Za-z_\-]{1,32}$")
_MAJOR_CODE = re.compile(r"^\d{6}[TK]{0,2}$")
_COHORT = re.compile(r"^(\d{4})(?:届|年|年届)?$")
_FLAGS = ("flag_poverty", "flag_dibao", "flag_zero_employment", "flag_disability")
_PLACE_SPLIT = re.compile(r"[、,，/／;；|｜\s]+|或者|或|和")
_LENGTHS = {"name": 64, "college": 64, "major": 64, "class_name": 64, "exam_no": 32}


@dataclass(frozen=True, slots=True)
class GraduateContext:
    book: CodeBook
    default_cohort: int
    memo: Memo = field(default_factory=Memo, compare=False)


def parse_graduate(row: RawRow, hmap: HeaderMap, ctx: GraduateContext) -> ParsedRow:
    cells = Cells(row, hmap)
    out = ParsedRow(row.number, row.cells)
    _student_no(cells, out)
    for name in ("name", "college", "major", "class_name", "exam_no"):
        text = code_text(cells.raw(name)) if name == "exam_no" else cells.text(name)
        if not text:
            continue
        reason = check_length(text, _LENGTHS[name])
        if reason:
            out.error(name, reason)
        elif name in ("name", "exam_no"):
            out.values[name] = text
        else:
            out.refs[name] = text
    if text := code_text(cells.raw("major_code")).upper():
        if _MAJOR_CODE.match(text):
            out.refs["major_code"] = text
        else:
            out.error("major_code", f"专业代码“{text}”应为 6 位数字（可带 T 或 K），如 080901")
    for name, column, parse in _coded_parsers(ctx.book):
        if text := cells.text(name):
            _try(out, name, column, partial(ctx.memo, name, text, parse))
    _personal(cells, out)
    _preferences(cells, out, ctx)
    return out


def _coded_parsers(book: CodeBook) -> tuple[tuple[str, str, Callable[[str], object]], ...]:
    """(field, column, parse) of the cells that hold codes; their parses are remembered per distinct text."""
    return (
        ("gender", "gender", vocab.gender),
        ("education", "education", lambda t: int(vocab.graduate_education(t))),
        ("cohort", "cohort", _cohort),
        ("origin", "origin_adcode", _origin),
        ("hardship", "hardship_mask", partial(vocab.hardship_mask, book=book)),
        *((name, name, parse_bool) for name in _FLAGS),
    )


def _cohort(text: str) -> int:
    m = _COHORT.match(code_text(text))
    if m is None or not MIN_COHORT <= int(m.group(1)) <= MAX_COHORT:
        raise ValueError(f"届别应为毕业年份（如 2026），不能是“{text}”")
    return int(m.group(1))


def _origin(text: str) -> str:
    code = origin_adcode(text)
    if code is None:
        raise ValueError(f"无法识别生源地“{text}”（请填写省市县名称或 6 位行政区划代码）")
    return code


def _student_no(cells: Cells, out: ParsedRow) -> None:
    raw = cells.raw("student_no")
    text = code_text(raw)
    if not text:
        out.error("student_no", "学号不能为空")
    elif is_float_number(raw) or looks_scientific(text):
        out.error("student_no", "学号被 Excel 转成了科学计数法，请把该列设为“文本”后重新填写")
    elif not _STUDENT_NO.match(text):
        out.error("student_no", f"学号“{text}”只能包含字母、数字、下划线和连字符（最多 32 位）")
    else:
        out.key = text
        out.values["student_no"] = text


def _personal(cells: Cells, out: ParsedRow) -> None:
    raw = cells.raw("phone")
    if code_text(raw):
        _try(out, "phone", "phone", lambda: idcodes.mobile(raw), refs=True)
    raw = cells.raw("id_number")
    if code_text(raw):
        _try(out, "id_number", "id_number", lambda: idcodes.id_number(raw), refs=True)
    if text := code_text(cells.raw("bind_code")):
        reason = check_length(text, 64)
        if reason:
            out.error("bind_code", reason)
        else:
            out.refs["bind_code"] = text


def _preferences(cells: Cells, out: ParsedRow, ctx: GraduateContext) -> None:
    pref: dict[str, Any] = {}
    if text := cells.text("pref_cities"):
        found = preferred_places(text)
        if isinstance(found, str):
            out.error("pref_cities", found)
        else:
            pref.update(city_adcodes=list(found[0]), province_adcodes=list(found[1]), any_place=found[2])
    if text := cells.text("pref_industries"):
        try:
            pref["industry_codes"] = list(ctx.memo("pref_industries", text, partial(_industries, book=ctx.book)))
        except ValueError as exc:
            out.error("pref_industries", str(exc))
    if text := cells.text("pref_positions"):
        pref["positions"] = [p for part in split_list(text) for p in part.split("、") if p]
    if text := cells.text("pref_salary"):
        try:
            pref["salary_min"] = ctx.memo("pref_salary", text, _expected_salary)
        except ValueError as exc:
            out.error("pref_salary", str(exc))
    if pref:
        out.refs["pref"] = pref


def _industries(text: str, book: CodeBook) -> tuple[str, ...]:
    codes, unknown = vocab.industry_codes(text, book)
    if unknown:
        raise ValueError(f"无法识别的行业：{'、'.join(unknown)}（请填写国家行业名称或 2 位代码）")
    return tuple(codes)


def _expected_salary(text: str) -> int | None:
    salary = parse_salary(text)  # SalaryError is a ValueError
    return salary.min if salary.min is not None else salary.max


def _try(out: ParsedRow, name: str, column: str, parse: Callable[[], object], *, refs: bool = False) -> None:
    try:
        value = parse()
    except ValueError as exc:
        out.error(name, str(exc))
        return
    (out.refs if refs else out.values)[column] = value


@lru_cache(maxsize=20_000)
def origin_adcode(text: str) -> str | None:
    """生源地 as a 6-digit adcode: the code itself, or the most specific place the text names."""
    code = code_text(text)
    if code.isdigit() and len(code) == 6:
        return code if places.is_valid_adcode(code) and code != places.NATIONWIDE.adcode else None
    found = places.resolve(text)
    if found is None or found.adcode == places.NATIONWIDE.adcode:
        return None
    return found.adcode


@lru_cache(maxsize=20_000)
def preferred_places(text: str) -> tuple[tuple[str, ...], tuple[str, ...], bool] | str:
    """意向城市 -> (city adcodes, province adcodes, any place); a Chinese reason if a word is no place."""
    cities: list[str] = []
    provinces: list[str] = []
    any_place = False
    unknown: list[str] = []
    for word in _PLACE_SPLIT.split(text):
        if not word:
            continue
        found = places.find_places(word)
        if not found:
            if places.is_nationwide(word):
                any_place = True
            else:
                unknown.append(word)
            continue
        for place in found:
            if place.level == places.PlaceLevel.PROVINCE and place.adcode[:2] not in places.MUNICIPALITIES:
                target, code = provinces, place.adcode
            else:
                target, code = cities, places.city_of(place.adcode) or place.adcode
            if code not in target:
                target.append(code)
    if unknown:
        return f"无法识别的地点：{'、'.join(unknown)}（“不限”表示任何地方）"
    return tuple(cities), tuple(provinces), any_place
