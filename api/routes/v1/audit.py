"""The audit log, for admins: every write by staff and by the command line, newest first."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query

from api.deps import SessionDep, require_roles
from api.schemas.audit import AuditFilters, AuditOut
from api.schemas.common import Page
from bot.access.rules import StaffPrincipal
from bot.domain import Role
from models import AuditLog

router = APIRouter(prefix="/audit", tags=["审计日志"])

AdminOnly = Annotated[StaffPrincipal, Depends(require_roles(Role.ADMIN))]


def _conditions(f: AuditFilters) -> list[sa.ColumnElement[bool]]:
    conds: list[sa.ColumnElement[bool]] = []
    if f.actor:
        conds.append(AuditLog.actor == f.actor)
    if f.action:
        prefix = f.action.endswith(".")
        conds.append(AuditLog.action.startswith(f.action, autoescape=True) if prefix else AuditLog.action == f.action)
    if f.object_type:
        conds.append(AuditLog.object_type == f.object_type)
    if f.object_id:
        conds.append(AuditLog.object_id == f.object_id)
    if f.since is not None:
        conds.append(AuditLog.at >= f.since)
    if f.until is not None:
        conds.append(AuditLog.at < f.until)
    return conds


@router.get("", responses={401: {"description": "未登录"}, 403: {"description": "仅管理员可查看"}})
def list_audit(_admin: AdminOnly, db: SessionDep, filters: Annotated[AuditFilters, Query()]) -> Page[AuditOut]:
    """审计日志（仅管理员），最新的在前。"""
    conds = _conditions(filters)
    total = db.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(*conds)) or 0
    stmt = sa.select(AuditLog).where(*conds).order_by(AuditLog.id.desc()).limit(filters.limit).offset(filters.offset)
    items = [AuditOut.model_validate(row, from_attributes=True) for row in db.scalars(stmt)]
    return Page(total=total, limit=filters.limit, offset=filters.offset, items=items)
