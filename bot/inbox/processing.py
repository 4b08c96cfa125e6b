"""Processing a stored message exactly once, and the synchronous path `handle_inbound`.

`process` claims a recorded row (`UPDATE ... SET processed_at WHERE processed_at IS NULL`) and, in that same
transaction, upserts the sender's identity (their message opens WeChat's 48 h window), asks the responder for
replies, stores the passive ones for the platform's retries, queues the rest in the outbox and logs the turn.
Whoever claims first processes; everyone else gets `None` and reads the stored reply. A failure rolls the
processing back and leaves the row unprocessed (attempts and last error counted), so nothing is lost: a retry of
the same platform message or the sweeper processes it again. `passive=False` is for messages whose HTTP request is
already answered (deferred under load, or swept after a crash): every reply goes through the outbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
import structlog

from bot import outbox
from bot.channels.registry import ChannelRegistry
from bot.domain import InboundKind, InboundMessage, OutboundMessage
from bot.inbox import store
from bot.inbox.responder import Responder, ResponderContext
from bot.inbox.rows import log_rows, reply_key
from bot.inbox.store import Statements, StoreDeps, connect_immediate, statements
from bot.storage.writes import process_lock
from models import InboundDedupe

log = structlog.get_logger(__name__)


class InboxDeps(StoreDeps, Protocol):
    """What processing uses besides the store: the channel adapters and the responder (the container has them)."""

    @property
    def channels(self) -> ChannelRegistry: ...

    @property
    def responder(self) -> Responder: ...


def handle_inbound(deps: InboxDeps, msg: InboundMessage) -> list[OutboundMessage]:
    """Store and process one verified message exactly once; the passive replies (the stored ones for a duplicate).
    The synchronous path, for callers that want the replies at once; the webhooks go through `InboxRuntime`."""
    if store.ignored(msg):
        return []
    (receipt,) = store.record(deps, [msg])
    if receipt.processed:
        return receipt.stored
    replies = process(deps, receipt.dedupe_id, passive=True)
    return store.stored_reply(deps, receipt.dedupe_id) if replies is None else replies


def process(deps: InboxDeps, dedupe_id: int, *, passive: bool) -> list[OutboundMessage] | None:
    """Process one recorded message exactly once; its passive replies, or None if it was processed elsewhere."""
    now = deps.clock.now()
    try:
        with process_lock(deps.db), connect_immediate(deps.db) as conn, conn.begin():
            sql = statements(conn.dialect.name)
            row = conn.execute(sql.claim, {"row_id": dedupe_id, "now": now}).first()
            if row is None:
                return None
            if row.payload is None:  # a row from before the inbox kept payloads: nothing left to do
                return []
            msg = store.from_payload(row.payload)
            return _respond(deps, conn, sql, dedupe_id, msg, now, passive=passive)
    except Exception as exc:
        _record_failure(deps, dedupe_id, exc)
        raise


def process_in_background(deps: InboxDeps, dedupe_id: int) -> bool:
    """Process a stored message with no request waiting (replies go through the outbox); True when processed here.
    A failure is logged and left on the row (attempts, last error) for the next sweep."""
    try:
        return process(deps, dedupe_id, passive=False) is not None
    except Exception as exc:
        log.warning("inbox.process_failed", dedupe_id=dedupe_id, error=f"{type(exc).__name__}: {exc}")
        return False


def sweep(deps: InboxDeps, *, older_than_s: float, limit: int = 500) -> int:
    """Process what was stored but never processed (its process died mid-way); how many were processed here."""
    due = store.pending(deps, older_than_s=older_than_s, limit=limit)
    return sum(process_in_background(deps, dedupe_id) for dedupe_id in due)


def _respond(
    deps: InboxDeps,
    conn: sa.Connection,
    sql: Statements,
    dedupe_id: int,
    msg: InboundMessage,
    now: datetime,
    *,
    passive: bool,
) -> list[OutboundMessage]:
    adapter = deps.channels.get(msg.channel, msg.account)
    identity_id, graduate_before = _touch_identity(conn, sql, msg, now)
    ctx = ResponderContext(conn, deps.db.sessions, msg, identity_id, now)
    replies = list(deps.responder.respond(ctx))
    graduate_id = ctx.finish(graduate_before)
    limit = adapter.max_passive_replies if passive else 0
    now_replies, rest = (replies, []) if limit is None else (replies[:limit], replies[limit:])
    conn.execute(sql.store_reply, {"row_id": dedupe_id, "new_reply": store.encode(now_replies)})
    for i, payload in enumerate(adapter.reply_payloads(msg, rest) if rest else []):
        outbox.enqueue(
            conn,
            idempotency_key=reply_key(msg, i),
            channel=msg.channel,
            account=msg.account,
            target_kind="group" if msg.group_id else "user",
            target_id=msg.group_id or msg.user_id,
            payload=payload,
            intent="reply",
            graduate_id=graduate_id,
            now=now,
        )
    rows = log_rows(msg, identity_id, graduate_id, now, now_replies, rest, intent=ctx.intent, text=ctx.log_text)
    conn.execute(sql.log, rows)
    return now_replies


def _record_failure(deps: InboxDeps, dedupe_id: int, exc: BaseException) -> None:
    with process_lock(deps.db), deps.db.engine.begin() as conn:
        conn.execute(
            sa.update(InboundDedupe)
            .where(InboundDedupe.id == dedupe_id, InboundDedupe.processed_at.is_(None))
            .values(attempts=InboundDedupe.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000])
        )


def _touch_identity(conn: sa.Connection, sql: Statements, msg: InboundMessage, now: datetime) -> tuple[int, int | None]:
    """Upsert the sender (their message reopens WeChat's 48 h window); returns (identity id, graduate id)."""
    subscription = msg.kind in (InboundKind.SUBSCRIBE, InboundKind.UNSUBSCRIBE)
    params = {
        "channel": msg.channel,
        "account": msg.account,
        "platform_user_id": msg.user_id[:128],
        "last_inbound_at": now,
        "window_sent": 0,
        "bind_failures": 0,
        "subscribed": msg.kind is not InboundKind.UNSUBSCRIBE,
        "created_at": now,
    }
    row = conn.execute(sql.touch_subscription if subscription else sql.touch, params).one()
    return int(row[0]), row[1]
