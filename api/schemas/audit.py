"""Audit log rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.schemas.common import MAX_LIMIT

# Staff type times as they read them on the wall clock; a time without an offset means Beijing time.
_LOCAL = ZoneInfo("Asia/Shanghai")


class AuditOut(BaseModel):
    id: int = Field(description="编号")
    at: datetime = Field(description="时间（UTC）")
    actor: str = Field(description="操作人（用户名、cli 或 system）")
    actor_user_id: int | None = Field(description="操作人用户编号")
    action: str = Field(description="操作，如 login.success、graduate.update、posting.review")
    object_type: str = Field(description="对象类型")
    object_id: str | None = Field(description="对象编号")
    detail: dict[str, Any] = Field(description="详情")
    ip: str | None = Field(description="来源 IP")


class AuditFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actor: str | None = Field(default=None, max_length=64, description="操作人（用户名、cli 或 system）")
    action: str | None = Field(default=None, max_length=64, description="操作；以 . 结尾时按前缀匹配，如 login.")
    object_type: str | None = Field(default=None, max_length=32, description="对象类型，如 graduate、posting")
    object_id: str | None = Field(default=None, max_length=64, description="对象编号")
    since: datetime | None = Field(default=None, description="起始时间（含），ISO 8601；不带时区按北京时间")
    until: datetime | None = Field(default=None, description="截止时间（不含），ISO 8601；不带时区按北京时间")
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT, description="每页条数（1–200）")
    offset: int = Field(default=0, ge=0, description="跳过的条数")

    @field_validator("since", "until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=_LOCAL)
        return value
