"""The durable outbound queue: rows are added in the same transaction as the change that caused them.

Each row has an idempotency key; adding a row whose key exists is a no-op (`INSERT ... ON CONFLICT DO NOTHING`
on both SQLite and PostgreSQL), so a retried request, a re-run job or a second worker never queues a message
twice. Draining (claiming due rows, sending through the channel adapters, retries, rate limits) is
`bot.outbox.worker`'s; an admin lists parked rows and sends them back to the queue with `retry`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.domain import ChannelKind
from bot.errors import Conflict, NotFound
from bot.storage import bulk
from models import OutboxMessage, OutboxStatus
from models.base import utcnow

TARGET_KINDS = ("user", "group")
STATUS_LABELS = {
    OutboxStatus.PENDING: "待发送",
    OutboxStatus.SENDING: "发送中",
    OutboxStatus.SENT: "已发送",
    OutboxStatus.PARKED: "已搁置",
    OutboxStatus.CANCELLED: "已取消",
}
MAX_KEY = 192
_COLUMNS = (
    "idempotency_key", "channel", "account", "target_kind", "target_id", "graduate_id", "staff_user_id", "intent",
    "payload", "status", "priority", "attempts", "next_attempt_at", "created_at",
)  # fmt: skip


def enqueue(
    session: Session | Connection,
    *,
    idempotency_key: str,
    channel: ChannelKind | str,
    account: str,
    target_kind: str,
    target_id: str,
    payload: Mapping[str, Any],
    intent: str,
    graduate_id: int | None = None,
    not_before: datetime | None = None,
    priority: int = 0,
    now: datetime | None = None,
) -> bool:
    """Queue one message in the caller's transaction; False when a row with this idempotency key exists."""
    if target_kind not in TARGET_KINDS:
        raise ValueError(f"target_kind must be one of {TARGET_KINDS}, not {target_kind!r}")
    if not idempotency_key or len(idempotency_key) > MAX_KEY:
        raise ValueError(f"idempotency_key must be 1-{MAX_KEY} characters")
    if not target_id:
        raise ValueError("target_id is empty")
    created = now or utcnow()
    values = {
        "idempotency_key": idempotency_key,
        "channel": ChannelKind(channel),
        "account": account,
        "target_kind": target_kind,
        "target_id": target_id,
        "graduate_id": graduate_id,
        "intent": intent,
        "payload": dict(payload),
        "status": OutboxStatus.PENDING,
        "priority": priority,
        "attempts": 0,
        "next_attempt_at": not_before or created,
        "created_at": created,
    }
    bind = session.get_bind() if isinstance(session, Session) else session
    # RETURNING rather than rowcount: psycopg reports -1 for an INSERT whose primary key comes back.
    return session.execute(_insert_one(bind.dialect.name), values).first() is not None


@cache
def _insert_one(dialect: str) -> Any:
    """Built once per dialect and executed with parameters, so that its compiled form is cached (a fresh
    `.values(...)` statement per call costs more than the insert itself)."""
    table = cast(sa.Table, OutboxMessage.__table__)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(table.c.id)


def enqueue_many(session: Session | Connection, rows: Sequence[Mapping[str, Any]], *, now: datetime) -> dict[str, int]:
    """Queue many rows in the caller's transaction (keys already queued are skipped); returns key -> id of the new."""
    table = cast(sa.Table, OutboxMessage.__table__)
    values = [_row(r, now) for r in rows]
    inserted = bulk.insert_new(session, table, values, ["idempotency_key"], ["idempotency_key", "id"])
    return {str(key): int(row_id) for key, row_id in inserted}


def _row(r: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    key = r["idempotency_key"]
    if not key or len(key) > MAX_KEY:
        raise ValueError(f"idempotency_key must be 1-{MAX_KEY} characters")
    if r.get("target_kind", "user") not in TARGET_KINDS or not r.get("target_id"):
        raise ValueError(f"bad target for {key}")
    row = {name: r.get(name) for name in _COLUMNS}
    row.update(
        channel=ChannelKind(r["channel"]),
        target_kind=r.get("target_kind", "user"),
        payload=dict(r["payload"]),
        status=OutboxStatus.PENDING,
        priority=int(r.get("priority") or 0),
        attempts=0,
        next_attempt_at=r.get("next_attempt_at") or now,
        created_at=now,
    )
    return row


def retry(session: Session, row_id: int, *, now: datetime) -> OutboxMessage:
    """Send a parked (or cancelled) row back to the queue with a fresh set of attempts."""
    row = session.get(OutboxMessage, row_id, with_for_update=True)
    if row is None:
        raise NotFound(f"发送队列中没有编号为 {row_id} 的消息")
    if row.status not in (OutboxStatus.PARKED, OutboxStatus.CANCELLED):
        raise Conflict(f"该消息当前状态为“{STATUS_LABELS[row.status]}”，只有已搁置或已取消的消息可以重发")
    row.status = OutboxStatus.PENDING
    row.attempts = 0
    row.next_attempt_at = now
    row.claimed_by = None
    row.claimed_until = None
    return row


def counts_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status))
    return {str(status.value if hasattr(status, "value") else status): int(n) for status, n in rows}
