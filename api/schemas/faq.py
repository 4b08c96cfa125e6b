"""The counselors' FAQ as the API shows and takes it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import MAX_LIMIT


class FaqOut(BaseModel):
    id: int = Field(description="问答编号")
    question: str = Field(description="问题")
    answer: str = Field(description="答案")
    keywords: str = Field(description="关键词（逗号分隔，帮助检索）")
    college_id: int | None = Field(description="所属学院（空为全校通用）")
    active: bool = Field(description="是否启用")
    updated_at: datetime = Field(description="最近修改时间")


class FaqIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=500, description="问题")
    answer: str = Field(min_length=1, max_length=4000, description="答案")
    keywords: str = Field(default="", max_length=256, description="关键词（逗号分隔）")
    college_id: int | None = Field(
        default=None, description="所属学院；管理员不填为全校通用，学院用户只能是本学院（不填即本学院）"
    )
    active: bool = Field(default=True, description="是否启用")


class FaqPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str | None = Field(default=None, min_length=1, max_length=500, description="问题")
    answer: str | None = Field(default=None, min_length=1, max_length=4000, description="答案")
    keywords: str | None = Field(default=None, max_length=256, description="关键词")
    college_id: int | None = Field(default=None, description="所属学院（null 为全校通用，仅管理员）")
    active: bool | None = Field(default=None, description="是否启用")


class FaqFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    college_id: int | None = Field(default=None, description="只看某学院的问答")
    active: bool | None = Field(default=None, description="true 只看启用的，false 只看停用的")
    q: str | None = Field(default=None, min_length=1, max_length=64, description="问题或答案包含的文字")
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT, description="每页条数（1–200）")
    offset: int = Field(default=0, ge=0, description="跳过的条数")
