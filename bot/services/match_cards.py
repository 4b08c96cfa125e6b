"""A graduate's matches as they are shown to the graduate (push texts and the /m page): title, employer, place,
salary, deadline and the reason, best first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.codes import places
from bot.domain import FeedbackKind
from bot.matching.explain import salary_text
from models import Employer, Feedback, Match, Posting

BATCH = 2000


@dataclass(frozen=True, slots=True)
class MatchCard:
    match_id: int
    graduate_id: int
    posting_id: int
    rank: int
    title: str
    employer: str
    place: str
    salary: str
    reason: str
    deadline: date | None
    description: str = ""
    feedback: FeedbackKind | None = None  # the graduate's latest answer on this posting


def place_of(adcode: str | None, nationwide: bool, text: str) -> str:
    if nationwide:
        return "全国"
    if adcode:
        return places.short_name_of(adcode) or text
    return text


def salary_of(lo: int | None, hi: int | None, text: str) -> str:
    return salary_text(lo, hi) or text or ""


_COLUMNS = (
    Match.id, Match.graduate_id, Posting.id, Match.rank, Posting.title, Employer.name, Posting.adcode,
    Posting.nationwide, Posting.place_text, Posting.salary_min, Posting.salary_max, Posting.salary_text, Match.reason,
    Posting.deadline,
)  # fmt: skip


def _select(*extra: Any) -> sa.Select[*tuple[Any, ...]]:
    return (
        sa.select(*_COLUMNS, *extra)
        .join(Posting, Match.posting_id == Posting.id)
        .join(Employer, Posting.employer_id == Employer.id)
        .where(Match.active)
    )


def _card(row: Sequence[Any], feedback: FeedbackKind | None = None) -> MatchCard:
    mid, gid, pid, rank, title, employer, adcode, nationwide, place_text, lo, hi, pay, reason, deadline = row[:14]
    return MatchCard(
        match_id=int(mid),
        graduate_id=int(gid),
        posting_id=int(pid),
        rank=int(rank),
        title=str(title),
        employer=str(employer),
        place=place_of(adcode, bool(nationwide), str(place_text or "")),
        salary=salary_of(lo, hi, str(pay or "")),
        reason=str(reason),
        deadline=deadline,
        description=str(row[14]) if len(row) > 14 else "",
        feedback=feedback,
    )


def cards_of(session: Session, graduate_id: int) -> list[MatchCard]:
    """The graduate's current matches with their latest feedback, best first."""
    latest: dict[int, FeedbackKind] = {}
    for pid, kind in session.execute(
        sa.select(Feedback.posting_id, Feedback.kind).where(Feedback.graduate_id == graduate_id).order_by(Feedback.id)
    ):
        latest[pid] = kind
    rows = session.execute(
        _select(Posting.description).where(Match.graduate_id == graduate_id).order_by(Match.rank, Match.id)
    )
    return [_card(row, latest.get(int(row[2]))) for row in rows]


def unpushed(session: Session, graduate_ids: Sequence[int] | None = None) -> dict[int, list[MatchCard]]:
    """Active matches not yet pushed, per graduate, best first."""
    out: dict[int, list[MatchCard]] = {}
    stmt = _select().where(Match.pushed_at.is_(None)).order_by(Match.graduate_id, Match.rank, Match.id)
    chunks = (
        [None] if graduate_ids is None else [graduate_ids[i : i + BATCH] for i in range(0, len(graduate_ids), BATCH)]
    )
    for chunk in chunks:
        q = stmt if chunk is None else stmt.where(Match.graduate_id.in_(chunk))
        for row in session.execute(q):
            card = _card(row)
            out.setdefault(card.graduate_id, []).append(card)
    return out
