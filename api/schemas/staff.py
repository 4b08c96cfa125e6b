"""Login, the current staff member and classes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import Ref
from bot.domain import Role


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64, description="用户名")
    password: str = Field(min_length=1, max_length=1024, description="密码")
    token: bool = Field(
        default=False, description="为 true 时在响应中返回令牌（用作 Authorization: Bearer），而不设置 Cookie"
    )


class StaffOut(BaseModel):
    id: int = Field(description="用户编号")
    username: str = Field(description="用户名")
    display_name: str = Field(description="显示名")
    role: Role = Field(description="角色：admin 管理员，college 学院，counselor 辅导员")
    role_label: str = Field(description="角色中文名")
    college: Ref | None = Field(description="所属学院（管理员为空）")
    classes: list[Ref] = Field(description="负责的班级（仅辅导员）")


class LoginOut(BaseModel):
    user: StaffOut = Field(description="登录的用户")
    expires_at: datetime | None = Field(description="会话过期时间（UTC）")
    token: str | None = Field(default=None, description="会话令牌，仅在请求 token=true 时返回；只显示这一次")
    csrf_token: str | None = Field(
        default=None,
        description="Cookie 登录时的 CSRF 令牌：写操作须在请求头 X-CSRF-Token 中带上（同 jiuye_csrf Cookie）",
    )


class ClassOut(BaseModel):
    id: int = Field(description="班级编号")
    name: str = Field(description="班级名称")
    cohort: int = Field(description="届别（毕业年份）")
    college: Ref = Field(description="学院")
    major: Ref | None = Field(description="专业")
    counselor: Ref | None = Field(description="辅导员（name 为显示名）")
    graduates: int = Field(description="毕业生人数")
    placed: int = Field(description="已落实去向人数")
    hardship: int = Field(description="困难生人数")
