"""The day's status check-ins: who is asked, who is reminded, who escalates to the counselor's phone list.

One pass over every graduate whose status still needs asking: load the facts (status, hardship, check-in
schedule, whether the latest check-in got its follow-up) with two queries, decide each with the pure
`bot.checkins.decide` in a tight loop, plan the resulting pushes over each graduate's channels
(`bot.push.dispatch`), and write the `checkins` rows (the sent ones with their channel and outbox row, the ones no
channel can carry with channel NULL: the phone list), the schedule and the outbox rows in one transaction.
Every key is derived from the period (`checkin:<g>:<days>d:<period>`), so a re-run, a second scheduler or a crash
half-way through never asks twice.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.access.queries import hardship_expr
from bot.checkins.cadence import CheckinFacts, CheckinPlan, Step, answered_since, decide
from bot.config import ScheduleSettings
from bot.push import phone_list
from bot.push import texts as push_texts
from bot.push.dispatch import PushIntent, plan_intents
from bot.push.planner import Action, PushKind
from bot.storage import bulk
from bot.storage.writes import job_session
from models import Checkin, CheckinSchedule, Graduate

if TYPE_CHECKING:
    from bot.container import Container


@dataclass
class CheckinRun:
    graduates: int = 0
    checkins: int = 0
    followups: int = 0
    escalated: int = 0
    queued: int = 0
    phone: int = 0
    dropped: int = 0
    decide_ms: int = 0
    duration_ms: int = 0
    steps: dict[str, int] = field(default_factory=dict)


def load_facts(session: Session, c: Container) -> list[CheckinFacts]:
    """Facts of every graduate (two queries); placed-and-verified graduates are left out (nothing to ask)."""
    placed = sorted(code for code, d in c.codebook.destinations.items() if d.placed)
    is_placed = sa.and_(Graduate.destination_code.is_not(None), Graduate.destination_code.in_(placed))
    cs = CheckinSchedule
    stmt = (
        sa.select(
            Graduate.id,
            is_placed,
            Graduate.status_verified,
            hardship_expr(),
            Graduate.unplaced_reason,
            cs.last_sent_at,
            cs.last_answered_at,
            cs.unanswered,
            cs.escalated_at,
        )
        .outerjoin(cs, cs.graduate_id == Graduate.id)
        .where(sa.not_(sa.and_(is_placed, Graduate.status_verified)))
        .order_by(Graduate.id)
    )
    last_followup = dict(
        session.execute(
            sa.select(Checkin.graduate_id, sa.func.max(Checkin.due_at))
            .where(Checkin.kind == "followup", Checkin.period_key.like("followup:%"))
            .group_by(Checkin.graduate_id)
        ).all()
    )
    facts = []
    for gid, placed_, verified, hardship, reason, sent, answered, unanswered, escalated in session.execute(stmt):
        followed = last_followup.get(gid)
        facts.append(
            CheckinFacts(
                graduate_id=gid,
                placed=bool(placed_),
                verified=bool(verified),
                hardship=bool(hardship),
                unplaced_reason=reason,
                last_sent_at=sent,
                last_answered_at=answered,
                followup_sent=bool(sent and followed and followed >= sent),
                unanswered=int(unanswered or 0),
                escalated=escalated is not None,
            )
        )
    return facts


def plan_day(
    facts: Iterable[CheckinFacts], now: datetime, cfg: ScheduleSettings
) -> list[tuple[CheckinFacts, CheckinPlan]]:
    """The pure part: each graduate's step today (a tight loop over `decide`); graduates with nothing to do
    are left out."""
    out = []
    for f in facts:
        p = decide(f, now, cfg)
        if p.step is not Step.NONE or p.escalate:
            out.append((f, p))
    return out


def run(c: Container, *, now: datetime | None = None) -> CheckinRun:
    """Plan and queue today's check-ins, follow-ups and escalations for every graduate."""
    started = time.perf_counter()
    now = now or c.clock.now()
    cfg = c.settings.schedule
    result = CheckinRun()
    with job_session(c.db) as session:
        facts = load_facts(session, c)
        t0 = time.perf_counter()
        todo = plan_day(facts, now, cfg)
        result.decide_ms = int((time.perf_counter() - t0) * 1000)
        result.graduates = len(facts)
        _apply(session, c, todo, now, result)
    result.duration_ms = int((time.perf_counter() - started) * 1000)
    return result


def _intent(c: Container, f: CheckinFacts, p: CheckinPlan) -> PushIntent:
    kind, msg = (
        (PushKind.CHECKIN, push_texts.checkin(None))
        if p.step is Step.CHECKIN
        else (PushKind.FOLLOWUP, push_texts.followup(None))
    )
    return PushIntent(kind, p.key or "", msg, f.graduate_id, hardship=f.hardship, link_page="status")


