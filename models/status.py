"""毕业去向 history and the check-in schedule that keeps it fresh ("班班清、日日清")."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain import StatusSource
from models.base import Base, str_enum, utcnow


class StatusRecord(Base):
    __tablename__ = "status_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    graduate_id: Mapped[int] = mapped_column(sa.ForeignKey("graduates.id"), index=True)
    destination_code: Mapped[str] = mapped_column(sa.String(8))
    unplaced_reason: Mapped[str | None] = mapped_column(sa.String(32))  # for 70/71/72
    employer_name: Mapped[str | None] = mapped_column(sa.String(128))
    employer_credit_code: Mapped[str | None] = mapped_column(sa.String(18))
    employer_nature_code: Mapped[str | None] = mapped_column(sa.String(4))
    industry_code: Mapped[str | None] = mapped_column(sa.String(4))
    place_adcode: Mapped[str | None] = mapped_column(sa.String(6))
    place_text: Mapped[str | None] = mapped_column(sa.String(64))
    study_country: Mapped[str | None] = mapped_column(sa.String(32))  # 留学国家地区
    source: Mapped[StatusSource] = mapped_column(str_enum(StatusSource))
    verified: Mapped[bool] = mapped_column(default=False)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id"))
    verified_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(sa.Text)
    code_version: Mapped[str] = mapped_column(sa.String(16))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CheckinSchedule(Base):
    __tablename__ = "checkin_schedule"

    graduate_id: Mapped[int] = mapped_column(sa.ForeignKey("graduates.id", ondelete="CASCADE"), primary_key=True)
    next_due_at: Mapped[datetime] = mapped_column(index=True)
    cadence_days: Mapped[int]
    unanswered: Mapped[int] = mapped_column(default=0)
    last_sent_at: Mapped[datetime | None]
    last_answered_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]


class Checkin(Base):
    """One status question asked; `period_key` makes "check-in for G in week W" happen once."""

    __tablename__ = "checkins"
    __table_args__ = (sa.UniqueConstraint("graduate_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    graduate_id: Mapped[int] = mapped_column(sa.ForeignKey("graduates.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # checkin | followup
    period_key: Mapped[str] = mapped_column(sa.String(48))
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    channel: Mapped[str | None] = mapped_column(sa.String(16))  # None: put on the phone list
    outbox_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
