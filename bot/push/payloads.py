"""Outbox payloads of planned pushes (pure): one channel-neutral message, rendered for the mode the planner chose.

A planned row keeps its neutral content (`text`, `title`, `url`) plus `kind` and `mode`, so that the outbox can
re-plan it at send time (the WeChat window closed, the graduate unbound a channel) and render it again for another
channel or mode without going back to whoever planned it. Adapters ignore the keys they do not know.

WeChat template messages need a template registered in the account's backend; jiuye fills the classic industry
template fields `first`, `keyword1`, `keyword2` and `remark` (each value short: WeChat truncates long fields).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.push.planner import Mode, PushKind

# Pushes the outbox may re-plan at send time; everything else (replies, group notices) goes out as queued.
PLANNED_INTENTS = frozenset(k.value for k in PushKind)
TEMPLATE_FIELD_CHARS = 20

# Which configured WeChat template carries which kind of push (None: no template fits, e.g. the staff digest).
TEMPLATE_FOR: dict[PushKind, str | None] = {
    PushKind.NEW_MATCHES: "matches",
    PushKind.DEADLINE: "matches",
    PushKind.BROADCAST: "matches",
    PushKind.CHECKIN: "checkin",
    PushKind.FOLLOWUP: "checkin",
    PushKind.DIGEST: None,
}

# Check-ins ask for an answer in the chat: their /m link is only worth its signing where the message itself is a
# link (a WeChat template message); new matches and reminders always link to the list.
LINK_ONLY_IN_TEMPLATE = frozenset({PushKind.CHECKIN, PushKind.FOLLOWUP})

# Higher first. Replies to a person's own message (0, the default) go before any planned push; hardship
# graduates' pushes before the others'.
PRIORITY_HARDSHIP = -1
PRIORITY_NORMAL = -2


@dataclass(frozen=True, slots=True)
class PushMessage:
    """What a push says, whatever carries it; `summary` is the short line a template field can hold."""

    text: str
    title: str
    summary: str
    url: str | None = None


def wants_link(kind: PushKind, mode: Mode) -> bool:
    return kind not in LINK_ONLY_IN_TEMPLATE or mode is Mode.TEMPLATE


def payload_for(
    kind: PushKind, mode: Mode, msg: PushMessage, *, template_id: str | None, when: str, page: str | None = None
) -> dict[str, Any]:
    """The outbox payload of `msg` in `mode`; `when` is the local time shown in a template message, `page` the
    /m page the message links to (kept so that a re-planned row can link it again)."""
    payload: dict[str, Any] = {"kind": kind.value, "mode": mode.value, "text": msg.text, "title": msg.title}
    payload["summary"] = msg.summary
    if page:
        payload["page"] = page
    if msg.url:
        payload["url"] = msg.url
    if mode is Mode.TEMPLATE:
        if not template_id:
            raise ValueError("a template message needs a template id")
        payload["template_id"] = template_id
        payload["data"] = template_data(msg, when)
    if mode is Mode.APP:
        # WeCom drops an identical message to the same member within the interval: a resend after a crash
        # between send and record is then dropped by the platform (see bot.outbox.worker).
        payload["duplicate_check"] = True
    return payload


def message_of(payload: Mapping[str, Any]) -> PushMessage:
    """The neutral message a planned payload was rendered from."""
    return PushMessage(
        text=str(payload.get("text") or ""),
        title=str(payload.get("title") or ""),
        summary=str(payload.get("summary") or payload.get("title") or ""),
        url=payload.get("url") or None,
    )


def template_data(msg: PushMessage, when: str) -> dict[str, dict[str, str]]:
    return {
        "first": {"value": _short(msg.title)},
        "keyword1": {"value": _short(msg.summary)},
        "keyword2": {"value": when},
        "remark": {"value": "点击查看详情"},
    }


def local_stamp(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEMPLATE_FIELD_CHARS else text[: TEMPLATE_FIELD_CHARS - 1] + "…"
