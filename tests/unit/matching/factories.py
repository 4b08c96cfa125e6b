"""Small builders for graduate and posting profiles, so each test states only what it is about."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from bot.domain import EducationLevel, GraduateProfile, PostingProfile, Preference
from bot.matching import MatchParams, Outcome, run
from bot.matching.types import FeedbackItem, PostingState

TODAY = date(2026, 6, 1)
WUHAN, HONGSHAN, JIANGAN, YICHANG = "420100", "420111", "420102", "420500"
SHENZHEN, GUANGZHOU, CHAOYANG = "440300", "440100", "110105"
HUBEI, GUANGDONG = "420000", "440000"
NURSING = ("101101", "1011", "10", "护理学")
MIDWIFE = ("101102", "1011", "10", "助产学")
CLINICAL = ("100201", "1002", "10", "临床医学")
SOFTWARE = ("080902", "0809", "08", "软件工程")


def grad(
    gid: int = 1,
    major: tuple[str, str, str, str] = NURSING,
    education: EducationLevel = EducationLevel.BENKE,
    *,
    origin: str | None = None,
    hardship: bool = False,
    unplaced_since: date | None = None,
    **pref: Any,
) -> GraduateProfile:
    return GraduateProfile(
        id=gid,
        education=education,
        major_code=major[0],
        major_class_code=major[1],
        major_category_code=major[2],
        origin_adcode=origin,
        hardship=hardship,
        unplaced_since=unplaced_since,
        preference=Preference(**pref),
        major_name=major[3],
    )


def post(
    pid: int = 1,
    *,
    employer: int | None = None,
    adcode: str | None = WUHAN,
    accepted: tuple[str, ...] = ("101101",),
    majors_any: bool = False,
    title: str = "护士",
    description: str = "负责病房护理工作",
    industry: str | None = "43",
    min_education: EducationLevel = EducationLevel.BENKE,
    salary: tuple[int | None, int | None] = (None, None),
    headcount: int = 1,
    published_on: date | None = date(2026, 5, 25),
    deadline: date | None = None,
) -> PostingProfile:
    return PostingProfile(
        id=pid,
        employer_id=pid if employer is None else employer,
        title=title,
        description=description,
        adcode=adcode,
        industry_code=industry,
        employer_nature=None,
        min_education=min_education,
        majors_any=majors_any,
        accepted_majors=accepted,
        salary_min=salary[0],
        salary_max=salary[1],
        headcount=headcount,
        published_on=published_on,
        deadline=deadline,
    )


def match(
    graduates: list[GraduateProfile],
    postings: list[PostingProfile],
    *,
    k: int = 10,
    capacity_factor: float = 100.0,
    max_per_employer: int = 2,
    feedback: tuple[FeedbackItem, ...] = (),
    states: dict[int, PostingState] | None = None,
    held: dict[int, int] | None = None,
    today: date = TODAY,
) -> Outcome:
    params = MatchParams(k=k, capacity_factor=capacity_factor, max_per_employer=max_per_employer)
    return run(graduates, postings, params=params, today=today, feedback=feedback, states=states, held=held)


def ids(out: Outcome, graduate_id: int = 1) -> list[int]:
    return [r.posting_id for r in out.recommendations(graduate_id)]


def parts(out: Outcome, graduate_id: int, posting_id: int) -> dict[str, float]:
    for r in out.recommendations(graduate_id):
        if r.posting_id == posting_id:
            return r.parts
    raise AssertionError(f"posting {posting_id} not recommended to {graduate_id}")


def renumbered(p: PostingProfile, pid: int, **changes: Any) -> PostingProfile:
    return replace(p, id=pid, employer_id=changes.pop("employer_id", pid), **changes)
