"""The outbox for admins: what was sent, what is waiting, what was parked (and why); send a parked row again."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api.deps import ClientIp, ContainerDep, SessionDep, require_roles
from api.schemas.common import MAX_LIMIT, Page
from bot import outbox
from bot.access.rules import StaffPrincipal
from bot.domain import Role
from bot.security import audit
from models import OutboxMessage, OutboxStatus

router = APIRouter(prefix="/outbox", tags=["发送队列"])

AdminOnly = Annotated[StaffPrincipal, Depends(require_roles(Role.ADMIN))]
_ERRORS: dict[int | str, dict[str, Any]] = {401: {"description": "未登录"}, 403: {"description": "仅管理员可操作"}}


class OutboxOut(BaseModel):
    id: int
    idempotency_key: str = Field(description="幂等键：同一键只会发送一次")
    channel: str = Field(description="渠道：wechat_mp、wecom、wecom_bot、onebot、qqbot、web")
    account: str
    target_kind: str = Field(description="user（个人）或 group（群）")
    target_id: str
    graduate_id: int | None
    staff_user_id: int | None
    intent: str = Field(description="用途：reply 回复、checkin 状态询问、new_matches 新推荐、digest 日报……")
    payload: dict[str, Any] = Field(description="发送内容")
    status: OutboxStatus = Field(
        description="pending 待发送、sending 发送中、sent 已发送、parked 已搁置、cancelled 已取消"
    )
    priority: int
    attempts: int = Field(description="已尝试次数")
    next_attempt_at: datetime
    last_error: str | None = Field(description="最近一次失败（或取消）的原因")
    response: dict[str, Any] | None = Field(description="平台的应答")
    created_at: datetime
    sent_at: datetime | None


def _out(row: OutboxMessage) -> OutboxOut:
    return OutboxOut.model_validate(row, from_attributes=True)


@router.get("", responses=_ERRORS)
def list_outbox(
    _admin: AdminOnly,
    db: SessionDep,
    status: Annotated[OutboxStatus | None, Query(description="只看某种状态，例如 parked")] = None,
    intent: Annotated[str | None, Query(max_length=32, description="只看某种用途")] = None,
    graduate_id: Annotated[int | None, Query(description="只看发给该毕业生的")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数")] = 50,
    offset: Annotated[int, Query(ge=0, description="跳过的条数")] = 0,
) -> Page[OutboxOut]:
    """发送队列（仅管理员），最新的在前；`status=parked` 列出多次失败或被平台拒绝、等待处理的消息及原因。"""
    conds: list[sa.ColumnElement[bool]] = []
    if status is not None:
        conds.append(OutboxMessage.status == status)
    if intent:
        conds.append(OutboxMessage.intent == intent)
    if graduate_id is not None:
        conds.append(OutboxMessage.graduate_id == graduate_id)
    total = db.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(*conds)) or 0
    rows = db.scalars(
        sa.select(OutboxMessage).where(*conds).order_by(OutboxMessage.id.desc()).limit(limit).offset(offset)
    )
    return Page(total=total, limit=limit, offset=offset, items=[_out(r) for r in rows])


@router.get("/counts", responses=_ERRORS)
def outbox_counts(_admin: AdminOnly, db: SessionDep) -> dict[str, int]:
    """各状态的消息条数。"""
    return {s.value: 0 for s in OutboxStatus} | outbox.counts_by_status(db)


@router.post(
    "/{row_id}/retry", responses={**_ERRORS, 404: {"description": "消息不存在"}, 409: {"description": "状态不允许"}}
)
def retry_row(row_id: int, admin: AdminOnly, db: SessionDep, c: ContainerDep, ip: ClientIp) -> OutboxOut:
    """把已搁置（或已取消）的消息放回队列重新发送（尝试次数清零）；记入审计日志。"""
    row = outbox.retry(db, row_id, now=c.clock.now())
    audit.record(
        db, actor=admin.audit_actor, actor_user_id=admin.user_id, action="outbox.retry", object_type="outbox",
        object_id=row.id, detail={"key": row.idempotency_key, "last_error": row.last_error}, ip=ip, at=c.clock.now(),
    )  # fmt: skip
    db.commit()
    return _out(row)
