"""Match runs and each graduate's matches with their score parts and reasons (read-only, scoped to the caller)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import CurrentStaff, SessionDep
from api.schemas.common import MAX_LIMIT, Page
from bot.access.queries import graduate_scope
from bot.access.rules import ensure_can_see_graduate
from bot.codes import places
from bot.errors import NotFound
from bot.matching import STEP_NAMES
from models import Employer, Graduate, Match, MatchRun, MatchShortfall, Posting

router = APIRouter(tags=["匹配"])

_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"description": "未登录"},
    403: {"description": "不在本人负责的范围内"},
    404: {"description": "记录不存在"},
}
SHORTFALLS_SHOWN = 500


class MatchRunSummary(BaseModel):
    id: int
    trigger: str = Field(description="触发方式：batch（批量）、nightly（每晚）、incremental（增量）")
    scope: dict[str, Any] = Field(description="范围：全部、学院、班级、毕业生或岗位")
    status: str = Field(description="running / done / failed")
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int | None = Field(description="用时（毫秒）")
    graduates: int = Field(description="参与匹配的毕业生人数")
    postings: int = Field(description="参与匹配的岗位数")
    matches: int = Field(description="推荐条数")
    shortfalls: int = Field(description="岗位不足人数")


class ShortfallOut(BaseModel):
    graduate_id: int
    student_no: str
    name: str
    found: int = Field(description="找到的岗位数")
    reason: str = Field(description="岗位不足的原因")


class MatchRunDetail(MatchRunSummary):
    params: dict[str, Any] = Field(description="本次使用的参数：K、名额系数、同单位上限、各项权重")
    counts: dict[str, Any] = Field(description="按放宽步骤统计的人数与推荐条数")
    step_names: dict[str, str] = Field(description="放宽步骤的名称")
    error: str | None
    shortfall_list: list[ShortfallOut] = Field(description=f"本人范围内的岗位不足名单（最多 {SHORTFALLS_SHOWN} 人）")


class MatchOut(BaseModel):
    posting_id: int
    title: str = Field(description="岗位名称")
    employer: str = Field(description="用人单位")
    place: str = Field(description="工作地点")
    rank: int = Field(description="名次（1 最靠前）")
    score: float = Field(description="总分：各项得分的加权和")
    parts: dict[str, float] = Field(description="各项得分：major 专业、place 地点、origin 生源地、industry 行业、"
                                    "text 岗位意向、salary 薪资、fresh 新鲜度、feedback 反馈")  # fmt: skip
    relax_step: int = Field(description="放宽步骤：0 严格，1 省内，2 全国/不限地点，3 行业不限")
    relax_name: str
    reason: str = Field(description="推荐理由")
    active: bool = Field(description="是否为当前推荐")
    run_id: int
    created_at: datetime


def _summary(run: MatchRun) -> dict[str, Any]:
    return {name: getattr(run, name) for name in MatchRunSummary.model_fields}


@router.get("/match-runs", responses=_ERRORS)
def list_runs(
    principal: CurrentStaff,
    db: SessionDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数")] = 50,
    offset: Annotated[int, Query(ge=0, description="跳过的条数")] = 0,
    trigger: Annotated[str | None, Query(description="只看某种触发方式：batch、nightly、incremental")] = None,
) -> Page[MatchRunSummary]:
    """匹配批次记录，最新的在前：范围、参数、人数、推荐条数、岗位不足人数、用时。"""
    del principal  # any staff member may see that runs happened; names appear only within their scope
    conds = [MatchRun.trigger == trigger] if trigger else []
    total = db.scalar(sa.select(sa.func.count()).select_from(MatchRun).where(*conds)) or 0
    rows = db.scalars(sa.select(MatchRun).where(*conds).order_by(MatchRun.id.desc()).limit(limit).offset(offset))
    return Page(total=total, limit=limit, offset=offset, items=[MatchRunSummary(**_summary(r)) for r in rows])


@router.get("/match-runs/{run_id}", responses=_ERRORS)
def get_run(run_id: int, principal: CurrentStaff, db: SessionDep) -> MatchRunDetail:
    """一次匹配的详情：参数与权重、按放宽步骤的统计，以及本人范围内的岗位不足名单与原因。"""
    run = db.get(MatchRun, run_id)
    if run is None:
        raise NotFound(f"找不到匹配批次 {run_id}")
    rows = db.execute(
        sa.select(MatchShortfall, Graduate.student_no, Graduate.name)
        .join(Graduate, MatchShortfall.graduate_id == Graduate.id)
        .where(MatchShortfall.run_id == run_id, graduate_scope(principal))
        .order_by(MatchShortfall.found, Graduate.student_no)
        .limit(SHORTFALLS_SHOWN)
    )
    shortfalls = [
        ShortfallOut(graduate_id=s.graduate_id, student_no=no, name=name, found=s.found, reason=s.reason)
        for s, no, name in rows
    ]
    return MatchRunDetail(
        **_summary(run),
        params=run.params,
        counts=run.counts,
        step_names={str(k): v for k, v in STEP_NAMES.items()},
        error=run.error,
        shortfall_list=shortfalls,
    )


@router.get("/graduates/{graduate_id}/matches", responses=_ERRORS)
def graduate_matches(
    graduate_id: int,
    principal: CurrentStaff,
    db: SessionDep,
    history: Annotated[bool, Query(description="为 true 时也返回以往批次的推荐（最多 200 条）")] = False,
) -> list[MatchOut]:
    """一名毕业生的推荐岗位：名次、总分、各项得分、放宽步骤和推荐理由。"""
    graduate = db.get(Graduate, graduate_id)
    if graduate is None:
        raise NotFound(f"找不到毕业生 {graduate_id}")
    ensure_can_see_graduate(principal, graduate)
    stmt = (
        sa.select(Match, Posting.title, Employer.name, Posting.adcode, Posting.nationwide, Posting.place_text)
        .join(Posting, Match.posting_id == Posting.id)
        .join(Employer, Posting.employer_id == Employer.id)
        .where(Match.graduate_id == graduate_id)
    )
    stmt = stmt.order_by(Match.run_id.desc(), Match.rank).limit(MAX_LIMIT) if history else stmt.where(Match.active)
    if not history:
        stmt = stmt.order_by(Match.rank, Match.id)
    out = []
    for m, title, employer, adcode, nationwide, place_text in db.execute(stmt):
        place = "全国" if nationwide else places.short_name_of(adcode) if adcode else (place_text or "")
        out.append(
            MatchOut(
                posting_id=m.posting_id, title=title, employer=employer, place=place, rank=m.rank, score=m.score,
                parts=m.parts, relax_step=m.relax_step, relax_name=STEP_NAMES.get(m.relax_step, ""),
                reason=m.reason, active=m.active, run_id=m.run_id, created_at=m.created_at,
            )
        )  # fmt: skip
    return out
