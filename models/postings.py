"""Employers and their open positions (用人单位岗位需求台账)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.domain import PostingStatus, ReviewState
from models.base import Base, JSONType, Timestamped, str_enum


class Employer(Timestamped, Base):
    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(128), unique=True)
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), unique=True)  # 统一社会信用代码
    nature_code: Mapped[str | None] = mapped_column(sa.String(4))  # 单位性质
    industry_code: Mapped[str | None] = mapped_column(sa.String(4))  # 单位行业
    adcode: Mapped[str | None] = mapped_column(sa.String(6))


class Posting(Timestamped, Base):
    __tablename__ = "postings"
    __table_args__ = (sa.Index("ix_postings_status_review", "status", "review_state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Upsert key: the sheet's 岗位编号 if it has one, else a digest of employer + title + place.
    posting_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(128))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    place_text: Mapped[str] = mapped_column(sa.String(64), default="")
    adcode: Mapped[str | None] = mapped_column(sa.String(6), index=True)  # None with nationwide = 全国
    nationwide: Mapped[bool] = mapped_column(default=False)
    industry_code: Mapped[str | None] = mapped_column(sa.String(4))
    majors_any: Mapped[bool] = mapped_column(default=True)
    accepted_majors: Mapped[list[str]] = mapped_column(JSONType, default=list)
    majors_text: Mapped[str] = mapped_column(sa.String(256), default="")
    min_education: Mapped[int] = mapped_column(sa.SmallInteger, default=0)  # EducationLevel
    salary_min: Mapped[int | None]  # yuan per month
    salary_max: Mapped[int | None]
    salary_months: Mapped[int | None] = mapped_column(sa.SmallInteger)
    salary_text: Mapped[str] = mapped_column(sa.String(64), default="")
    headcount: Mapped[int] = mapped_column(default=1)
    deadline: Mapped[date | None] = mapped_column(index=True)
    published_on: Mapped[date | None]
    contact: Mapped[str | None] = mapped_column(sa.String(128))
    source: Mapped[str] = mapped_column(sa.String(32), default="import")
    source_url: Mapped[str | None] = mapped_column(sa.String(512))
    review_state: Mapped[ReviewState] = mapped_column(str_enum(ReviewState), default=ReviewState.PENDING)
    review_note: Mapped[str | None] = mapped_column(sa.Text)
    # Why a posting needs a human look, e.g. {"discrimination": ["限男性"]}.
    flags: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[PostingStatus] = mapped_column(str_enum(PostingStatus), default=PostingStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id"))

    employer: Mapped[Employer] = relationship()
