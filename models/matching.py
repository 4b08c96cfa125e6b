"""Match runs, the matches they produced (with score parts and reasons), shortfalls and feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain import FeedbackKind
from models.base import Base, JSONType, str_enum, utcnow
from models.channels import BigId


class MatchRun(Base):
    __tablename__ = "match_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(sa.String(16))  # batch | nightly | incremental
    scope: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # weights, k, capacity factor
    status: Mapped[str] = mapped_column(sa.String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    duration_ms: Mapped[int | None]
    graduates: Mapped[int] = mapped_column(default=0)
    postings: Mapped[int] = mapped_column(default=0)
    matches: Mapped[int] = mapped_column(default=0)
    shortfalls: Mapped[int] = mapped_column(default=0)
    counts: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # e.g. per relaxation step
    error: Mapped[str | None] = mapped_column(sa.Text)


class Match(Base):
    __tablename__ = "matches"
    __table_args__ = (sa.Index("ix_matches_graduate_active", "graduate_id", "active"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("match_runs.id", ondelete="CASCADE"), index=True)
    graduate_id: Mapped[int] = mapped_column(sa.ForeignKey("graduates.id"))
    posting_id: Mapped[int] = mapped_column(sa.ForeignKey("postings.id"), index=True)
    rank: Mapped[int] = mapped_column(sa.SmallInteger)
    score: Mapped[float]
    parts: Mapped[dict[str, Any]] = mapped_column(JSONType)  # named score parts
    relax_step: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    reason: Mapped[str] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True)  # part of the graduate's current list
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    pushed_at: Mapped[datetime | None]


class MatchShortfall(Base):
    """岗位不足: a graduate for whom even the last relaxation step found fewer than K postings."""

    __tablename__ = "match_shortfalls"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("match_runs.id", ondelete="CASCADE"), index=True)
    graduate_id: Mapped[int] = mapped_column(sa.ForeignKey("graduates.id"), index=True)
    found: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(256))


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    graduate_id: Mapped[int] = mapped_column(sa.ForeignKey("graduates.id"), index=True)
    posting_id: Mapped[int] = mapped_column(sa.ForeignKey("postings.id"), index=True)
    kind: Mapped[FeedbackKind] = mapped_column(str_enum(FeedbackKind))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    reason_tags: Mapped[list[str]] = mapped_column(JSONType, default=list)  # e.g. ["too_far", "salary"]
    channel: Mapped[str | None] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
