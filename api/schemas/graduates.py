"""Graduates as staff see them: list rows, the detail with masked personal data, and the editable fields."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import MAX_LIMIT, Ref


class GraduateSummary(BaseModel):
    id: int = Field(description="毕业生编号")
    student_no: str = Field(description="学号")
    name: str = Field(description="姓名")
    cohort: int = Field(description="届别")
    education: str = Field(description="学历层次")
    college: Ref = Field(description="学院")
    major: Ref = Field(description="专业")
    school_class: Ref | None = Field(description="班级")
    destination_code: str | None = Field(description="毕业去向代码（空为尚未登记）")
    destination_name: str | None = Field(description="毕业去向名称")
    placed: bool = Field(description="是否已落实去向")
    hardship: bool = Field(description="是否困难生（含脱贫、低保、零就业、残疾）")
    needs_attention: bool = Field(description="是否需要辅导员重点关注")
    unsubscribed: bool = Field(description="是否已退订推送")
    status_updated_at: datetime | None = Field(description="去向最近更新时间")


class HardshipOut(BaseModel):
    mask: int = Field(description="困难生类别代码（1 就业困难，2 家庭困难，4 残疾，可相加）")
    label: str = Field(description="困难生类别名称")
    poverty: bool = Field(description="脱贫家庭（建档立卡）")
    dibao: bool = Field(description="低保家庭")
    zero_employment: bool = Field(description="零就业家庭")
    disability: bool = Field(description="残疾")


class PreferenceOut(BaseModel):
    cities: list[str] = Field(description="意向城市")
    provinces: list[str] = Field(description="意向省份")
    any_place: bool = Field(description="地点不限")
    industries: list[str] = Field(description="意向行业")
    positions: list[str] = Field(description="意向岗位")
    salary_min: int | None = Field(description="期望月薪下限（元）")
    confirmed_at: datetime | None = Field(description="本人确认时间")


class GraduateDetail(GraduateSummary):
    gender: str | None = Field(description="性别（仅用于统计上报，匹配不使用）")
    origin: str | None = Field(description="生源地")
    origin_adcode: str | None = Field(description="生源地行政区划代码")
    hardship_detail: HardshipOut = Field(description="困难生情况")
    phone: str = Field(description="手机号（默认脱敏）")
    id_number: str = Field(description="身份证号（默认脱敏）")
    pii_revealed: bool = Field(description="手机号和身份证号是否为明文（仅管理员以 reveal=1 请求）")
    bound: bool = Field(description="是否已设置绑定凭据")
    consent_at: datetime | None = Field(description="同意隐私说明的时间")
    unplaced_reason: str | None = Field(description="未就业原因")
    employer_name: str | None = Field(description="就业单位")
    status_verified: bool = Field(description="去向是否已核实")
    unplaced_since: date | None = Field(description="未落实起始日期")
    preference: PreferenceOut | None = Field(description="求职意向")


class GraduatePatch(BaseModel):
    """Fields a counselor may change directly; anything else goes through its own flow (status, imports)."""

    model_config = ConfigDict(extra="forbid")

    needs_attention: bool | None = Field(default=None, description="需要重点关注")
    unsubscribed: bool | None = Field(default=None, description="退订推送（仍可回答本人提问）")


class GraduateFilters(BaseModel):
    """Query parameters of the graduate list; every filter narrows the caller's own scope further."""

    model_config = ConfigDict(extra="forbid")

    class_id: int | None = Field(default=None, description="班级编号（须在本人负责范围内）")
    college_id: int | None = Field(default=None, description="学院编号")
    status: str | None = Field(
        default=None,
        max_length=16,
        description="去向：placed 已落实，unplaced 未落实（含未登记），或毕业去向代码如 10、70",
    )
    hardship: bool | None = Field(default=None, description="true 只看困难生，false 排除困难生")
    q: str | None = Field(default=None, min_length=1, max_length=64, description="姓名包含或学号开头")
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT, description="每页条数（1–200）")
    offset: int = Field(default=0, ge=0, description="跳过的条数")
