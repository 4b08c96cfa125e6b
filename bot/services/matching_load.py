"""Reading what a match run needs from the tables: graduates with wishes, open postings, feedback, taken seats.

Shared by the batch and incremental use cases (`bot.services.matching`) and by the one-graduate run inside a
caller's transaction (`bot.services.matching_inline`). Reads only; one code path for SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.domain import EducationLevel, GraduateProfile, PostingProfile, PostingStatus, Preference, ReviewState
from bot.errors import NotFound
from bot.matching import FeedbackItem, is_too_far
from bot.matching.incremental import CurrentMatch
from models import College, Employer, Feedback, Graduate, GraduatePreference, Major, Match, Posting, SchoolClass

if TYPE_CHECKING:
    from bot.container import Container

BATCH = 2000  # rows per INSERT, ids per IN (...)
# One key for every matching write, whichever module takes it: two writers never leave two active lists.
PG_LOCK_KEY = 0x6A6975_7965_0005  # "jiuye" matching writes
_LIST_WISHES = ("city_adcodes", "province_adcodes", "industry_codes", "positions", "skills", "employer_natures")


def local_today(c: Container) -> date:
    return c.clock.now().astimezone(ZoneInfo(c.settings.schedule.timezone)).date()


def placed_codes(c: Container) -> list[str]:
    return sorted(code for code, d in c.codebook.destinations.items() if d.placed)


def unplaced(c: Container) -> ColumnElement[bool]:
    return sa.or_(Graduate.destination_code.is_(None), Graduate.destination_code.not_in(placed_codes(c)))


def run_scope(
    session: Session, college: str | None, class_name: str | None, graduate_ids: Sequence[int] | None
) -> tuple[list[ColumnElement[bool]], dict[str, Any]]:
    """WHERE clauses of a run's scope, and the scope as recorded; unknown names are a Chinese NotFound."""
    conds: list[ColumnElement[bool]] = []
    scope: dict[str, Any] = {}
    if college:
        found = session.scalar(sa.select(College).where(sa.or_(College.code == college, College.name == college)))
        if found is None:
            raise NotFound(f"未找到学院“{college}”（可用学院代码或名称）")
        conds.append(Graduate.college_id == found.id)
        scope["college"] = found.name
    if class_name:
        cls = session.scalar(sa.select(SchoolClass).where(SchoolClass.name == class_name))
        if cls is None:
            raise NotFound(f"未找到班级“{class_name}”")
        conds.append(Graduate.class_id == cls.id)
        scope["class"] = cls.name
    if graduate_ids is not None:
        ids = sorted(set(graduate_ids))
        missing = set(ids) - set(session.scalars(sa.select(Graduate.id).where(Graduate.id.in_(ids))))
        if missing:
            raise NotFound(f"未找到毕业生（id {', '.join(map(str, sorted(missing)))}）")
        conds.append(Graduate.id.in_(ids))
        scope["graduate_ids"] = ids
    return conds, scope or {"all": True}


def load_graduates(session: Session, conds: Iterable[ColumnElement[bool]]) -> list[GraduateProfile]:
    gp = GraduatePreference
    rows = session.execute(
        sa.select(Graduate, Major.code, Major.class_code, Major.category_code, Major.name, gp)
        .join(Major, Graduate.major_id == Major.id)
        .outerjoin(gp, gp.graduate_id == Graduate.id)
        .where(*conds)
        .order_by(Graduate.id)
    )
    out = []
    for g, code, class_code, category, major_name, p in rows:
        pref = Preference()
        if p is not None:
            lists = {name: tuple(getattr(p, name) or ()) for name in _LIST_WISHES}
            pref = Preference(**lists, any_place=p.any_place, salary_min=p.salary_min)
        out.append(
            GraduateProfile(
                id=g.id, education=level(g.education), major_code=code, major_class_code=class_code,
                major_category_code=category, origin_adcode=g.origin_adcode, hardship=g.is_hardship,
                unplaced_since=g.unplaced_since, preference=pref, major_name=major_name,
            )
        )  # fmt: skip
    return out


def level(value: int) -> EducationLevel:
    """A stored level; an unknown number reads as 不限 rather than failing the whole run."""
    try:
        return EducationLevel(value)
    except ValueError:
        return EducationLevel.ANY


def open_postings(today: date) -> list[ColumnElement[bool]]:
    return [
        Posting.status == PostingStatus.OPEN,
        Posting.review_state == ReviewState.APPROVED,
        sa.or_(Posting.deadline.is_(None), Posting.deadline >= today),
    ]


def posting_profile(p: Posting, nature: str | None) -> PostingProfile:
    return PostingProfile(
        id=p.id, employer_id=p.employer_id, title=p.title, description=p.description or "",
        adcode=None if p.nationwide else p.adcode, industry_code=p.industry_code, employer_nature=nature,
        min_education=level(p.min_education), majors_any=p.majors_any,
        accepted_majors=tuple(p.accepted_majors or ()), salary_min=p.salary_min, salary_max=p.salary_max,
        headcount=p.headcount, published_on=p.published_on, deadline=p.deadline,
    )  # fmt: skip


def load_postings(session: Session, conds: Iterable[ColumnElement[bool]]) -> list[PostingProfile]:
    rows = session.execute(
        sa.select(Posting, Employer.nature_code).join(Employer, Posting.employer_id == Employer.id).where(*conds)
    )
    return [posting_profile(p, nature) for p, nature in rows]


def load_feedback(session: Session, graduate_ids: Sequence[int]) -> list[FeedbackItem]:
    out: list[FeedbackItem] = []
    for start in range(0, len(graduate_ids), BATCH):
        rows = session.execute(
            sa.select(Feedback, Posting.adcode, Posting.employer_id, Posting.title, Posting.description)
            .join(Posting, Feedback.posting_id == Posting.id)
            .where(Feedback.graduate_id.in_(graduate_ids[start : start + BATCH]))
            .order_by(Feedback.id)
        )
        for f, adcode, employer_id, title, description in rows:
            far = is_too_far(f.reason, tuple(f.reason_tags or ()))
            text = f"{title} {description or ''}"
            out.append(FeedbackItem(f.graduate_id, f.posting_id, f.kind, far, adcode, employer_id, text))
    return out


def held_seats(session: Session, conds: Sequence[ColumnElement[bool]]) -> dict[int, int]:
    """Seats taken by active matches of graduates outside the run's scope (none when the scope is everyone)."""
    if not conds:
        return {}
    outside = Match.graduate_id.not_in(sa.select(Graduate.id).where(*conds))
    q = sa.select(Match.posting_id, sa.func.count()).where(Match.active, outside).group_by(Match.posting_id)
    return {int(pid): int(n) for pid, n in session.execute(q)}


def current_lists(session: Session, ids: Sequence[int]) -> dict[int, list[CurrentMatch]]:
    """Active lists of these graduates, as the incremental engine reads them."""
    current: dict[int, list[CurrentMatch]] = {}
    cols = (Match.graduate_id, Match.posting_id, Posting.employer_id, Match.score, Match.relax_step)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        q = (
            sa.select(*cols)
            .join(Posting, Match.posting_id == Posting.id)
            .where(Match.active, Match.graduate_id.in_(chunk))
        )
        for gid, pid, emp, score, step in session.execute(q):
            current.setdefault(gid, []).append(CurrentMatch(pid, emp, score, step))
    return current
