"""What was said (conversation log), where each conversation stands (state), and the counselors' FAQ."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, utcnow
from models.channels import BigId


class ConversationLog(Base):
    __tablename__ = "conversation_log"
    __table_args__ = (sa.Index("ix_conversation_log_graduate_at", "graduate_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(16))
    account: Mapped[str] = mapped_column(sa.String(64))
    identity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("channel_identities.id"), index=True)
    graduate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("graduates.id"))
    group_id: Mapped[str | None] = mapped_column(sa.String(128))
    direction: Mapped[str] = mapped_column(sa.String(3))  # in | out
    text: Mapped[str] = mapped_column(sa.Text)
    intent: Mapped[str | None] = mapped_column(sa.String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationState(Base):
    """Where a conversation stands; keyed by graduate once bound so it follows them across channels."""

    __tablename__ = "conversation_states"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # g:<graduate id> | i:<identity id>
    flow: Mapped[str | None] = mapped_column(sa.String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    expires_at: Mapped[datetime | None]


class FaqEntry(Base):
    __tablename__ = "faq"

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(sa.Text)
    answer: Mapped[str] = mapped_column(sa.Text)
    keywords: Mapped[str] = mapped_column(sa.String(256), default="")
    college_id: Mapped[int | None] = mapped_column(sa.ForeignKey("colleges.id"))
    active: Mapped[bool] = mapped_column(default=True)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
