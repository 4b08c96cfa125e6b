"""A posting a counselor types in one message after "发布岗位":

"华工激光招聘机械工程师3名，武汉，本科及以上，机械类专业，月薪8千-1.1万，截止6月30日".
The text is cut into pieces; each piece is read as what it most looks like (place, education, salary, majors,
headcount, deadline); what is left names the employer and the job. Salaries go through the import's
`parse_salary`, so a posting typed in chat and one imported from Excel read "8千-1.1万" the same way.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from bot.codes import places
from bot.dialogue.employer import is_place_only
from bot.dialogue.lexicon import POSITION_WORDS
from bot.dialogue.numbers import cn_to_int
from bot.dialogue.result import PostingDraft
from bot.dialogue.slots import real_places
from bot.domain import EducationLevel
from bot.imports.salary import SalaryError, parse_salary

_PIECES = re.compile(r"[\s,。;；、|/]+(?![^()（）]*[)）])")
_HIRING = re.compile(r"^(?P<employer>.*?)(?:招聘|诚聘|急招|招)(?P<title>.+?)(?:(?P<n>\d+)\s*(?:名|人|位|个))?$")
_HEADCOUNT = re.compile(r"^(?:招|需|共|招聘)?\s*(\d+)\s*(?:名|人|位|个名额|个)$|^若干(?:名|人)?$")
_EDUCATION = re.compile(r"学历|本科|专科|大专|高职|硕士|研究生|博士|中专|学士")
_MAJORS = re.compile(r"专业")
_SALARY_WORD = re.compile(r"^(?:月薪|薪资|薪酬|工资|待遇|年薪|日薪|底薪|薪水)\s*[:：]?\s*")
_SALARY_SHAPE = re.compile(r"^\d+(?:\.\d+)?(?:k|千|w|万)?(?:\s*[-~到至]\s*\d+(?:\.\d+)?(?:k|千|w|万)?)?"
                           r"(?:元|块)?(?:/月|/天|/年|每月)?(?:以上|起|\+|左右|上下)?(?:·\d{2}薪)?$|面议")  # fmt: skip
_DEADLINE_WORD = re.compile(r"截止|截至|之前|以前|前$|报名时间|有效期")
_ORG = re.compile(
    r"公司|集团|医院|学校|学院|大学|中学|小学|幼儿园|局|厂|银行|药业|科技|研究院|研究所|中心|事务所|酒店|"
    r"物流|股份|有限|控股|传媒|电子|电气|能源|建设|工程|卫生院|街道|社区|政府"
)
# Words that only an organisation's name has (a job title never does).
_ORG_ONLY = re.compile(
    r"公司|集团|医院|学校|学院|大学|局|银行|研究院|研究所|事务所|酒店|股份|有限|控股|政府|卫生院|幼儿园"
)
_JOB_ENDING = re.compile(r"(员|师|工|专员|经理|主管|助理|顾问|代表|干部|培训生|管培生)$")
_MONTH_DAY = re.compile(r"(?:(\d{4})\s*[-/.年])?\s*(\d{1,2}|[一二三四五六七八九十]{1,2})\s*[-/.月]\s*"
                        r"(\d{1,2}|[一二三四五六七八九十]{1,3}|底)\s*[日号]?")  # fmt: skip


@dataclass
class _Draft:
    title: str | None = None
    employer: str | None = None
    place: str | None = None
    salary: tuple[int | None, int | None] = (None, None)
    education: EducationLevel | None = None
    majors: list[str] = field(default_factory=list)
    majors_any: bool = False
    headcount: int | None = None
    deadline: date | None = None
    deadline_text: str | None = None
    leftovers: list[str] = field(default_factory=list)


def _deadline(piece: str, today: date | None) -> tuple[date | None, str] | None:
    match = _MONTH_DAY.search(piece)
    if match is None:
        return None
    month = int(match.group(2)) if match.group(2).isdigit() else cn_to_int(match.group(2))
    if month is None or not 1 <= month <= 12:
        return None
    raw_day = match.group(3)
    day = calendar.monthrange(2024, month)[1] if raw_day == "底" else cn_to_int(raw_day) or int(raw_day)
    text = f"{month:02d}-{day:02d}"
    year = int(match.group(1)) if match.group(1) else None
    if year is None and today is not None:
        year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
    if year is None:
        return None, text
    try:
        return date(year, month, day), text
    except ValueError:
        return None, text


def _majors(piece: str, draft: _Draft) -> None:
    if re.search(r"不限专业|专业不限|专业无要求|任何专业", piece):
        draft.majors_any = True
        return
    core = re.sub(r"(及相关|及相近|相关|相近|等)?专业.*$", "", piece)
    core = re.sub(r"^(要求|限)", "", core)
    draft.majors.extend(m for m in re.split(r"[、和或及与/]", core) if m)


def _salary(piece: str) -> tuple[int | None, int | None] | None:
    body = _SALARY_WORD.sub("", piece)
    if not (_SALARY_WORD.match(piece) or _SALARY_SHAPE.match(body)):
        return None
    try:
        salary = parse_salary(body)
    except SalaryError:
        return None
    low, high = salary.min, salary.max
    if re.search(r"左右|上下", body) and low == high:
        high = None  # "5000左右" gives a level, not a ceiling
    return low, high


def _read_piece(piece: str, draft: _Draft, today: date | None) -> None:
    headcount = _HEADCOUNT.match(piece)
    if headcount:
        draft.headcount = int(headcount.group(1)) if headcount.group(1) else None
        return
    if _DEADLINE_WORD.search(piece) and (found := _deadline(piece, today)) is not None:
        draft.deadline, draft.deadline_text = found
        return
    if _MAJORS.search(piece):
        _majors(piece, draft)
        return
    if _EDUCATION.search(piece) and not _ORG.search(piece):
        draft.education = EducationLevel.parse(piece)
        return
    salary = _salary(piece)
    if salary is not None:
        draft.salary = salary
        return
    if draft.place is None and not _ORG.search(piece):
        if places.is_nationwide(piece):
            draft.place = places.NATIONWIDE.adcode
            return
        named = real_places(piece)
        if named and (is_place_only(piece) or re.sub(r"^(工作)?地点[:：]?", "", piece).startswith(named[0].name[:2])):
            draft.place = named[0].adcode
            return
    hiring = _HIRING.match(piece)
    if hiring and draft.title is None:
        draft.employer = hiring.group("employer") or draft.employer
        draft.title = hiring.group("title")
        if hiring.group("n"):
            draft.headcount = int(hiring.group("n"))
        return
    draft.leftovers.append(piece)


def _is_job(piece: str) -> bool:
    """A job title ("工艺工程师", "前端开发"): job words, and no word only an organisation's name has."""
    if _ORG_ONLY.search(piece):
        return False
    return any(word in piece for word in POSITION_WORDS) or bool(_JOB_ENDING.search(piece))


