"""What the pipeline writes besides the message itself: conversation-log rows and the keys of replies and dedupe."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.domain import InboundMessage, OutboundMessage


def log_rows(
    msg: InboundMessage,
    identity_id: int,
    graduate_id: int | None,
    now: datetime,
    passive: Sequence[OutboundMessage],
    queued: Sequence[OutboundMessage],
    *,
    intent: str | None = None,
    text: str | None = None,
) -> list[dict[str, Any]]:
    common = {
        "channel": msg.channel.value,
        "account": msg.account,
        "identity_id": identity_id,
        "graduate_id": graduate_id,
        "group_id": msg.group_id,
        "created_at": now,
        "intent": None,
    }
    data_in = compact({"kind": msg.kind.value, "msg_id": msg.msg_id, "event_key": msg.event_key})
    text_in = text if text is not None else msg.text
    text_in = text_in or f"[{msg.kind.value}{':' + msg.event_key if msg.event_key else ''}]"
    rows = [{**common, "intent": intent, "direction": "in", "text": text_in, "data": data_in}]
    for via, replies in (("passive", passive), ("outbox", queued)):
        rows += [{**common, "direction": "out", "text": r.text, "data": {"via": via}} for r in replies]
    return rows


def reply_key(msg: InboundMessage, index: int) -> str:
    digest = hashlib.sha256(f"{msg.channel.value}|{msg.account}|{msg.dedupe_key}".encode()).hexdigest()[:40]
    return f"reply:{digest}:{index}"


def bounded_key(key: str, limit: int = 192) -> str:
    """The dedupe key as stored: a longer one keeps its head and a digest of the whole, so keys never collide."""
    if len(key) <= limit:
        return key
    return key[: limit - 41] + "#" + hashlib.sha1(key.encode()).hexdigest()  # noqa: S324 (an identifier, not a secret)


def compact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}
