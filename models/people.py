"""Graduates with their wishes, and the staff who follow them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.domain import Role
from models.base import Base, JSONType, Timestamped, str_enum, utcnow
from models.org import College, Major, SchoolClass


class Graduate(Timestamped, Base):
    __tablename__ = "graduates"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_no: Mapped[str] = mapped_column(sa.String(32), unique=True)  # 学号
    exam_no: Mapped[str | None] = mapped_column(sa.String(32))  # 考生号
    name: Mapped[str] = mapped_column(sa.String(64))
    # Kept for national reporting only; matching never reads it (就业歧视 is unlawful).
    gender: Mapped[str | None] = mapped_column(sa.String(4))
    education: Mapped[int] = mapped_column(sa.SmallInteger)  # EducationLevel
    cohort: Mapped[int] = mapped_column(sa.SmallInteger, index=True)  # 届别
    college_id: Mapped[int] = mapped_column(sa.ForeignKey("colleges.id"), index=True)
    major_id: Mapped[int] = mapped_column(sa.ForeignKey("majors.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(sa.ForeignKey("classes.id"), index=True)
    origin_adcode: Mapped[str | None] = mapped_column(sa.String(6))  # 生源地
    hardship_mask: Mapped[int] = mapped_column(sa.SmallInteger, default=0)  # 困难生类别 bitmask
    flag_poverty: Mapped[bool] = mapped_column(default=False)  # 脱贫家庭 (建档立卡)
    flag_dibao: Mapped[bool] = mapped_column(default=False)  # 低保家庭
    flag_zero_employment: Mapped[bool] = mapped_column(default=False)  # 零就业家庭
    flag_disability: Mapped[bool] = mapped_column(default=False)  # 残疾
    # Personal data encrypted at rest (Fernet); only the binding check and authorised staff decrypt.
    phone_enc: Mapped[str | None] = mapped_column(sa.Text)
    id_number_enc: Mapped[str | None] = mapped_column(sa.Text)
    bind_secret_digest: Mapped[str | None] = mapped_column(sa.String(64))  # HMAC-SHA256, never the secret
    consent_at: Mapped[datetime | None]
    consent_version: Mapped[str | None] = mapped_column(sa.String(16))
    unsubscribed: Mapped[bool] = mapped_column(default=False)  # 退订: answers only, no pushes
    # Current status (latest row of status_history, kept here for fast class/college counts).
    destination_code: Mapped[str | None] = mapped_column(sa.String(8), index=True)
    unplaced_reason: Mapped[str | None] = mapped_column(sa.String(32))
    employer_name: Mapped[str | None] = mapped_column(sa.String(128))
    status_updated_at: Mapped[datetime | None]
    status_verified: Mapped[bool] = mapped_column(default=False)
    unplaced_since: Mapped[date | None]
    needs_attention: Mapped[bool] = mapped_column(default=False)  # e.g. said 不想找了

    college: Mapped[College] = relationship()
    major: Mapped[Major] = relationship()
    school_class: Mapped[SchoolClass | None] = relationship()
    preference: Mapped[GraduatePreference | None] = relationship(back_populates="graduate", uselist=False)

    @property
    def is_hardship(self) -> bool:
        return bool(
            self.hardship_mask
            or self.flag_poverty
            or self.flag_dibao
            or self.flag_zero_employment
            or self.flag_disability
        )


class GraduatePreference(Base):
    """求职意向: lists of codes and words; empty means no preference on that dimension."""

    __tablename__ = "graduate_preferences"

    graduate_id: Mapped[int] = mapped_column(sa.ForeignKey("graduates.id", ondelete="CASCADE"), primary_key=True)
    city_adcodes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    province_adcodes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    any_place: Mapped[bool] = mapped_column(default=False)
    industry_codes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    positions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    skills: Mapped[list[str]] = mapped_column(JSONType, default=list)
    salary_min: Mapped[int | None]
    employer_natures: Mapped[list[str]] = mapped_column(JSONType, default=list)
    raw_text: Mapped[str | None] = mapped_column(sa.Text)
    source: Mapped[str] = mapped_column(sa.String(16), default="import")
    confirmed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    graduate: Mapped[Graduate] = relationship(back_populates="preference")


class StaffUser(Timestamped, Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(64))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    college_id: Mapped[int | None] = mapped_column(sa.ForeignKey("colleges.id"))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]


class StaffToken(Base):
    """A login session (cookie) or an API token (bearer); only a digest of the token is stored."""

    __tablename__ = "staff_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # session | api
    name: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    user: Mapped[StaffUser] = relationship()
