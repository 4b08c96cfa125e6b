"""The day's check-ins on both databases: cadences, follow-ups, escalation, phone list, 退订, quiet hours, re-runs."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.checkins import daily as checkin_job
from bot.checkins.answers import record_answer
from bot.clock import FakeClock
from bot.container import Container
from bot.domain import ChannelKind
from bot.push import phone_list
from models import Checkin, CheckinSchedule, Graduate, OutboxMessage
from tests.support.push import bind, school, world

DAY0 = datetime(2026, 6, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def setup(container: Container, n: int = 5, **kwargs: object) -> tuple[Container, FakeClock, list[int]]:
    clock = container.clock
    assert isinstance(clock, FakeClock)
    clock.set(DAY0)
    c, _ = world(container)
    ids = school(c, n, **kwargs)  # type: ignore[arg-type]
    return c, clock, ids


def asked(c: Container) -> Counter[tuple[int, str]]:
    with c.sessions() as s:
        return Counter((g, k) for g, k in s.execute(sa.select(Checkin.graduate_id, Checkin.kind)))


def answer_all(c: Container, ids: list[int], at: datetime) -> None:
    with c.sessions.begin() as s:
        for gid in ids:
            record_answer(s, gid, at)


def test_cadence_follows_status(container: Container) -> None:
    c, clock, (unplaced, hardship, placed, verified, signing) = setup(container, hardship=[1])
    with c.sessions.begin() as s:
        s.get_one(Graduate, placed).destination_code = "10"
        s.get_one(Graduate, verified).destination_code = "10"
        s.get_one(Graduate, verified).status_verified = True
        s.get_one(Graduate, signing).destination_code = "70"
        s.get_one(Graduate, signing).unplaced_reason = "签约中"
    for gid, user in ((unplaced, "u0"), (hardship, "u1"), (placed, "u2"), (verified, "u3"), (signing, "u4")):
        bind(c, gid, ChannelKind.WECOM, "corp", user)
    first = checkin_job.run(c)
    assert (first.checkins, first.queued, first.phone) == (4, 4, 0)
    assert set(asked(c)) == {(g, "checkin") for g in (unplaced, hardship, placed, signing)}
    assert checkin_job.run(c).checkins == 0  # the same day again: nothing new
    answer_all(c, [unplaced, hardship, placed, signing], DAY0 + timedelta(hours=1))
    clock.set(DAY0 + timedelta(days=3, hours=2))
    assert checkin_job.run(c).checkins == 2  # hardship and 签约中: every 3 days
    answer_all(c, [hardship, signing], clock.now())
    clock.set(DAY0 + timedelta(days=7, hours=2))
    checkin_job.run(c)
    counts = asked(c)
    assert counts[(unplaced, "checkin")] == 2 and counts[(placed, "checkin")] == 1  # weekly; placed monthly
    clock.set(DAY0 + timedelta(days=30, hours=2))
    checkin_job.run(c)
    assert asked(c)[(placed, "checkin")] == 2
    assert asked(c)[(verified, "checkin")] == 0  # verified placement: never asked
    with c.sessions() as s:
        keys = s.scalars(sa.select(OutboxMessage.idempotency_key)).all()
    assert len(keys) == len(set(keys)) == sum(asked(c).values())


def test_one_followup_when_unanswered_then_escalation_after_two(container: Container) -> None:
    c, clock, (g, *_) = setup(container, 1, hardship=[0])
    bind(c, g, ChannelKind.WECOM, "corp", "u0")
    checkin_job.run(c)
    clock.advance(hours=47)
    assert checkin_job.run(c).followups == 0
    clock.advance(hours=1)
    assert checkin_job.run(c).followups == 1
    assert checkin_job.run(c).followups == 0  # one follow-up per check-in
    with c.sessions() as s:
        assert s.get_one(CheckinSchedule, g).unanswered == 1
    clock.set(DAY0 + timedelta(days=3, hours=1))
    run = checkin_job.run(c)
    assert (run.checkins, run.escalated) == (1, 0)
    clock.advance(hours=48)
    run = checkin_job.run(c)
    assert (run.followups, run.escalated) == (1, 1)  # two check-ins without an answer: the counselor is told
    with c.sessions() as s:
        listed = phone_list.entries(s, c, phone_list.local_day(c, clock.now()))
        assert [(e.graduate_id, e.reasons) for e in listed] == [(g, ("连续多次未回复状态询问",))]
    assert checkin_job.run(c).escalated == 0  # once
    answer_all(c, [g], clock.now())
    with c.sessions() as s:
        schedule = s.get_one(CheckinSchedule, g)
        assert (schedule.unanswered, schedule.escalated_at) == (0, None)
        assert phone_list.entries(s, c, phone_list.local_day(c, clock.now())) == []


def test_unbound_graduate_is_phoned_unsubscribed_gets_nothing(container: Container) -> None:
    c, _, (unbound, unsubscribed, *_) = setup(container, 2)
    with c.sessions.begin() as s:
        s.get_one(Graduate, unsubscribed).unsubscribed = True
    bind(c, unsubscribed, ChannelKind.WECOM, "corp", "u1")
    run = checkin_job.run(c)
    assert (run.checkins, run.phone, run.dropped, run.queued) == (1, 1, 1, 0)
    with c.sessions() as s:
        checkin = s.scalars(sa.select(Checkin)).one()
        assert (checkin.graduate_id, checkin.channel, checkin.sent_at) == (unbound, None, None)
        assert s.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
        assert [e.graduate_id for e in phone_list.entries(s, c, phone_list.local_day(c, DAY0))] == [unbound]


def test_late_run_is_held_until_quiet_hours_end(container: Container) -> None:
    c, clock, (g, *_) = setup(container, 1)
    bind(c, g, ChannelKind.WECOM, "corp", "u0")
    clock.set(datetime(2026, 6, 2, 15, 0, tzinfo=UTC))  # 23:00 in Shanghai
    checkin_job.run(c)
    morning = datetime(2026, 6, 3, 0, 0, tzinfo=UTC)
    with c.sessions() as s:
        row = s.scalars(sa.select(OutboxMessage)).one()
        checkin = s.scalars(sa.select(Checkin)).one()
        assert (row.next_attempt_at, checkin.sent_at, checkin.outbox_id) == (morning, morning, row.id)
        assert s.get_one(CheckinSchedule, g).last_sent_at == morning


def test_concurrent_runs_never_ask_twice(container: Container) -> None:
    c, _, ids = setup(container, 30)
    for i, gid in enumerate(ids):
        bind(c, gid, ChannelKind.ONEBOT, "qq", str(10000 + i))
    errors: list[BaseException] = []

    def go() -> None:
        try:
            checkin_job.run(c)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert asked(c) == Counter({(g, "checkin"): 1 for g in ids})
    with c.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 30
        assert set(s.scalars(sa.select(CheckinSchedule.unanswered))) == {0}
