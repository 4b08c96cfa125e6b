from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import Capabilities, ChannelKind
from bot.push.planner import Action, ChannelOption, Mode, PushKind, QuietHours, plan

SH = ZoneInfo("Asia/Shanghai")
QUIET = QuietHours(time(22, 0), time(8, 0), SH)
WECHAT = Capabilities(
    passive_reply_window_s=5, can_push_user=True, can_push_group=False, user_push_window_s=48 * 3600, per_window_limit=5
)
WECOM = Capabilities(passive_reply_window_s=5, can_push_user=True, can_push_group=True)
ONEBOT = Capabilities(passive_reply_window_s=5, can_push_user=True, can_push_group=True)
QQBOT = Capabilities(passive_reply_window_s=None, can_push_user=False, can_push_group=False, reply_only_window_s=3600)
WEB = Capabilities(passive_reply_window_s=30, can_push_user=False, can_push_group=False)


def at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=SH).astimezone(UTC)


def wechat(last: datetime | None, sent: int = 0, template: bool = False) -> ChannelOption:
    return ChannelOption(ChannelKind.WECHAT_MP, "gzh", "openid-1", WECHAT, last, sent, True, template)


def test_unsubscribed_gets_nothing() -> None:
    d = plan(PushKind.CHECKIN, [wechat(at(9))], now=at(10), quiet=QUIET, unsubscribed=True)
    assert d.action is Action.DROP


def test_wechat_customer_service_inside_48h_window() -> None:
    d = plan(PushKind.NEW_MATCHES, [wechat(at(9, day=1))], now=at(10), quiet=QUIET, unsubscribed=False)
    assert (d.action, d.mode, d.not_before) == (Action.SEND, Mode.CUSTOMER_SERVICE, None)


def test_wechat_window_expired_falls_back_to_template_or_phone() -> None:
    old = at(9) - timedelta(hours=49)
    assert plan(PushKind.CHECKIN, [wechat(old)], now=at(10), quiet=QUIET, unsubscribed=False).action is Action.PHONE
    d = plan(PushKind.CHECKIN, [wechat(old, template=True)], now=at(10), quiet=QUIET, unsubscribed=False)
    assert (d.action, d.mode) == (Action.SEND, Mode.TEMPLATE)


def test_wechat_window_quota_used_up() -> None:
    d = plan(PushKind.CHECKIN, [wechat(at(9), sent=5)], now=at(10), quiet=QUIET, unsubscribed=False)
    assert d.action is Action.PHONE


def test_quiet_hours_hold_until_eight_local() -> None:
    option = ChannelOption(ChannelKind.WECOM, "school", "zhangsan", WECOM)
    d = plan(PushKind.CHECKIN, [option], now=at(23, 30), quiet=QUIET, unsubscribed=False)
    assert d.action is Action.SEND and d.not_before == at(8, day=3)
    early = plan(PushKind.CHECKIN, [option], now=at(7, 59), quiet=QUIET, unsubscribed=False)
    assert early.not_before == at(8)
    assert plan(PushKind.CHECKIN, [option], now=at(8), quiet=QUIET, unsubscribed=False).not_before is None


def test_window_checked_at_the_time_of_sending_not_now() -> None:
    # Inside the window at 23:00 but it closes before quiet hours end at 08:00.
    last = at(23, day=1) - timedelta(hours=47, minutes=30)
    d = plan(PushKind.CHECKIN, [wechat(last)], now=at(23, day=1), quiet=QUIET, unsubscribed=False)
    assert d.action is Action.PHONE


def test_never_active_push_on_official_qq_bot_or_web() -> None:
    options = [
        ChannelOption(ChannelKind.QQBOT, "official", "u1", QQBOT, at(9)),
        ChannelOption(ChannelKind.WEB, "demo", "w1", WEB, at(9)),
    ]
    assert plan(PushKind.NEW_MATCHES, options, now=at(10), quiet=QUIET, unsubscribed=False).action is Action.PHONE


def test_prefers_channels_that_reach_at_any_time() -> None:
    options = [wechat(at(9)), ChannelOption(ChannelKind.ONEBOT, "qq", "10001", ONEBOT)]
    d = plan(PushKind.CHECKIN, options, now=at(10), quiet=QUIET, unsubscribed=False)
    assert d.option is not None and d.option.channel is ChannelKind.ONEBOT and d.mode is Mode.PRIVATE


def test_platform_unfollow_is_respected() -> None:
    gone = ChannelOption(ChannelKind.WECOM, "school", "zhangsan", WECOM, subscribed=False)
    assert plan(PushKind.CHECKIN, [gone], now=at(10), quiet=QUIET, unsubscribed=False).action is Action.PHONE


def test_quiet_hours_that_do_not_wrap_midnight() -> None:
    lunch = QuietHours(time(12, 0), time(13, 30), SH)
    assert lunch.contains(at(12, 15)) and not lunch.contains(at(13, 30))
    assert lunch.next_end(at(12, 15)) == at(13, 30)