def _apply(
    session: Session, c: Container, todo: Sequence[tuple[CheckinFacts, CheckinPlan]], now: datetime, result: CheckinRun
) -> None:
    asks = [(f, p) for f, p in todo if p.step is not Step.NONE and p.key]
    intents = [_intent(c, f, p) for f, p in asks]
    outcome = plan_intents(session, c, intents, now, phone_entries=False)
    checkins: list[dict[str, Any]] = []
    sent_at: dict[int, datetime] = {}
    for intent in intents:
        d = outcome.decisions[intent.key]
        gid = intent.graduate_id or 0
        if d.action is Action.DROP:
            result.dropped += 1
            continue
        channel = d.option.channel.value if d.action is Action.SEND and d.option else None
        sent_at[gid] = (d.not_before or now) if channel else now
        checkins.append(
            {
                "graduate_id": gid,
                "kind": intent.kind.value,
                "period_key": intent.key,
                "due_at": now,
                "sent_at": sent_at[gid] if channel else None,
                "channel": channel,
                "outbox_id": outcome.queued.get(intent.key),
                "created_at": now,
            }
        )
        result.phone += 0 if channel else 1
        result.queued += 1 if intent.key in outcome.queued else 0
    new = _insert_returning_graduates(session, checkins)
    schedules = [_schedule(f, p, sent_at[f.graduate_id]) for f, p in asks if f.graduate_id in new]
    result.checkins = sum(1 for f, p in asks if f.graduate_id in new and p.step is Step.CHECKIN)
    result.followups = sum(1 for f, p in asks if f.graduate_id in new and p.step is Step.FOLLOWUP)
    _upsert_schedules(session, schedules)
    result.escalated = _escalate(session, c, [f for f, p in todo if _escalates(f, p, c.settings.schedule)], now)
    result.steps = {"checkin": result.checkins, "followup": result.followups, "escalation": result.escalated}


def _missed(f: CheckinFacts, p: CheckinPlan) -> int:
    """Check-ins this step finds unanswered: the one whose follow-up is due now, or, for a new check-in, a previous
    one that never got a follow-up (e.g. it was a phone call)."""
    if p.step is Step.FOLLOWUP:
        return 1
    previous_open = f.last_sent_at is not None and not answered_since(f)
    return 1 if p.step is Step.CHECKIN and previous_open and not f.followup_sent else 0


def _escalates(f: CheckinFacts, p: CheckinPlan, cfg: ScheduleSettings) -> bool:
    """After N unanswered check-ins (counting those this step finds unanswered) the counselor is told."""
    return not f.escalated and (p.escalate or f.unanswered + _missed(f, p) >= cfg.escalate_after_unanswered)


def _escalate(session: Session, c: Container, facts: Sequence[CheckinFacts], now: datetime) -> int:
    if not facts:
        return 0
    day = phone_list.local_day(c, now).isoformat()
    rows = [
        {
            "graduate_id": f.graduate_id,
            "kind": "escalation",
            "period_key": f"escalate:{day}",
            "due_at": now,
            "created_at": now,
        }
        for f in facts
    ]
    added = phone_list.insert_checkins(session, rows)
    ids = [f.graduate_id for f in facts]
    for start in range(0, len(ids), 2000):
        session.execute(
            sa.update(CheckinSchedule)
            .where(CheckinSchedule.graduate_id.in_(ids[start : start + 2000]), CheckinSchedule.escalated_at.is_(None))
            .values(escalated_at=now)
        )
    return added


def _schedule(f: CheckinFacts, p: CheckinPlan, sent_at: datetime) -> dict[str, Any]:
    days = p.cadence_days or 7
    last = sent_at if p.step is Step.CHECKIN else (f.last_sent_at or sent_at)
    return {
        "graduate_id": f.graduate_id,
        "unanswered": _missed(f, p),
        "last_sent_at": last,
        "next_due_at": last + timedelta(days=days),
        "cadence_days": days,
    }


def _insert_returning_graduates(session: Session, rows: Sequence[dict[str, Any]]) -> set[int]:
    table = cast(sa.Table, Checkin.__table__)
    return {int(g) for (g,) in bulk.insert_new(session, table, rows, ["graduate_id", "period_key"], ["graduate_id"])}


def _upsert_schedules(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or update each graduate's schedule; `unanswered` is added to the stored count, not overwritten,
    so an answer recorded meanwhile (which resets it) is not lost to a stale read."""
    table = cast(sa.Table, CheckinSchedule.__table__)

    def changes(excluded: Any) -> dict[str, Any]:
        return {
            "last_sent_at": excluded.last_sent_at,
            "next_due_at": excluded.next_due_at,
            "cadence_days": excluded.cadence_days,
            "unanswered": table.c.unanswered + excluded.unanswered,
        }

    bulk.upsert(session, table, rows, ["graduate_id"], changes)
