"""Status check-in cadence (pure): who is asked "同学，工作有着落了吗？" when, and when it escalates.

Defaults (ScheduleSettings): unplaced weekly; unplaced hardship every 3 days; 签约中 every 3 days; placed monthly until
a counselor verifies the status. Each check-in gets one follow-up if unanswered; after N unanswered check-ins the
graduate goes on the counselor's list. Keys derived here are the outbox idempotency keys, so a check-in for graduate G
in period P is sent once however often the scheduler runs, and by however many processes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import ScheduleSettings

SIGNING = "签约中"


class Step(enum.StrEnum):
    NONE = "none"
    CHECKIN = "checkin"
    FOLLOWUP = "followup"


@dataclass(frozen=True, slots=True)
class CheckinFacts:
    graduate_id: int
    placed: bool
    verified: bool
    hardship: bool
    unplaced_reason: str | None
    last_sent_at: datetime | None
    last_answered_at: datetime | None
    followup_sent: bool  # for the latest check-in
    unanswered: int  # consecutive check-ins without an answer
    escalated: bool


@dataclass(frozen=True, slots=True)
class CheckinPlan:
    step: Step
    key: str | None = None
    escalate: bool = False
    cadence_days: int | None = None


def cadence_days(facts: CheckinFacts, cfg: ScheduleSettings) -> int | None:
    """Days between check-ins; None when the status needs no more asking (placed and verified)."""
    if facts.placed:
        return None if facts.verified else cfg.checkin_placed_days
    if facts.unplaced_reason == SIGNING:
        return cfg.checkin_signing_days
    if facts.hardship:
        return cfg.checkin_hardship_days
    return cfg.checkin_unplaced_days


def period_index(now: datetime, days: int) -> int:
    """Periods are counted from the Unix epoch so that every process agrees on where a period starts."""
    return int(now.timestamp() // (days * 86400))


def answered_since(facts: CheckinFacts) -> bool:
    return facts.last_sent_at is not None and (
        facts.last_answered_at is not None and facts.last_answered_at >= facts.last_sent_at
    )


def decide(facts: CheckinFacts, now: datetime, cfg: ScheduleSettings) -> CheckinPlan:
    days = cadence_days(facts, cfg)
    if days is None:
        return CheckinPlan(Step.NONE)
    escalate = facts.unanswered >= cfg.escalate_after_unanswered and not facts.escalated
    pending = facts.last_sent_at is not None and not answered_since(facts)
    # Due when a whole cadence has passed since the last question (or the last answer, whichever is later).
    anchor = max((t for t in (facts.last_sent_at, facts.last_answered_at) if t is not None), default=None)
    if anchor is None or now - anchor >= timedelta(days=days):
        key = f"checkin:{facts.graduate_id}:{days}d:{period_index(now, days)}"
        return CheckinPlan(Step.CHECKIN, key, escalate, days)
    last = facts.last_sent_at
    if pending and not facts.followup_sent and last and now - last >= timedelta(hours=cfg.followup_after_hours):
        stamp = int(last.timestamp())
        return CheckinPlan(Step.FOLLOWUP, f"followup:{facts.graduate_id}:{stamp}", escalate, days)
    return CheckinPlan(Step.NONE, escalate=escalate, cadence_days=days)
