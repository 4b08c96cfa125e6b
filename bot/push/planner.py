"""Push planner (pure): for one intent, which of the graduate's channels may carry it, now or when.

The rules come from the platforms (DESIGN "Channel facts") and from the school:
- 退订: nothing but answers to the graduate's own messages.
- Quiet hours (default 22:00-08:00 Asia/Shanghai) hold pushes until they end.
- WeChat Official Account: customer-service messages only within 48 h of the user's last message and only a few per
  such window; otherwise a template message (verified service accounts) that links to a /m/ page.
- WeCom app messages and OneBot private messages may be sent at any time.
- The official QQ bot never pushes (replies only), the web chat has no way to reach someone who left.
If no channel can carry the intent, the graduate goes on the counselor's "请电话联系" list.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import Capabilities, ChannelKind


class PushKind(enum.StrEnum):
    NEW_MATCHES = "new_matches"
    CHECKIN = "checkin"
    FOLLOWUP = "followup"
    DEADLINE = "deadline"
    BROADCAST = "broadcast"
    DIGEST = "digest"


class Mode(enum.StrEnum):
    """How a message travels on its channel."""

    CUSTOMER_SERVICE = "cs"  # WeChat 客服消息, inside the 48 h window
    TEMPLATE = "template"  # WeChat 模板消息, links to a /m/ page
    APP = "app"  # WeCom app message
    PRIVATE = "private"  # OneBot private message


class Action(enum.StrEnum):
    SEND = "send"
    PHONE = "phone"  # no channel can carry it: the counselor calls
    DROP = "drop"  # the graduate unsubscribed


@dataclass(frozen=True, slots=True)
class ChannelOption:
    """One channel identity a graduate is bound to, with what the planner needs to know about it."""

    channel: ChannelKind
    account: str
    target_id: str
    capabilities: Capabilities
    last_inbound_at: datetime | None = None
    window_sent: int = 0
    subscribed: bool = True
    template_ready: bool = False  # WeChat: a template id is configured for this kind of message


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: time
    end: time
    tz: ZoneInfo

    def contains(self, when: datetime) -> bool:
        local = when.astimezone(self.tz).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_end(self, when: datetime) -> datetime:
        """The first moment at or after `when` that is outside quiet hours."""
        if not self.contains(when):
            return when
        local = when.astimezone(self.tz)
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(when.tzinfo)


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    reason: str
    option: ChannelOption | None = None
    mode: Mode | None = None
    not_before: datetime | None = None


# Preference order when several channels can carry a message: the ones that reach a person at any time first.
_ORDER = {ChannelKind.WECOM: 0, ChannelKind.ONEBOT: 1, ChannelKind.WECHAT_MP: 2}


def plan(
    kind: PushKind,
    options: list[ChannelOption],
    *,
    now: datetime,
    quiet: QuietHours,
    unsubscribed: bool,
) -> Decision:
    if unsubscribed:
        return Decision(Action.DROP, "已退订：只回答本人消息，不主动推送")
    send_at = quiet.next_end(now)
    held = send_at > now
    for option in sorted(options, key=lambda o: (_ORDER.get(o.channel, 9), o.channel.value, o.account)):
        mode = _mode_for(option, send_at)
        if mode is not None:
            reason = f"{_LABEL[option.channel]}（{_MODE_LABEL[mode]}）"
            if held:
                reason += "，免打扰时段结束后发送"
            return Decision(Action.SEND, reason, option, mode, send_at if held else None)
    if not options:
        return Decision(Action.PHONE, "未绑定任何可推送的渠道，请电话联系")
    return Decision(Action.PHONE, "已绑定的渠道此时都不能主动推送（如微信 48 小时窗口已过），请电话联系")


def _mode_for(option: ChannelOption, at: datetime) -> Mode | None:
    caps = option.capabilities
    if not option.subscribed or not caps.can_push_user:
        return None
    if option.channel is ChannelKind.WECHAT_MP:
        if _in_window(option, at):
            return Mode.CUSTOMER_SERVICE
        return Mode.TEMPLATE if option.template_ready else None
    if caps.user_push_window_s is not None and not _in_window(option, at):
        return None
    if option.channel is ChannelKind.WECOM:
        return Mode.APP
    if option.channel is ChannelKind.ONEBOT:
        return Mode.PRIVATE
    return None


def _in_window(option: ChannelOption, at: datetime) -> bool:
    caps = option.capabilities
    if caps.user_push_window_s is None:
        return True
    if option.last_inbound_at is None:
        return False
    if at - option.last_inbound_at >= timedelta(seconds=caps.user_push_window_s):
        return False
    return caps.per_window_limit is None or option.window_sent < caps.per_window_limit


_LABEL = {
    ChannelKind.WECHAT_MP: "微信公众号",
    ChannelKind.WECOM: "企业微信",
    ChannelKind.WECOM_BOT: "企业微信群机器人",
    ChannelKind.ONEBOT: "QQ",
    ChannelKind.QQBOT: "QQ 官方机器人",
    ChannelKind.WEB: "网页聊天",
}
_MODE_LABEL = {
    Mode.CUSTOMER_SERVICE: "客服消息",
    Mode.TEMPLATE: "模板消息",
    Mode.APP: "应用消息",
    Mode.PRIVATE: "私聊",
}
