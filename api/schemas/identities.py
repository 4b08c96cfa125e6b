"""Chat identities of a graduate, and the one-time codes that bind a staff member's chat identity."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from bot.domain import ChannelKind


class IdentityOut(BaseModel):
    id: int = Field(description="聊天账号绑定编号")
    channel: ChannelKind = Field(description="渠道类型")
    channel_label: str = Field(description="渠道名称")
    account: str = Field(description="渠道账号（学校配置的公众号/机器人）")
    platform_user: str = Field(description="平台用户标识（脱敏）")
    display_name: str | None = Field(description="平台昵称")
    bound_at: datetime | None = Field(description="绑定时间")
    last_inbound_at: datetime | None = Field(description="最近一次发消息的时间")
    subscribed: bool = Field(description="是否仍关注（平台层面）")


class BindCodeOut(BaseModel):
    code: str = Field(description="一次性绑定码：在任一聊天渠道发送“绑定工作人员 绑定码”；只显示这一次")
    username: str = Field(description="绑定码所属的用户名")
    expires_at: datetime = Field(description="过期时间（UTC），签发后 24 小时")
