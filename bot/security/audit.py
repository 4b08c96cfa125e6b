"""Audit trail: every write by staff or by an operator at the command line is recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models import AuditLog
from models.base import utcnow


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    actor_user_id: int | None = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
    at: datetime | None = None,
) -> AuditLog:
    """Add an audit row to the caller's transaction, so it commits or rolls back with the change it describes."""
    row = AuditLog(
        at=at or utcnow(),
        actor=actor,
        actor_user_id=actor_user_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        detail=detail or {},
        ip=ip,
    )
    session.add(row)
    return row
