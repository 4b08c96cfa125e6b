"""Postings (岗位) as staff see them, and the review decision."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import MAX_LIMIT, Ref
from bot.domain import PostingStatus, ReviewState


class PostingSummary(BaseModel):
    id: int = Field(description="岗位编号")
    title: str = Field(description="岗位名称")
    employer: Ref = Field(description="用人单位")
    place_text: str = Field(description="工作地点（原文）")
    adcode: str | None = Field(description="工作地点行政区划代码")
    nationwide: bool = Field(description="全国范围")
    salary_text: str = Field(description="薪资（原文）")
    salary_min: int | None = Field(description="月薪下限（元）")
    salary_max: int | None = Field(description="月薪上限（元）")
    min_education: str = Field(description="最低学历")
    headcount: int = Field(description="招聘人数")
    deadline: date | None = Field(description="截止日期")
    review_state: ReviewState = Field(
        description="审核状态：pending 待审，approved 通过，rejected 驳回，flagged 需复核"
    )
    status: PostingStatus = Field(description="岗位状态：open 招聘中，closed 已结束，withdrawn 已撤回")
    flags: dict[str, Any] = Field(description="需要人工复核的原因，如疑似就业歧视用语")


class PostingDetail(PostingSummary):
    description: str = Field(description="岗位描述")
    industry_code: str | None = Field(description="行业代码")
    majors_any: bool = Field(description="专业不限")
    accepted_majors: list[str] = Field(description="接受的专业代码")
    majors_text: str = Field(description="专业要求（原文）")
    contact: str | None = Field(description="联系方式")
    source: str = Field(description="来源")
    source_url: str | None = Field(description="来源链接")
    published_on: date | None = Field(description="发布日期")
    review_note: str | None = Field(description="审核意见")
    updated_at: datetime = Field(description="最近修改时间")


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject", "flag"] = Field(
        description="审核结论：approve 通过，reject 驳回，flag 标记复核"
    )
    note: str | None = Field(default=None, max_length=1000, description="审核意见（驳回时必填）")


class PostingFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    review_state: ReviewState | None = Field(default=None, description="审核状态")
    status: PostingStatus | None = Field(default=None, description="岗位状态")
    q: str | None = Field(default=None, min_length=1, max_length=64, description="岗位名称或单位名称包含")
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT, description="每页条数（1–200）")
    offset: int = Field(default=0, ge=0, description="跳过的条数")
