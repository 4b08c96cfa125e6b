"""What the inbound pipeline hands the responder, and the small helpers the pipeline shares."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.domain import InboundMessage, OutboundMessage
from models import ChannelIdentity

if TYPE_CHECKING:
    from bot.bootstrap import Container


class ResponderContext:
    """What the responder may use: the open transaction, the container, the message and its sender's identity.

    The ORM session and the identity row are created on first use, inside the pipeline's transaction: a reply
    that needs neither costs no extra work, and whatever the responder writes commits with the dedupe row.
    """

    def __init__(
        self, conn: sa.Connection, container: Container, msg: InboundMessage, identity_id: int, now: datetime
    ) -> None:
        self.conn = conn
        self.container = container
        self.msg = msg
        self.identity_id = identity_id
        self.now = now
        # Set by the responder for the conversation log: the parsed intent, and the inbound text as it may be
        # stored when it held a secret (a binding secret masked).
        self.intent: str | None = None
        self.log_text: str | None = None
        self._session: Session | None = None
        self._identity: ChannelIdentity | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            # Joins the open transaction; the pipeline, not the session, commits or rolls it back.
            self._session = self.container.sessions(bind=self.conn, join_transaction_mode="rollback_only")
        return self._session

    @property
    def identity(self) -> ChannelIdentity:
        if self._identity is None:
            self._identity = self.session.get(ChannelIdentity, self.identity_id, populate_existing=True)
            assert self._identity is not None, "the identity was upserted in this transaction"
        return self._identity

    def finish(self, graduate_before: int | None) -> int | None:
        """Write what the responder changed; the graduate bound to the sender now (it may have just bound)."""
        if self._session is None:
            return graduate_before
        self._session.flush()
        graduate_id = graduate_before if self._identity is None else self._identity.graduate_id
        self._session.close()
        return graduate_id


class Responder(Protocol):
    def respond(self, ctx: ResponderContext) -> list[OutboundMessage]:
        """Replies to one message, in order; state changes go into ctx.session (they commit with the dedupe row)."""
        ...


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
