"""Matching use cases: load profiles from the tables, run the pure engine (bot.matching), store what it found.

Every run is a `match_runs` row (trigger, scope, parameters with weights, counts per relaxation step, shortfalls,
duration, status); its matches carry score parts, step, rank and a Chinese reason, and replace the graduates'
previous active matches. Placed graduates need no recommendations and are skipped (their old matches retire).
One code path for SQLite and PostgreSQL. Reading lives in `matching_load`; `rematch_in_session` (one graduate,
inside the caller's transaction, for the dialogue) in `matching_inline`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.domain import PostingProfile
from bot.errors import NotFound
from bot.matching import MatchParams, Outcome, RunStats, prepare, run_pool
from bot.matching.incremental import MatchState, Placement, place_posting
from bot.security import audit
from bot.services.matching_load import (
    BATCH,
    PG_LOCK_KEY,
    current_lists,
    held_seats,
    load_feedback,
    load_graduates,
    load_postings,
    local_today,
    open_postings,
    posting_profile,
    run_scope,
    unplaced,
)
from models import Employer, Graduate, Major, Match, MatchRun, MatchShortfall, Posting
from models.db import is_postgres

if TYPE_CHECKING:
    from bot.container import Container

__all__ = [
    "RunSummary",
    "ShortfallLine",
    "current_matches",
    "load_feedback",
    "load_graduates",
    "load_postings",
    "local_today",
    "on_posting_changed",
    "on_preference_changed",
    "run_batch",
]


@dataclass(frozen=True)
class ShortfallLine:
    graduate_id: int
    student_no: str
    name: str
    found: int
    reason: str


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    trigger: str
    scope: dict[str, Any]
    stats: RunStats
    duration_ms: int
    shortfalls: list[ShortfallLine] = field(default_factory=list)
    placed: int = 0  # incremental: lists the posting entered


# ------------------------------------------------------------------------------------------------ writing


@contextmanager
def _writing(c: Container) -> Iterator[Session]:
    """A write transaction, one at a time: SQLite's write lock up front, a PostgreSQL advisory lock, so that two
    runs (nightly and a counselor's) never both leave an active list for the same graduate."""
    with c.sessions.begin() as session:
        conn = session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        if is_postgres(conn):
            session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        yield session


def _start_run(c: Container, trigger: str, scope: dict[str, Any], params: MatchParams) -> int:
    with _writing(c) as session:
        return add_run(session, c, trigger, scope, params)


def add_run(session: Session, c: Container, trigger: str, scope: dict[str, Any], params: MatchParams) -> int:
    run = MatchRun(trigger=trigger, scope=scope, params=params.as_record(), status="running", started_at=c.clock.now())
    session.add(run)
    session.flush()
    return run.id


def _fail_run(c: Container, run_id: int, exc: BaseException) -> None:
    with _writing(c) as session:
        run = session.get(MatchRun, run_id)
        if run is not None:
            run.status = "failed"
            run.error = f"{type(exc).__name__}: {exc}"[:2000]
            run.finished_at = c.clock.now()


def _match_row(run_id: int, rec: Any, now: Any) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "graduate_id": rec.graduate_id,
        "posting_id": rec.posting_id,
        "rank": rec.rank,
        "score": rec.score,
        "parts": rec.parts,
        "relax_step": rec.relax_step,
        "reason": rec.reason,
        "active": True,
        "created_at": now,
    }


