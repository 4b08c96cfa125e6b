"""The counselors' "请电话联系" list: graduates no channel can reach now, to be phoned today.

An entry is a `checkins` row with `channel` NULL: a check-in or follow-up that no channel could carry (kind
`checkin` / `followup`), an escalation after unanswered check-ins (kind `escalation`), or another push that found
no channel (kind = the push kind, period key `phone:<kind>:<local date>` so that a graduate is listed once a day per
reason). `due_at` is when the entry was made; the list of a day is that day's entries not yet answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.storage import bulk
from models import Checkin, Graduate

if TYPE_CHECKING:
    from bot.container import Container

REASONS = {
    "checkin": "状态询问无法送达",
    "followup": "状态询问未回复，且无法再次提醒",
    "escalation": "连续多次未回复状态询问",
    "new_matches": "有新的推荐岗位，但无法推送",
    "deadline": "感兴趣的岗位即将截止，但无法提醒",
    "broadcast": "岗位通知无法送达",
}


@dataclass(frozen=True, slots=True)
class PhoneEntry:
    graduate_id: int
    student_no: str
    name: str
    class_id: int | None
    reasons: tuple[str, ...]


def local_day(c: Container, at: datetime) -> date:
    return at.astimezone(ZoneInfo(c.settings.schedule.timezone)).date()


def day_bounds(c: Container, day: date) -> tuple[datetime, datetime]:
    tz = ZoneInfo(c.settings.schedule.timezone)
    start = datetime.combine(day, time(0, 0), tzinfo=tz)
    return start, start + timedelta(days=1)


def add(session: Session, c: Container, entries: Iterable[tuple[int, str]], now: datetime) -> int:
    """Put graduates on today's list for a reason (a push kind); an entry already there is kept. Returns new ones."""
    day = local_day(c, now).isoformat()
    rows = [
        {"graduate_id": gid, "kind": kind, "period_key": f"phone:{kind}:{day}", "due_at": now, "created_at": now}
        for gid, kind in dict.fromkeys(entries)
    ]
    return insert_checkins(session, rows)


def insert_checkins(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Insert `checkins` rows, skipping (graduate, period) pairs that exist; returns how many were new."""
    if not rows:
        return 0
    keys = ["graduate_id", "period_key"]
    return len(bulk.insert_new(session, cast(sa.Table, Checkin.__table__), rows, keys, ["id"]))


def entries(session: Session, c: Container, day: date, *, class_ids: Iterable[int] | None = None) -> list[PhoneEntry]:
    """The day's list (open entries), one line per graduate with every reason, optionally for some classes only."""
    start, end = day_bounds(c, day)
    stmt = (
        sa.select(Graduate.id, Graduate.student_no, Graduate.name, Graduate.class_id, Checkin.kind)
        .join(Graduate, Graduate.id == Checkin.graduate_id)
        .where(Checkin.channel.is_(None), Checkin.answered_at.is_(None))
        .where(Checkin.due_at >= start, Checkin.due_at < end)
        .order_by(Graduate.class_id, Graduate.student_no, Checkin.id)
    )
    if class_ids is not None:
        stmt = stmt.where(Graduate.class_id.in_(sorted(set(class_ids))))
    merged: dict[int, PhoneEntry] = {}
    for gid, no, name, class_id, kind in session.execute(stmt):
        reason = REASONS.get(kind, kind)
        old = merged.get(gid)
        if old is None:
            merged[gid] = PhoneEntry(gid, no, name, class_id, (reason,))
        elif reason not in old.reasons:
            merged[gid] = PhoneEntry(gid, no, name, class_id, (*old.reasons, reason))
    return list(merged.values())
