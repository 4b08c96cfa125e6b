"""The school's structure: colleges, majors (with catalogue codes), classes and their counselor."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped

if TYPE_CHECKING:
    from models.people import StaffUser


class College(Timestamped, Base):
    __tablename__ = "colleges"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)

    majors: Mapped[list[Major]] = relationship(back_populates="college")


class Major(Timestamped, Base):
    """A major as the national catalogue defines it: 专业代码 (6), 专业类 (4) and 门类/大类 (2)."""

    __tablename__ = "majors"
    __table_args__ = (sa.UniqueConstraint("college_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    college_id: Mapped[int] = mapped_column(sa.ForeignKey("colleges.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(8), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    class_code: Mapped[str] = mapped_column(sa.String(8))  # 专业类 code, e.g. 1011
    class_name: Mapped[str] = mapped_column(sa.String(64))  # 专业类, e.g. 护理学类
    category_code: Mapped[str] = mapped_column(sa.String(4))  # 门类 / 专科大类 code, e.g. 10
    category_name: Mapped[str] = mapped_column(sa.String(64))  # e.g. 医学
    level: Mapped[int] = mapped_column(sa.SmallInteger)  # EducationLevel of the programme

    college: Mapped[College] = relationship(back_populates="majors")


class SchoolClass(Timestamped, Base):
    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    college_id: Mapped[int] = mapped_column(sa.ForeignKey("colleges.id"), index=True)
    major_id: Mapped[int | None] = mapped_column(sa.ForeignKey("majors.id"))
    cohort: Mapped[int] = mapped_column(sa.SmallInteger)  # 届别, the graduation year
    counselor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id"), index=True)

    counselor: Mapped[StaffUser | None] = relationship()