def _insert(session: Session, table: Any, rows: Iterable[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            session.execute(sa.insert(table), batch)
            batch = []
    if batch:
        session.execute(sa.insert(table), batch)


def _finish_run(session: Session, c: Container, run_id: int, stats: RunStats, started: float) -> int:
    run = session.get(MatchRun, run_id)
    assert run is not None
    duration = int((time.perf_counter() - started) * 1000)
    run.status = "done"
    run.finished_at = c.clock.now()
    run.duration_ms = duration
    run.graduates, run.postings, run.matches, run.shortfalls = (
        stats.graduates,
        stats.postings,
        stats.matches,
        stats.shortfalls,
    )
    run.counts = stats.as_record()
    return duration


# ------------------------------------------------------------------------------------------------ use cases


def run_batch(
    c: Container,
    *,
    college: str | None = None,
    class_name: str | None = None,
    graduate_id: int | None = None,
    graduate_ids: Sequence[int] | None = None,
    trigger: str = "batch",
    actor: str = "system",
) -> RunSummary:
    """Match every unplaced graduate in scope (all, a college, a class, one graduate) and store the run."""
    if graduate_id is not None:
        graduate_ids = [graduate_id, *(graduate_ids or ())]
    params = MatchParams.from_settings(c.settings.matching)
    today = local_today(c)
    with c.sessions() as session:
        conds, scope = run_scope(session, college, class_name, graduate_ids)
    run_id = _start_run(c, trigger, scope, params)
    started = time.perf_counter()
    try:
        with c.sessions() as session:
            graduates = load_graduates(session, [*conds, unplaced(c)])
            postings = load_postings(session, open_postings(today))
            feedback = load_feedback(session, [g.id for g in graduates])
            held = held_seats(session, conds)
        pool = prepare(graduates, postings, params=params, today=today, feedback=feedback)
        outcome = run_pool(pool, held)
        return _store_batch(c, run_id, trigger, scope, conds, outcome, started, actor)
    except Exception as exc:
        _fail_run(c, run_id, exc)
        raise


def _store_batch(
    c: Container,
    run_id: int,
    trigger: str,
    scope: dict[str, Any],
    conds: Sequence[ColumnElement[bool]],
    outcome: Outcome,
    started: float,
    actor: str,
) -> RunSummary:
    with _writing(c) as session:
        return store_outcome(session, c, run_id, trigger, scope, conds, outcome, started, actor)


def store_outcome(
    session: Session,
    c: Container,
    run_id: int,
    trigger: str,
    scope: dict[str, Any],
    conds: Sequence[ColumnElement[bool]],
    outcome: Outcome,
    started: float,
    actor: str,
    shortfall_below: int | None = None,
) -> RunSummary:
    """Replace the active lists of the graduates in scope with the outcome, in the caller's (locked) transaction.

    `shortfall_below`: a run asked for more than the usual K (a graduate paging on) reports as shortfalls only
    lists shorter than the usual K, so that asking for more never makes anyone look short of postings."""
    now = c.clock.now()
    stats = outcome.stats()
    shortfalls = outcome.shortfalls()
    if shortfall_below is not None:
        shortfalls = [s for s in shortfalls if s.found < shortfall_below]
        stats = replace(stats, shortfalls=len(shortfalls))
    short_ids = [s.graduate_id for s in shortfalls]
    retire = sa.update(Match).where(Match.active).values(active=False)
    if conds:
        retire = retire.where(Match.graduate_id.in_(sa.select(Graduate.id).where(*conds)))
    session.execute(retire)
    recommendations = outcome.iter_recommendations(c.codebook.industries)
    _insert(session, Match, (_match_row(run_id, r, now) for r in recommendations))
    short_rows = (
        {"run_id": run_id, "graduate_id": s.graduate_id, "found": s.found, "reason": s.reason} for s in shortfalls
    )
    _insert(session, MatchShortfall, short_rows)
    duration = _finish_run(session, c, run_id, stats, started)
    audit.record(
        session, actor=actor, action="match.run", object_type="match_run", object_id=run_id,
        detail={"trigger": trigger, "scope": scope, "matches": stats.matches, "shortfalls": stats.shortfalls},
    )  # fmt: skip
    who = sa.select(Graduate.id, Graduate.student_no, Graduate.name)
    people = {gid: (no, name) for gid, no, name in session.execute(who.where(Graduate.id.in_(short_ids)))}
    lines = [ShortfallLine(s.graduate_id, *people.get(s.graduate_id, ("", "")), s.found, s.reason) for s in shortfalls]
    return RunSummary(run_id, trigger, scope, stats, duration, lines)


def on_preference_changed(c: Container, graduate_id: int, *, actor: str = "system") -> RunSummary:
    """One graduate's wishes changed: rebuild that graduate's list against the seats still free."""
    return run_batch(c, graduate_id=graduate_id, trigger="incremental", actor=actor)


def on_posting_changed(c: Container, posting_id: int, *, actor: str = "system") -> RunSummary:
    """A posting was added or changed: place it into the lists it improves; holders it no longer suits refill."""
    params = MatchParams.from_settings(c.settings.matching)
    today = local_today(c)
    with c.sessions() as session:
        row = session.execute(
            sa.select(Posting, Employer.nature_code).join(Employer).where(Posting.id == posting_id)
        ).first()
        if row is None:
            raise NotFound(f"岗位 {posting_id} 不存在")
        posting = posting_profile(row[0], row[1])
        still_open = bool(
            session.scalar(sa.select(sa.func.count()).where(Posting.id == posting_id, *open_postings(today)))
        )
    scope = {"posting_id": posting_id}
    run_id = _start_run(c, "incremental", scope, params)
    started = time.perf_counter()
    try:
        with _writing(c) as session:
            holders = list(
                session.scalars(sa.select(Match.graduate_id).where(Match.active, Match.posting_id == posting_id))
            )
            session.execute(sa.update(Match).where(Match.active, Match.posting_id == posting_id).values(active=False))
        placed: list[Placement] = []
        considered = 0
        if still_open:
            placed, considered = _place(c, run_id, posting, params, today)
        with _writing(c) as session:
            stats = RunStats(graduates=considered, postings=1, matches=len(placed), shortfalls=0)
            duration = _finish_run(session, c, run_id, stats, started)
            audit.record(
                session, actor=actor, action="match.posting", object_type="posting", object_id=posting_id,
                detail={"run_id": run_id, "placed": len(placed), "open": still_open},
            )  # fmt: skip
    except Exception as exc:
        _fail_run(c, run_id, exc)
        raise
    lost = sorted(set(holders) - {p.graduate_id for p in placed})
    if lost:
        with c.sessions() as session:
            lost = list(session.scalars(sa.select(Graduate.id).where(Graduate.id.in_(lost), unplaced(c))))
        if lost:
            run_batch(c, graduate_ids=lost, trigger="incremental", actor=actor)
    return RunSummary(run_id, "incremental", scope, stats, duration, placed=len(placed))


def _place(
    c: Container, run_id: int, posting: PostingProfile, params: MatchParams, today: date
) -> tuple[list[Placement], int]:
    """Score the posting for the graduates it accepts and write the lists it enters."""
    accepts: list[ColumnElement[bool]] = [Graduate.education >= int(posting.min_education), unplaced(c)]
    if not posting.majors_any and posting.accepted_majors:
        codes = list(posting.accepted_majors)
        accepts.append(sa.or_(Major.code.in_(codes), Major.class_code.in_(codes), Major.category_code.in_(codes)))
    with c.sessions() as session:
        graduates = load_graduates(session, accepts)
        ids = [g.id for g in graduates]
        postings = load_postings(session, open_postings(today))
        feedback = load_feedback(session, ids)
        current = current_lists(session, ids)
        held = session.scalar(sa.select(sa.func.count()).where(Match.active, Match.posting_id == posting.id)) or 0
    pool = prepare(graduates, postings, params=params, today=today, feedback=feedback)
    state = MatchState.from_current(pool, current)
    placed = place_posting(state, posting, held=held, industry_names=c.codebook.industries)
    now = c.clock.now()
    with _writing(c) as session:
        for p in placed:
            if p.displaced is not None:
                gone = (Match.active, Match.graduate_id == p.graduate_id, Match.posting_id == p.displaced)
                session.execute(sa.update(Match).where(*gone).values(active=False))
            row = int(pool.gi.rows_of([p.graduate_id])[0])
            for rank, pid in enumerate(state.post_id[row].tolist(), start=1):
                if pid >= 0 and pid != p.posting_id:
                    mine = (Match.active, Match.graduate_id == p.graduate_id, Match.posting_id == pid)
                    session.execute(sa.update(Match).where(*mine).values(rank=rank))
        _insert(session, Match, (_match_row(run_id, p, now) for p in placed))
    return placed, len(graduates)


def current_matches(session: Session, graduate_id: int) -> list[Match]:
    """The graduate's active matches, best first."""
    return list(
        session.scalars(
            sa.select(Match).where(Match.graduate_id == graduate_id, Match.active).order_by(Match.rank, Match.id)
        )
    )
