"""Nightly "new matches" pushes, deadline reminders and the counselors' morning digest, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from bot.checkins import daily as checkin_job
from bot.clock import FakeClock
from bot.container import Container
from bot.domain import ChannelKind, FeedbackKind
from bot.push import phone_list
from bot.services import digest, reminders
from models import Feedback, Graduate, Match, OutboxMessage, SchoolClass
from tests.support.push import bind, matches, postings, rows, school, world

NOW = datetime(2026, 6, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def setup(container: Container, n: int = 3, **kwargs: object) -> tuple[Container, FakeClock, list[int]]:
    clock = container.clock
    assert isinstance(clock, FakeClock)
    clock.set(NOW)
    c, _ = world(container)
    return c, clock, school(c, n, **kwargs)  # type: ignore[arg-type]


def test_new_matches_are_pushed_once_hardship_first(container: Container) -> None:
    c, _, (g0, g1, g2) = setup(container, hardship=[1])
    bind(c, g0, ChannelKind.WECOM, "corp", "u0")
    bind(c, g1, ChannelKind.ONEBOT, "qq", "10001")
    pids = postings(c, [f"岗位{i}" for i in range(5)])
    matches(c, g0, pids[:4])
    matches(c, g1, pids[1:3])
    matches(c, g2, pids[:1])  # bound to nothing: the counselor phones
    with c.sessions.begin() as s:
        s.get_one(Graduate, g2).destination_code = None
    summary = reminders.push_new_matches(c)
    assert (summary.intents, summary.queued, summary.phone) == (3, 2, 1)
    queued = {r.graduate_id: r for r in rows(c).values()}
    assert queued[g1].priority > queued[g0].priority  # hardship first
    text = queued[g0].payload["text"]
    assert text.startswith("为你找到 4 个新的推荐岗位") and "1. 岗位0｜华工激光｜武汉｜6-8千" in text
    assert "岗位3" not in text and "共 4 个" in text  # the best three, and a link to all
    assert queued[g0].payload["url"].startswith("http://127.0.0.1:8000/m/")
    with c.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).where(Match.pushed_at.is_(None))) == 0
    assert reminders.push_new_matches(c).intents == 0  # nothing new: nothing sent
    matches(c, g0, pids[4:])  # a new match later: one more message
    again = reminders.push_new_matches(c)
    assert (again.intents, again.queued) == (1, 1)


def test_placed_or_unsubscribed_graduates_get_no_match_push(container: Container) -> None:
    c, _, (g0, g1, _) = setup(container)
    bind(c, g0, ChannelKind.WECOM, "corp", "u0")
    bind(c, g1, ChannelKind.WECOM, "corp", "u1")
    pids = postings(c, ["岗位A"])
    matches(c, g0, pids)
    matches(c, g1, pids)
    with c.sessions.begin() as s:
        s.get_one(Graduate, g0).destination_code = "10"
        s.get_one(Graduate, g1).unsubscribed = True
    summary = reminders.push_new_matches(c)
    assert (summary.intents, summary.queued, summary.dropped) == (1, 0, 1)
    with c.sessions() as s:  # still unpushed: 退订 is not "pushed"
        assert s.scalar(sa.select(Match.pushed_at).where(Match.graduate_id == g1)) is None


def test_deadline_reminder_for_interested_not_applied(container: Container) -> None:
    c, clock, (g0, g1, g2) = setup(container)
    for gid, user in ((g0, "u0"), (g1, "u1"), (g2, "u2")):
        bind(c, gid, ChannelKind.WECOM, "corp", user)
    soon, later = postings(c, ["快截止"], deadline=date(2026, 6, 4)) + postings_later(c)
    with c.sessions.begin() as s:
        for gid, pid, kind in (
            (g0, soon, FeedbackKind.INTERESTED),
            (g1, soon, FeedbackKind.INTERESTED),
            (g1, soon, FeedbackKind.APPLIED),  # already applied: no reminder
            (g2, later, FeedbackKind.INTERESTED),  # deadline too far away
        ):
            s.add(Feedback(graduate_id=gid, posting_id=pid, kind=kind, created_at=NOW))
    summary = reminders.remind_deadlines(c)
    assert (summary.intents, summary.queued) == (1, 1)
    [row] = rows(c).values()
    assert row.graduate_id == g0 and row.idempotency_key == f"deadline:{g0}:{soon}"
    assert "“快截止”（华工激光）将于 6月4日 截止" in row.payload["text"]
    assert reminders.remind_deadlines(c).queued == 0  # once per posting
    clock.advance(days=4)
    assert reminders.remind_deadlines(c).intents == 0  # past the deadline


def postings_later(c: Container) -> list[int]:
    from models import Employer, Posting

    with c.sessions.begin() as s:
        employer = s.scalars(sa.select(Employer)).one()
        p = Posting(posting_key="LATER", employer_id=employer.id, title="不急", deadline=date(2026, 7, 1))
        s.add(p)
        s.flush()
        return [p.id]


def test_digest_reaches_the_counselor_with_the_days_lists(container: Container) -> None:
    c, clock, ids = setup(container, 4, hardship=[2], counselor=True)
    _, g1, _, g3 = ids
    with c.sessions() as s:
        staff_id = s.scalars(sa.select(SchoolClass.counselor_id)).one()
    assert staff_id is not None
    bind(c, None, ChannelKind.WECOM, "corp", "teacher-wang", staff_user_id=staff_id)
    bind(c, g1, ChannelKind.WECOM, "corp", "u1")
    with c.sessions.begin() as s:
        s.get_one(Graduate, g3).destination_code = "10"
    pids = postings(c, [f"岗位{i}" for i in range(10)])
    matches(c, g1, pids)  # ten matches: not on the "fewer than 10" list
    checkin_job.run(c)  # g0 and g2 have no channel: phone list; g1 is asked on WeCom
    clock.advance(hours=49)
    checkin_job.run(c)  # follow-ups: g1 on WeCom, g0 and g2 on today's phone list again
    summary = digest.send_all(c)
    assert (summary.intents, summary.queued) == (1, 1)
    row = next(r for r in rows(c).values() if r.intent == "digest")
    assert (row.target_id, row.staff_user_id, row.priority) == ("teacher-wang", staff_id, 0)
    text = row.payload["text"]
    assert "计应2201：共 4 人，已落实 1（25%），未落实 3" in text
    # g3 is placed but unverified: asked monthly, and unbound, so phoned too.
    assert "请电话联系：学生0、学生2、学生3（3 人）" in text and "状态询问未回复：学生1（1 人）" in text
    assert "困难生 14 天无进展：学生2（1 人）" in text
    assert "推荐岗位不足 10 个：学生0、学生2（2 人）" in text
    assert digest.send_all(c).queued == 0  # once a day
    with c.sessions() as s:
        day = phone_list.local_day(c, clock.now())
        assert day == date(2026, 6, 4)
        assert (
            s.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.intent == "digest")) == 1
        )


def test_digest_skips_counselors_without_a_channel(container: Container) -> None:
    c, _, _ = setup(container, 2, counselor=True)
    assert digest.send_all(c).intents == 0
    assert rows(c) == {}