def _names(draft: _Draft) -> None:
    """Employer and title from the pieces nothing else claimed; the job is picked first, because job
    titles share words with organisation names ("电气工程师" / "某某电气")."""
    rest = list(draft.leftovers)
    if draft.title is None:
        job = next((p for p in rest if _is_job(p)), None)
        if job is not None:
            draft.title = job
            rest.remove(job)
    if draft.employer is None:
        org = next((p for p in rest if _ORG.search(p)), None)
        if org is not None:
            draft.employer = org
            rest.remove(org)
    for attr in ("employer", "title"):
        if getattr(draft, attr) is None and rest:
            setattr(draft, attr, rest.pop(0))


def parse_posting(text: str, *, today: date | None = None) -> PostingDraft:
    """The posting fields a normalised free text gives; `missing` lists the ones a posting needs but lacks."""
    draft = _Draft()
    for piece in _PIECES.split(text.strip()):
        if piece:
            _read_piece(piece, draft, today)
    _names(draft)
    if draft.place is None and draft.employer:
        inside = real_places(draft.employer)
        draft.place = inside[0].adcode if inside else None
    missing = tuple(
        name
        for name, value in (("title", draft.title), ("employer", draft.employer), ("place", draft.place))
        if not value
    )
    return PostingDraft(
        title=draft.title,
        employer=draft.employer,
        place_adcode=draft.place,
        salary_min=draft.salary[0],
        salary_max=draft.salary[1],
        education=draft.education,
        majors=tuple(draft.majors),
        majors_any=draft.majors_any,
        headcount=draft.headcount,
        deadline=draft.deadline,
        deadline_text=draft.deadline_text,
        missing=missing,
    )
