"""Check-in bookkeeping shared by the dialogue (a graduate answered) and the scheduler (a question was sent)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Checkin, CheckinSchedule


def record_answer(session: Session, graduate_id: int, now: datetime) -> None:
    """The graduate told us their status (or answered a check-in): open questions are answered, silence resets,
    and the graduate leaves the counselor's phone list (entries with no channel already due)."""
    schedule = session.get(CheckinSchedule, graduate_id)
    if schedule is not None:
        schedule.last_answered_at = now
        schedule.unanswered = 0
        schedule.escalated_at = None
    session.execute(
        sa.update(Checkin)
        .where(Checkin.graduate_id == graduate_id, Checkin.answered_at.is_(None))
        .where(sa.or_(Checkin.sent_at.is_not(None), sa.and_(Checkin.channel.is_(None), Checkin.due_at <= now)))
        .values(answered_at=now)
    )
