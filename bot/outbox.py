"""The durable outbound queue: rows are added in the same transaction as the change that caused them.

Each row has an idempotency key; adding a row whose key exists is a no-op (`INSERT ... ON CONFLICT DO NOTHING`
on both SQLite and PostgreSQL), so a retried request, a re-run job or a second worker never queues a message
twice. Draining (claiming due rows, sending through the channel adapters, retries, rate limits) is the worker's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.domain import ChannelKind
from models import OutboxMessage, OutboxStatus
from models.base import utcnow

TARGET_KINDS = ("user", "group")
MAX_KEY = 192


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
    insert = postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(OutboxMessage.id)
    )
    # RETURNING rather than rowcount: psycopg reports -1 for an INSERT whose primary key comes back.
    return session.execute(stmt).first() is not None
