from __future__ import annotations

from datetime import timedelta

from bot.checkins.answers import record_answer
from bot.clock import FakeClock
from bot.container import Container
from models import Checkin, CheckinSchedule, College, Graduate, Major


def _graduate(container: Container) -> int:
    with container.sessions.begin() as s:
        college = College(code="C1", name="医学院")
        s.add(college)
        s.flush()
        major = Major(
            college_id=college.id,
            code="101101K",
            name="护理学",
            class_code="1011",
            class_name="护理学类",
            category_code="10",
            category_name="医学",
            level=2,
        )
        s.add(major)
        s.flush()
        g = Graduate(
            student_no="2022001", name="李雷", education=2, cohort=2026, college_id=college.id, major_id=major.id
        )
        s.add(g)
        s.flush()
        return g.id


def test_answer_resets_silence_and_closes_open_checkins(container: Container, clock: FakeClock) -> None:
    gid = _graduate(container)
    sent = clock.now()
    with container.sessions.begin() as s:
        s.add(CheckinSchedule(graduate_id=gid, next_due_at=sent, cadence_days=7, unanswered=2, escalated_at=sent))
        s.add(Checkin(graduate_id=gid, kind="checkin", period_key="p1", due_at=sent, sent_at=sent))
        s.add(Checkin(graduate_id=gid, kind="checkin", period_key="p2", due_at=sent + timedelta(days=7)))
    later = clock.advance(hours=5)
    with container.sessions.begin() as s:
        record_answer(s, gid, later)
    with container.sessions() as s:
        schedule = s.get(CheckinSchedule, gid)
        assert schedule is not None
        assert (schedule.unanswered, schedule.last_answered_at, schedule.escalated_at) == (0, later, None)
        answered = {c.period_key: c.answered_at for c in s.query(Checkin).all()}
        assert answered == {"p1": later, "p2": None}  # a question not yet sent is not "answered"
