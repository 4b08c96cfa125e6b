"""Classes in the caller's scope, each with its head-counts ("班班清")."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter
from sqlalchemy.orm import Session, joinedload

from api.deps import ContainerDep, CurrentStaff, SessionDep
from api.schemas.common import Ref
from api.schemas.staff import ClassOut
from bot.access.queries import class_scope, graduate_scope, hardship_expr, placed_codes
from bot.access.rules import StaffPrincipal
from bot.codes.book import CodeBook
from models import College, Graduate, Major, SchoolClass

router = APIRouter(prefix="/classes", tags=["班级"])


def _counts(
    db: Session, principal: StaffPrincipal, book: CodeBook, class_ids: list[int]
) -> dict[int, tuple[int, int, int]]:
    """Per class: graduates, placed, hardship; counted in SQL so a class of any size costs one row."""
    placed = sa.func.sum(sa.case((Graduate.destination_code.in_(placed_codes(book)), 1), else_=0))
    hardship = sa.func.sum(sa.case((hardship_expr(), 1), else_=0))
    stmt = (
        sa.select(Graduate.class_id, sa.func.count(), placed, hardship)
        .where(graduate_scope(principal), Graduate.class_id.in_(class_ids))
        .group_by(Graduate.class_id)
    )
    return {int(r[0]): (int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in db.execute(stmt) if r[0] is not None}


@router.get("", responses={401: {"description": "未登录"}})
def list_classes(principal: CurrentStaff, db: SessionDep, container: ContainerDep) -> list[ClassOut]:
    """本人负责范围内的班级（管理员全校，学院用户本学院，辅导员本人班级），含毕业生、已落实和困难生人数。"""
    stmt = (
        sa.select(SchoolClass)
        .where(class_scope(principal))
        .options(joinedload(SchoolClass.counselor))
        .order_by(SchoolClass.college_id, SchoolClass.name)
    )
    classes = list(db.scalars(stmt))
    counts = _counts(db, principal, container.codebook, [c.id for c in classes])
    colleges = dict(db.execute(sa.select(College.id, College.name)).all())
    major_ids = {c.major_id for c in classes if c.major_id is not None}
    majors = dict(db.execute(sa.select(Major.id, Major.name).where(Major.id.in_(major_ids))).all())
    out = []
    for c in classes:
        total, n_placed, n_hardship = counts.get(c.id, (0, 0, 0))
        out.append(
            ClassOut(
                id=c.id,
                name=c.name,
                cohort=c.cohort,
                college=Ref(id=c.college_id, name=colleges.get(c.college_id, "")),
                major=Ref(id=c.major_id, name=majors.get(c.major_id, "")) if c.major_id is not None else None,
                counselor=Ref(id=c.counselor.id, name=c.counselor.display_name) if c.counselor else None,
                graduates=total,
                placed=n_placed,
                hardship=n_hardship,
            )
        )
    return out
