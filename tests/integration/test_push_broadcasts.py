"""Scheduled broadcasts: recorded now, sent when due to the classes' groups and each unplaced graduate, once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.access.rules import StaffPrincipal
from bot.clock import FakeClock
from bot.container import Container
from bot.domain import ChannelKind, Role
from bot.errors import Forbidden, InvalidInput
from bot.services import broadcasts
from models import ChannelGroup, Graduate, OutboxMessage, SchoolClass
from models.broadcasts import ScheduledBroadcast
from tests.support.push import ONEBOT_PATH, ROBOT_PATH, bind, bodies, drainer, postings, rows, school, world

NOW = datetime(2026, 6, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def setup(container: Container) -> tuple[Container, object, StaffPrincipal, list[int], int]:
    assert isinstance(container.clock, FakeClock)
    container.clock.set(NOW)
    c, platform = world(container)
    ids = school(c, 3, counselor=True)
    with c.sessions.begin() as s:
        klass = s.scalars(sa.select(SchoolClass)).one()
        s.add(ChannelGroup(channel=ChannelKind.WECOM_BOT, account="robot", group_id="robot-group", class_id=klass.id))
        s.add(ChannelGroup(channel=ChannelKind.QQBOT, account="official", group_id="qq-group", class_id=klass.id))
        s.get_one(Graduate, ids[2]).destination_code = "10"  # placed: not sent to
        principal = StaffPrincipal(
            klass.counselor_id or 0, "fdy1", "王老师", Role.COUNSELOR, None, frozenset({klass.id})
        )
        class_id = klass.id
    return c, platform, principal, ids, class_id


def test_broadcast_goes_out_when_due_and_only_once(container: Container) -> None:
    c, platform, principal, (g0, g1, _), class_id = setup(container)
    bind(c, g0, ChannelKind.ONEBOT, "qq", "10000")
    (pid,) = postings(c, ["激光设备调试工程师"])
    req = broadcasts.BroadcastRequest(
        "华工激光来校招聘，欢迎投递", [class_id], NOW + timedelta(hours=2), posting_id=pid
    )
    with c.sessions.begin() as s:
        bid = broadcasts.schedule(s, c, principal, req).id
    assert broadcasts.send_due(c)["broadcasts"] == 0  # not yet
    assert isinstance(c.clock, FakeClock)
    c.clock.advance(hours=2)
    totals = broadcasts.send_due(c)
    # The robot group, graduate 0 on QQ; graduate 1 has no channel (phone); the QQ bot cannot push to groups.
    assert totals == {"broadcasts": 1, "groups": 1, "graduates": 1, "phone": 1}
    assert broadcasts.send_due(c)["broadcasts"] == 0
    with c.sessions() as s:
        b = s.get_one(ScheduledBroadcast, bid)
        assert (b.status, b.done_at, b.result["graduates"]) == ("done", c.clock.now(), 1)
    queued = rows(c)
    assert set(queued) == {f"broadcast:{bid}:{g0}", f"broadcast:{bid}:g:1"}
    drainer(c).drain()
    [group_msg] = bodies(platform, ROBOT_PATH)  # type: ignore[arg-type]
    assert "华工激光来校招聘" in str(group_msg) and "激光设备调试工程师｜华工激光｜武汉｜6-8千" in str(group_msg)
    [private] = bodies(platform, ONEBOT_PATH)  # type: ignore[arg-type]
    assert private["user_id"] == 10000 and "/m/" in private["message"]
    assert g1 not in {r.graduate_id for r in queued.values()}


def test_due_broadcasts_are_taken_by_one_runner(container: Container) -> None:
    c, _, principal, (g0, *_), class_id = setup(container)
    bind(c, g0, ChannelKind.ONEBOT, "qq", "10000")
    with c.sessions.begin() as s:
        for i in range(4):
            broadcasts.schedule(s, c, principal, broadcasts.BroadcastRequest(f"通知 {i}", [class_id], NOW))
    results: list[dict[str, int]] = []
    threads = [threading.Thread(target=lambda: results.append(broadcasts.send_due(c))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["broadcasts"] for r in results) == 4
    with c.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 8  # 4 x (robot group + g0)


def test_scheduling_refuses_other_classes_and_bad_input(container: Container) -> None:
    c, _, principal, _, class_id = setup(container)
    outsider = StaffPrincipal(999, "fdy9", "李老师", Role.COUNSELOR, None, frozenset())
    with c.sessions.begin() as s, pytest.raises(Forbidden, match="计应2201"):
        broadcasts.schedule(s, c, outsider, broadcasts.BroadcastRequest("x", [class_id], NOW))
    with c.sessions.begin() as s, pytest.raises(InvalidInput) as err:
        broadcasts.schedule(s, c, principal, broadcasts.BroadcastRequest(" ", [], NOW + timedelta(days=90)))
    assert err.value.problems == ["通知内容不能为空", "请至少选择一个班级", "发送时间最多只能安排在 60 天之内"]
    with c.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(ScheduledBroadcast)) == 0
