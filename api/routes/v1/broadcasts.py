"""Broadcasts staff schedule for later: to their classes' group chats and/or each unplaced graduate of them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import ClientIp, ContainerDep, CurrentStaff, SessionDep
from api.schemas.common import MAX_LIMIT, Page
from bot.services import broadcasts
from models.broadcasts import ScheduledBroadcast

router = APIRouter(prefix="/broadcasts", tags=["定时通知"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "未登录"},
    403: {"description": "不在本人负责的范围内"},
}


class BroadcastIn(BaseModel):
    text: str = Field(min_length=1, max_length=broadcasts.MAX_TEXT, description="通知内容")
    title: str | None = Field(default=None, max_length=64, description="标题（可选）")
    class_ids: list[int] = Field(min_length=1, max_length=200, description="发送给哪些班级")
    send_at: datetime = Field(description="发送时间（带时区），免打扰时段内的会顺延到时段结束")
    posting_id: int | None = Field(default=None, description="推送的岗位（可选）：附上岗位信息和个人推荐页链接")
    to_groups: bool = Field(default=True, description="发到这些班级的群")
    to_graduates: bool = Field(default=True, description="逐个发给这些班级未落实的毕业生")


class BroadcastOut(BaseModel):
    id: int
    created_by_id: int
    title: str | None
    text: str
    posting_id: int | None
    class_ids: list[int]
    to_groups: bool
    to_graduates: bool
    send_at: datetime
    status: str = Field(description="scheduled 待发送、done 已发送、cancelled 已取消")
    result: dict[str, Any] = Field(description="发送后：groups 群数、graduates 人数、phone 需电话联系人数")
    created_at: datetime
    done_at: datetime | None


def _out(row: ScheduledBroadcast) -> BroadcastOut:
    return BroadcastOut.model_validate(row, from_attributes=True)


@router.post("", status_code=201, responses={**_ERRORS, 404: {"description": "班级或岗位不存在"}})
def schedule_broadcast(
    body: BroadcastIn, principal: CurrentStaff, db: SessionDep, c: ContainerDep, ip: ClientIp
) -> BroadcastOut:
    """安排一条定时通知；到时间后由调度器发送（每位毕业生经其可用渠道，免打扰和退订照常生效）。"""
    req = broadcasts.BroadcastRequest(**body.model_dump())
    row = broadcasts.schedule(db, c, principal, req, ip=ip)
    db.commit()
    return _out(row)


@router.get("", responses=_ERRORS)
def list_broadcasts(
    principal: CurrentStaff,
    db: SessionDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数")] = 50,
    offset: Annotated[int, Query(ge=0, description="跳过的条数")] = 0,
) -> Page[BroadcastOut]:
    """定时通知列表（管理员看全部，其他人看自己安排的），最新的在前。"""
    total, rows = broadcasts.visible(db, principal, limit=limit, offset=offset)
    return Page(total=total, limit=limit, offset=offset, items=[_out(r) for r in rows])


@router.delete("/{broadcast_id}", responses={**_ERRORS, 404: {"description": "不存在"}, 409: {"description": "已发送"}})
def cancel_broadcast(
    broadcast_id: int, principal: CurrentStaff, db: SessionDep, c: ContainerDep, ip: ClientIp
) -> BroadcastOut:
    """取消尚未发送的定时通知；记入审计日志。"""
    row = broadcasts.cancel(db, c, principal, broadcast_id, ip=ip)
    db.commit()
    return _out(row)
