"""The FAQ the bot answers questions from: every staff role reads; admin and college staff write (audited)."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query, Response

from api.deps import ClientIp, ContainerDep, CurrentStaff, SessionDep
from api.schemas.common import Page
from api.schemas.faq import FaqFilters, FaqIn, FaqOut, FaqPatch
from bot.services import faq_admin
from models import FaqEntry

router = APIRouter(prefix="/faq", tags=["常见问题"])

_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"description": "未登录"},
    403: {"description": "辅导员只读；学院用户只能维护本学院的问答"},
    404: {"description": "问答不存在"},
}


def _out(entry: FaqEntry) -> FaqOut:
    return FaqOut.model_validate(entry, from_attributes=True)


@router.get("", responses={401: {"description": "未登录"}})
def list_faq(principal: CurrentStaff, db: SessionDep, filters: Annotated[FaqFilters, Query()]) -> Page[FaqOut]:
    """问答列表：管理员看全部，其他人看全校通用和本学院的问答。"""
    conds = [faq_admin.visible(principal)]
    if filters.college_id is not None:
        conds.append(FaqEntry.college_id == filters.college_id)
    if filters.active is not None:
        conds.append(FaqEntry.active.is_(filters.active))
    if filters.q is not None and filters.q.strip():
        text = filters.q.strip()
        conds.append(sa.or_(FaqEntry.question.contains(text, autoescape=True),
                            FaqEntry.answer.contains(text, autoescape=True)))  # fmt: skip
    total = db.scalar(sa.select(sa.func.count()).select_from(FaqEntry).where(*conds)) or 0
    rows = db.scalars(
        sa.select(FaqEntry).where(*conds).order_by(FaqEntry.id).limit(filters.limit).offset(filters.offset)
    )
    return Page(total=total, limit=filters.limit, offset=filters.offset, items=[_out(e) for e in rows])


@router.get("/{faq_id}", responses=_ERRORS)
def get_faq(faq_id: int, principal: CurrentStaff, db: SessionDep) -> FaqOut:
    """一条问答。"""
    return _out(faq_admin.get(db, principal, faq_id))


@router.post("", status_code=201, responses=_ERRORS)
def create_faq(body: FaqIn, principal: CurrentStaff, db: SessionDep, container: ContainerDep, ip: ClientIp) -> FaqOut:
    """新增问答；记入审计日志。"""
    change = faq_admin.FaqChange(
        question=body.question, answer=body.answer, keywords=body.keywords, college_id=body.college_id,
        set_college="college_id" in body.model_fields_set, active=body.active,
    )  # fmt: skip
    entry = faq_admin.create(db, principal, change, now=container.clock.now(), ip=ip)
    db.commit()
    return _out(entry)


@router.patch("/{faq_id}", responses=_ERRORS)
def update_faq(
    faq_id: int, body: FaqPatch, principal: CurrentStaff, db: SessionDep, container: ContainerDep, ip: ClientIp
) -> FaqOut:
    """修改问答（只改提交的字段）；记入审计日志。"""
    change = faq_admin.FaqChange(
        question=body.question, answer=body.answer, keywords=body.keywords, college_id=body.college_id,
        set_college="college_id" in body.model_fields_set, active=body.active,
    )  # fmt: skip
    entry = faq_admin.update(db, principal, faq_id, change, now=container.clock.now(), ip=ip)
    db.commit()
    return _out(entry)


@router.delete("/{faq_id}", status_code=204, responses=_ERRORS)
def delete_faq(faq_id: int, principal: CurrentStaff, db: SessionDep, container: ContainerDep, ip: ClientIp) -> Response:
    """删除问答（审计日志保留原文）。"""
    faq_admin.delete(db, principal, faq_id, now=container.clock.now(), ip=ip)
    db.commit()
    return Response(status_code=204)
