"""Which graduates a staff command is about: the whole scope, some classes ("计应2201、计应2202") or a major
("护理专业"), always inside the staff member's own scope (bot.access.rules): what they may not see is "not found"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.access.queries import class_scope, graduate_scope
from bot.access.rules import StaffPrincipal
from bot.dialogue import TargetKind
from bot.domain import Role
from models import College, Graduate, Major, SchoolClass


@dataclass
class Target:
    label: str
    conds: list[ColumnElement[bool]] = field(default_factory=list)  # on graduates
    class_ids: list[int] = field(default_factory=list)  # classes concerned (their group chats get broadcasts)
    error: str | None = None


def _everyone(session: Session, principal: StaffPrincipal) -> Target:
    if principal.role is Role.ADMIN:
        label = "全校"
    elif principal.role is Role.COLLEGE:
        label = session.scalar(sa.select(College.name).where(College.id == principal.college_id)) or "本学院"
    else:
        label = "你负责的班级"
    ids = list(session.scalars(sa.select(SchoolClass.id).where(class_scope(principal)).order_by(SchoolClass.name)))
    return Target(label, [graduate_scope(principal)], ids)


def _classes(session: Session, principal: StaffPrincipal, text: str) -> Target:
    names = [n.strip() for n in re.split(r"[、,，和及与\s]+", text) if n.strip()]
    found: dict[str, int] = {}
    missing: list[str] = []
    for name in names:
        spellings = {name, name.removesuffix("班"), name + "班"}
        row = session.execute(
            sa.select(SchoolClass.id, SchoolClass.name).where(SchoolClass.name.in_(spellings), class_scope(principal))
        ).first()
        if row is None:
            missing.append(name)
        else:
            found[row[1]] = row[0]
    if missing:
        return Target(text, error=f"没有找到你负责的班级：{'、'.join(missing)}。请核对班级名称，如“计应2201”。")
    ids = list(found.values())
    return Target("、".join(found), [graduate_scope(principal), Graduate.class_id.in_(ids)], ids)


def _major(session: Session, principal: StaffPrincipal, text: str) -> Target:
    name = text.removesuffix("专业").strip()
    majors = list(session.scalars(sa.select(Major.id).where(sa.or_(Major.name == name, Major.class_name == name))))
    if not majors:
        majors = list(session.scalars(sa.select(Major.id).where(Major.name.contains(name, autoescape=True))))
    conds = [graduate_scope(principal), Graduate.major_id.in_(majors)]
    seen = session.scalar(sa.select(sa.func.count()).select_from(Graduate).where(*conds)) if majors else 0
    if not seen:
        return Target(text, error=f"没有找到你负责的“{name}”专业的同学。")
    ids = list(
        session.scalars(
            sa.select(SchoolClass.id).where(
                class_scope(principal),
                SchoolClass.id.in_(sa.select(Graduate.class_id).where(*conds).distinct()),
            )
        )
    )
    return Target(f"{name}专业", conds, ids)


def resolve(session: Session, principal: StaffPrincipal, text: str | None, kind: TargetKind | None = None) -> Target:
    if kind is TargetKind.ALL or not text or not text.strip():
        return _everyone(session, principal)
    text = text.strip()
    if kind is TargetKind.MAJOR or text.endswith("专业"):
        return _major(session, principal, text)
    return _classes(session, principal, text)
