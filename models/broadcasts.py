"""Broadcasts counselors schedule for later: what to send, to which classes (their groups and/or graduates), when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, utcnow


class ScheduledBroadcast(Base):
    __tablename__ = "scheduled_broadcasts"
    __table_args__ = (sa.Index("ix_scheduled_broadcasts_due", "status", "send_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_users.id"), index=True)
    title: Mapped[str | None] = mapped_column(sa.String(64))
    text: Mapped[str] = mapped_column(sa.Text)
    posting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("postings.id"))
    class_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    to_groups: Mapped[bool] = mapped_column(default=True)  # the classes' group chats
    to_graduates: Mapped[bool] = mapped_column(default=True)  # each unplaced graduate of the classes, planned
    send_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(sa.String(16), default="scheduled")  # scheduled | done | cancelled
    result: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # counts once sent
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
