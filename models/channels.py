"""Who we talk to on which platform, what came in (dedupe) and what goes out (outbox)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain import ChannelKind
from models.base import Base, JSONType, str_enum, utcnow

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class ChannelIdentity(Base):
    """One platform user on one account, optionally bound to a graduate or a staff member."""

    __tablename__ = "channel_identities"
    __table_args__ = (
        sa.UniqueConstraint("channel", "account", "platform_user_id"),
        # A student record binds to at most one identity per channel account (NULLs do not collide).
        sa.UniqueConstraint("channel", "account", "graduate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[ChannelKind] = mapped_column(str_enum(ChannelKind))
    account: Mapped[str] = mapped_column(sa.String(64))
    platform_user_id: Mapped[str] = mapped_column(sa.String(128))
    display_name: Mapped[str | None] = mapped_column(sa.String(64))
    graduate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("graduates.id"), index=True)
    staff_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id"), index=True)
    bound_at: Mapped[datetime | None]
    last_inbound_at: Mapped[datetime | None]  # opens WeChat's 48 h customer-service window
    window_sent: Mapped[int] = mapped_column(default=0)  # active messages sent since last_inbound_at
    bind_failures: Mapped[int] = mapped_column(default=0)
    bind_locked_until: Mapped[datetime | None]
    privacy_notice_at: Mapped[datetime | None]
    subscribed: Mapped[bool] = mapped_column(default=True)  # platform-level follow/unfollow
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChannelGroup(Base):
    """A group chat (QQ group, WeCom appchat, robot) and the class or college it serves."""

    __tablename__ = "channel_groups"
    __table_args__ = (sa.UniqueConstraint("channel", "account", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[ChannelKind] = mapped_column(str_enum(ChannelKind))
    account: Mapped[str] = mapped_column(sa.String(64))
    group_id: Mapped[str] = mapped_column(sa.String(128))
    name: Mapped[str] = mapped_column(sa.String(128), default="")
    class_id: Mapped[int | None] = mapped_column(sa.ForeignKey("classes.id"), index=True)
    college_id: Mapped[int | None] = mapped_column(sa.ForeignKey("colleges.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InboundDedupe(Base):
    """One row per platform message: the durable inbox and its dedupe key.

    The unique key makes the platform's retries and a second worker a no-op. The row is written (with the message
    as `payload`) before the platform is acknowledged; `processed_at` is set by whoever processes it, in the same
    transaction as the processing, so a message is handled exactly once even if the process dies after the ack.
    """

    __tablename__ = "inbound_dedupe"
    __table_args__ = (
        sa.UniqueConstraint("channel", "account", "dedupe_key"),
        sa.Index("ix_inbound_dedupe_pending", "processed_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[ChannelKind] = mapped_column(str_enum(ChannelKind))
    account: Mapped[str] = mapped_column(sa.String(64))
    dedupe_key: Mapped[str] = mapped_column(sa.String(192))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    reply: Mapped[str | None] = mapped_column(sa.Text)  # the passive reply, repeated to the platform's retries
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSONType)  # the InboundMessage, for deferred processing
    processed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    PARKED = "parked"  # gave up after N tries or a permanent error; an admin may retry
    CANCELLED = "cancelled"


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(sa.String(192), unique=True)
    channel: Mapped[ChannelKind] = mapped_column(str_enum(ChannelKind))
    account: Mapped[str] = mapped_column(sa.String(64))
    target_kind: Mapped[str] = mapped_column(sa.String(8))  # user | group
    target_id: Mapped[str] = mapped_column(sa.String(128))
    graduate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("graduates.id"), index=True)
    staff_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id"))
    intent: Mapped[str] = mapped_column(sa.String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[OutboxStatus] = mapped_column(str_enum(OutboxStatus), default=OutboxStatus.PENDING)
    priority: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(64))
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class PlatformToken(Base):
    """An access token shared by every worker, refreshed before expiry or on the platform's expiry codes."""

    __tablename__ = "platform_tokens"
    __table_args__ = (sa.UniqueConstraint("channel", "account"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[ChannelKind] = mapped_column(str_enum(ChannelKind))
    account: Mapped[str] = mapped_column(sa.String(64))
    token: Mapped[str] = mapped_column(sa.Text)
    expires_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
