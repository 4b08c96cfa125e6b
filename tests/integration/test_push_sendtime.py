"""Planning pushes into the outbox and re-checking them at send time (48 h window, 退订, quiet hours, phone list)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.clock import FakeClock
from bot.container import Container
from bot.domain import ChannelKind
from bot.push import phone_list
from bot.push.dispatch import PushIntent, load_audience, plan_intents
from bot.push.payloads import PRIORITY_HARDSHIP, PRIORITY_NORMAL, PushMessage
from bot.push.planner import Action, PushKind
from bot.push.recheck import NO_SLOT
from models import Checkin, Graduate, OutboxStatus
from tests.support.push import (
    CS_PATH,
    ONEBOT_PATH,
    TEMPLATE_PATH,
    WECOM_PATH,
    bind,
    bodies,
    drainer,
    queue,
    rows,
    school,
    window_sent,
    world,
)

MSG = PushMessage(text="同学，工作有着落了吗？", title="就业状态询问", summary="请回复你的就业状态", url="http://x/m/t")
# 10:00 in Shanghai: outside quiet hours.
DAY = datetime(2026, 6, 2, 2, 0, tzinfo=UTC)


def setup(container: Container) -> tuple[Container, object, list[int]]:
    assert isinstance(container.clock, FakeClock)
    container.clock.set(DAY)
    c, platform = world(container)
    return c, platform, school(c, 4, hardship=[1])


def intent(gid: int, kind: PushKind = PushKind.CHECKIN, *, hardship: bool = False) -> PushIntent:
    return PushIntent(kind, f"{kind.value}:{gid}", MSG, graduate_id=gid, hardship=hardship)


def plan(c: Container, intents: list[PushIntent]):  # type: ignore[no-untyped-def]
    with c.sessions.begin() as s:
        return plan_intents(s, c, intents, c.clock.now())


def test_planning_picks_a_channel_per_graduate_or_the_phone_list(container: Container) -> None:
    c, _, (g0, g1, g2, g3) = setup(container)
    bind(c, g0, ChannelKind.WECOM, "corp", "zhangsan")
    bind(c, g1, ChannelKind.WECHAT_MP, "gzh", "openid-1", last_inbound_at=DAY - timedelta(hours=1))
    bind(c, g2, ChannelKind.QQBOT, "official", "qq-openid")  # the official QQ bot never pushes
    with c.sessions.begin() as s:
        s.get_one(Graduate, g3).unsubscribed = True
    bind(c, g3, ChannelKind.ONEBOT, "qq", "10003")
    out = plan(c, [intent(g0), intent(g1, hardship=True), intent(g2), intent(g3)])
    assert out.count(Action.SEND) == 2 and out.phone == [g2] and out.dropped == [g3]
    queued = rows(c)
    assert set(queued) == {f"checkin:{g0}", f"checkin:{g1}"}
    cs = queued[f"checkin:{g1}"]
    assert (cs.channel, cs.target_id, cs.payload["mode"], cs.priority) == (
        ChannelKind.WECHAT_MP, "openid-1", "cs", PRIORITY_HARDSHIP
    )  # fmt: skip
    app = queued[f"checkin:{g0}"]
    assert (app.payload["mode"], app.priority, app.payload["duplicate_check"]) == ("app", PRIORITY_NORMAL, True)
    # Planning twice queues nothing new: the idempotency key holds.
    assert plan(c, [intent(g0), intent(g1)]).queued == {}
    with c.sessions() as s:
        listed = phone_list.entries(s, c, phone_list.local_day(c, DAY))
    assert [(e.graduate_id, e.reasons) for e in listed] == [(g2, ("状态询问无法送达",))]


def test_quiet_hours_hold_until_they_end(container: Container) -> None:
    c, _, (g0, *_) = setup(container)
    bind(c, g0, ChannelKind.WECOM, "corp", "zhangsan")
    late = datetime(2026, 6, 2, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    assert isinstance(c.clock, FakeClock)
    c.clock.set(late)
    plan(c, [intent(g0)])
    row = rows(c)[f"checkin:{g0}"]
    assert row.next_attempt_at == datetime(2026, 6, 3, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    assert drainer(c).drain() == 0


def test_window_open_customer_service_takes_a_slot(container: Container) -> None:
    c, platform, (g0, *_) = setup(container)
    bind(c, g0, ChannelKind.WECHAT_MP, "gzh", "openid-0", last_inbound_at=DAY - timedelta(hours=2), window_sent=1)
    plan(c, [intent(g0)])
    drainer(c).drain()
    assert rows(c)[f"checkin:{g0}"].status is OutboxStatus.SENT
    assert [b["touser"] for b in bodies(platform, CS_PATH)] == ["openid-0"]
    assert window_sent(c, "openid-0") == 2


def test_window_closed_at_send_time_becomes_a_template_message(container: Container) -> None:
    c, platform, (g0, *_) = setup(container)
    bind(c, g0, ChannelKind.WECHAT_MP, "gzh", "openid-0", last_inbound_at=DAY - timedelta(hours=47))
    plan(c, [intent(g0, PushKind.NEW_MATCHES)])
    assert rows(c)[f"new_matches:{g0}"].payload["mode"] == "cs"
    assert isinstance(c.clock, FakeClock)
    c.clock.advance(hours=2)  # the 48 h window closed while the row waited
    drainer(c).drain()
    row = rows(c)[f"new_matches:{g0}"]
    assert row.status is OutboxStatus.SENT and row.payload["mode"] == "template"
    assert bodies(platform, CS_PATH) == []
    [sent] = bodies(platform, TEMPLATE_PATH)
    assert (sent["template_id"], sent["url"], sent["touser"]) == ("TPL-MATCHES", "http://x/m/t", "openid-0")
    assert set(sent["data"]) == {"first", "keyword1", "keyword2", "remark"}
    assert window_sent(c, "openid-0") == 0  # a template message uses no customer-service slot


def test_used_up_window_without_template_goes_to_the_phone_list(container: Container) -> None:
    c, platform, (g0, *_) = setup(container)
    bind(c, g0, ChannelKind.WECHAT_MP, "bare", "openid-0", last_inbound_at=DAY - timedelta(hours=1))
    with c.sessions.begin() as s:
        out = plan_intents(s, c, [intent(g0)], c.clock.now(), phone_entries=False)
        s.add(Checkin(graduate_id=g0, kind="checkin", period_key="p1", due_at=DAY, sent_at=DAY,
                      channel="wechat_mp", outbox_id=out.queued[f"checkin:{g0}"]))  # fmt: skip
    # Replies used the window's five messages before the check-in went out.
    for i in range(5):
        queue(c, f"reply{i}", channel="wechat_mp", account="bare", target_id="openid-0", priority=1)
    drainer(c).drain()
    queued = rows(c)
    assert [queued[f"reply{i}"].status for i in range(5)] == [OutboxStatus.SENT] * 5
    row = queued[f"checkin:{g0}"]
    assert row.status is OutboxStatus.CANCELLED and "电话联系" in (row.last_error or "")
    assert len(bodies(platform, CS_PATH)) == 5 and window_sent(c, "openid-0") == 5
    with c.sessions() as s:
        checkin = s.scalars(sa.select(Checkin)).one()
        assert (checkin.channel, checkin.sent_at) == (None, None)  # the check-in became today's phone call
        assert [e.graduate_id for e in phone_list.entries(s, c, phone_list.local_day(c, DAY))] == [g0]


def test_reply_outside_the_window_is_cancelled_not_sent(container: Container) -> None:
    c, platform, _ = setup(container)
    bind(c, None, ChannelKind.WECHAT_MP, "gzh", "stranger", last_inbound_at=DAY - timedelta(hours=49))
    queue(c, "late-reply", channel="wechat_mp", account="gzh", target_id="stranger")
    drainer(c).drain()
    row = rows(c)["late-reply"]
    assert (row.status, row.last_error) == (OutboxStatus.CANCELLED, NO_SLOT)
    assert platform.requests == []


def test_unsubscribed_after_planning_gets_nothing(container: Container) -> None:
    c, platform, (g0, *_) = setup(container)
    bind(c, g0, ChannelKind.ONEBOT, "qq", "10001")
    plan(c, [intent(g0, PushKind.DEADLINE)])
    with c.sessions.begin() as s:
        s.get_one(Graduate, g0).unsubscribed = True  # 退订 before the row went out
    drainer(c).drain()
    row = rows(c)[f"deadline:{g0}"]
    assert row.status is OutboxStatus.CANCELLED and "退订" in (row.last_error or "")
    assert bodies(platform, ONEBOT_PATH) == []


def test_a_retry_drifting_into_quiet_hours_waits_without_using_an_attempt(container: Container) -> None:
    c, platform, (g0, *_) = setup(container)
    bind(c, g0, ChannelKind.WECOM, "corp", "zhangsan")
    plan(c, [intent(g0)])
    assert isinstance(c.clock, FakeClock)
    c.clock.set(datetime(2026, 6, 2, 14, 30, tzinfo=UTC))  # 22:30 in Shanghai
    drainer(c).drain()
    row = rows(c)[f"checkin:{g0}"]
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)
    assert row.next_attempt_at == datetime(2026, 6, 3, 0, 0, tzinfo=UTC)
    c.clock.set(row.next_attempt_at)
    drainer(c).drain()
    assert rows(c)[f"checkin:{g0}"].status is OutboxStatus.SENT
    assert len(bodies(platform, WECOM_PATH)) == 1


def test_unbound_channel_is_replanned_onto_another(container: Container) -> None:
    c, platform, (g0, *_) = setup(container)
    wecom = bind(c, g0, ChannelKind.WECOM, "corp", "zhangsan")
    bind(c, g0, ChannelKind.ONEBOT, "qq", "10001")
    plan(c, [intent(g0)])
    assert rows(c)[f"checkin:{g0}"].channel is ChannelKind.WECOM
    from models import ChannelIdentity

    with c.sessions.begin() as s:
        s.get_one(ChannelIdentity, wecom).graduate_id = None  # unbound meanwhile
    drainer(c).drain()
    row = rows(c)[f"checkin:{g0}"]
    assert (row.status, row.channel, row.target_id, row.payload["mode"]) == (
        OutboxStatus.SENT, ChannelKind.ONEBOT, "10001", "private"
    )  # fmt: skip
    assert bodies(platform, WECOM_PATH) == [] and len(bodies(platform, ONEBOT_PATH)) == 1


def test_a_school_wide_audience_read_in_one_pass_equals_the_chunked_read(container: Container) -> None:
    c, _, (g0, g1, g2, g3) = setup(container)
    bind(c, g0, ChannelKind.WECOM, "corp", "zhangsan")
    bind(c, g1, ChannelKind.WECHAT_MP, "gzh", "openid-1", last_inbound_at=DAY - timedelta(hours=1))
    bind(c, g1, ChannelKind.ONEBOT, "qq", "10001")
    bind(c, g2, ChannelKind.ONEBOT, "qq", "10002")  # bound, but not among the people asked about
    with c.sessions.begin() as s:
        s.get_one(Graduate, g3).unsubscribed = True
    asked = [g0, g1, g3]
    with c.sessions() as s:
        chunked = load_audience(s, c, graduate_ids=asked)
        one_pass = load_audience(s, c, graduate_ids=asked, whole_school=0)
    assert one_pass == chunked
    assert sorted(one_pass.graduates) == [g0, g1] and one_pass.unsubscribed == {g3}
    assert [o.channel for o in one_pass.graduates[g1]] == [ChannelKind.WECHAT_MP, ChannelKind.ONEBOT]
