"""One row of the posting ledger -> the values it sets, or the reasons it cannot be imported (pure).

Scraped ledgers repeat the same salary and place strings thousands of times, so their parses are cached per
distinct string. The posting key is the sheet's 岗位编号, else a digest of the normalised employer, title and
place, so that re-importing the same posting updates it instead of adding a copy.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.codes import places
from bot.codes.book import CodeBook
from bot.codes.majors import MajorsCatalogue
from bot.imports import idcodes, vocab
from bot.imports.cells import cell_text, code_text, parse_count
from bot.imports.dates import DateError, parse_date
from bot.imports.headers import HeaderMap
from bot.imports.reader import RawRow
from bot.imports.report import ParsedRow
from bot.imports.rows import Cells, check_length
from bot.imports.salary import Salary, SalaryError, parse_salary

_LENGTHS = {"title": 128, "employer": 128, "contact": 128, "source": 32, "url": 512, "place": 64, "salary": 64}
_ANY_MAJOR = re.compile(r"^(?:专业)?(?:不限|无要求|均可|不限专业|专业不限)(?:专业)?$")
_MAJOR_SPLIT = re.compile(r"[、,，/／;；|｜\s]+")
_MAJOR_SUFFIX = re.compile(r"(?:等|及|或)?(?:相关|相近)?专业(?:优先)?$")
_CODE = re.compile(r"^\d{2}(?:\d{2}(?:\d{2}[TK]{0,2})?)?$")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_SEVERAL = ("若干", "不限", "多名", "若干名", "数名")
_KEY_NOISE = re.compile(r"[\s·•・\-—–_/｜|,，、;；:：()（）\[\]【】]+")
# Cells whose words the discrimination check reads (besides the stored title and description).
REVIEWED_FIELDS = ("title", "description", "majors", "education", "headcount", "place", "salary")


@dataclass(frozen=True, slots=True)
class PostingContext:
    book: CodeBook


def posting_key(employer: str, title: str, place: str) -> str:
    """A stable key for sheets without 岗位编号: full-width, spacing and separators do not change it."""

    def norm(text: str) -> str:
        return _KEY_NOISE.sub("", unicodedata.normalize("NFKC", text).lower())

    digest = hashlib.sha256("\x1f".join(map(norm, (employer, title, place))).encode("utf-8")).hexdigest()
    return "k" + digest[:40]


@lru_cache(maxsize=50_000)
def _salary(text: str) -> Salary | str:
    try:
        return parse_salary(text)
    except SalaryError as exc:
        return str(exc)


@lru_cache(maxsize=50_000)
def _place(text: str) -> places.Place | None:
    return places.resolve(text)


def parse_posting(row: RawRow, hmap: HeaderMap, ctx: PostingContext) -> ParsedRow:
    cells = Cells(row, hmap)
    out = ParsedRow(row.number, row.cells)
    texts = {name: cells.text(name) for name in ("title", "employer", "place", "contact", "source", "url")}
    for name, text in texts.items():
        if text and (reason := check_length(text, _LENGTHS[name])):
            out.error(name, reason)
    _key(cells, texts, out)
    if texts["title"]:
        out.values["title"] = texts["title"]
    if texts["employer"]:
        out.refs["employer"] = texts["employer"]
    if texts["place"]:
        _set_place(texts["place"], out)
    _employer_codes(cells, out, ctx)
    _terms(cells, out)
    _dates(cells, out)
    if description := cells.text("description"):
        out.values["description"] = description
    for name, column in (("contact", "contact"), ("source", "source")):
        if texts[name]:
            out.values[column] = texts[name]
    if texts["url"]:
        if _URL.match(texts["url"]):
            out.values["source_url"] = texts["url"]
        else:
            out.error("url", f"链接应以 http:// 或 https:// 开头，不能是“{texts['url']}”")
    out.refs["review_text"] = "\n".join(t for name in REVIEWED_FIELDS if (t := cells.text(name)))
    return out


def _key(cells: Cells, texts: Mapping[str, str], out: ParsedRow) -> None:
    number = unicodedata.normalize("NFKC", cells.text("posting_no")).strip()
    if number:
        if len(number) > 64:
            out.error("posting_no", "岗位编号过长（最多 64 个字符）")
        else:
            out.key = number
        return
    missing = [name for name in ("employer", "title", "place") if not texts[name]]
    for name in missing:
        out.error(name, "不能为空（没有岗位编号时，靠 单位名称+岗位名称+工作地点 识别岗位）")
    if not missing:
        out.key = posting_key(texts["employer"], texts["title"], texts["place"])


def _set_place(text: str, out: ParsedRow) -> None:
    found = _place(text)
    if found is None:
        out.error("place", f"无法识别工作地点“{text}”（例：上海·虹口、武汉-洪山区、湖北省宜昌市、全国）")
        return
    nationwide = found.adcode == places.NATIONWIDE.adcode
    out.values.update(place_text=text, adcode=None if nationwide else found.adcode, nationwide=nationwide)


def _employer_codes(cells: Cells, out: ParsedRow, ctx: PostingContext) -> None:
    raw = cells.raw("credit_code")
    if code_text(raw):
        try:
            out.refs["credit_code"] = idcodes.credit_code(raw)
        except ValueError as exc:
            out.error("credit_code", str(exc))
    if text := cells.text("nature"):
        code = vocab.nature_code(text, ctx.book)
        if code is None:
            out.error("nature", f"无法识别单位性质“{text}”（填代码或名称，如 31 国有企业、39 其他企业、民营企业）")
        else:
            out.refs["nature_code"] = code
    if text := cells.text("industry"):
        code = vocab.industry_code(text, ctx.book)
        if code is None:
            out.error("industry", f"无法识别行业“{text}”（填国家行业名称或 2 位代码，如 34、制造业、互联网）")
        else:
            out.values["industry_code"] = code


def _terms(cells: Cells, out: ParsedRow) -> None:
    if text := cells.text("salary"):
        salary = _salary(text)
        if isinstance(salary, str):
            out.error("salary", salary)
        elif reason := check_length(text, _LENGTHS["salary"]):
            out.error("salary", reason)
        else:
            out.values.update(
                salary_min=salary.min, salary_max=salary.max, salary_months=salary.months, salary_text=salary.text
            )
    if text := cells.text("education"):
        try:
            out.values["min_education"] = int(vocab.required_education(text))
        except ValueError as exc:
            out.error("education", str(exc))
    if text := cells.text("majors"):
        out.refs["majors"] = text
    if text := cells.text("headcount"):
        if code_text(text) in _SEVERAL:
            out.values["headcount"] = 1
            out.notes.append(f"招聘人数“{text}”按 1 人计")
        else:
            try:
                out.values["headcount"] = parse_count(text)
            except ValueError as exc:
                out.error("headcount", f"招聘人数{exc}")


def _dates(cells: Cells, out: ParsedRow) -> None:
    for name, column in (("deadline", "deadline"), ("published", "published_on")):
        raw = cells.raw(name)
        if not cell_text(raw):
            continue
        try:
            out.values[column] = parse_date(raw)
        except DateError as exc:
            out.error(name, str(exc))


def resolve_majors(
    text: str, school: Mapping[str, Sequence[str]], catalogue: MajorsCatalogue
) -> tuple[bool, list[str], str]:
    """专业要求 -> (any major, accepted codes, words not understood joined by "、").

    Names are looked up among the school's own majors first ("软件工程" -> 080902), then as 专业类 or 门类
    ("计算机类" -> 0809, "工学" -> 08); codes pass through. Words that match nothing are kept as text so
    that matching can still read them.
    """
    t = unicodedata.normalize("NFKC", text).strip()
    if _ANY_MAJOR.match("".join(t.split())):
        return True, [], ""
    codes: list[str] = []
    unknown: list[str] = []
    for part in _MAJOR_SPLIT.split(t):
        word = _MAJOR_SUFFIX.sub("", part)
        if not word:
            continue
        code = word.upper()
        found: Sequence[str] = (code,) if _CODE.match(code) else school.get(word) or catalogue.codes_for(word)
        if not found:
            unknown.append(word)
        codes.extend(c for c in found if c not in codes)
    if not codes and not unknown:
        return True, [], ""
    return False, codes, "、".join(unknown)[:256]
