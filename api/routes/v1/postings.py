"""Postings (岗位): list and read for every staff role; review (approve, reject, flag) for admin and college."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query
from sqlalchemy.orm import Session, joinedload

from api.deps import ClientIp, CurrentStaff, SessionDep
from api.schemas.common import Page, Ref
from api.schemas.postings import PostingDetail, PostingFilters, PostingSummary, ReviewIn
from bot.access.rules import ensure_can_review_postings
from bot.domain import EducationLevel, ReviewState
from bot.errors import InvalidInput, NotFound
from bot.security import audit
from models import Employer, Posting

router = APIRouter(prefix="/postings", tags=["岗位"])

_DECISIONS = {"approve": ReviewState.APPROVED, "reject": ReviewState.REJECTED, "flag": ReviewState.FLAGGED}


def summary_fields(p: Posting) -> dict[str, Any]:
    try:
        education = EducationLevel(p.min_education).label
    except ValueError:
        education = str(p.min_education)
    return {
        "id": p.id,
        "title": p.title,
        "employer": Ref(id=p.employer.id, name=p.employer.name),
        "place_text": p.place_text,
        "adcode": p.adcode,
        "nationwide": p.nationwide,
        "salary_text": p.salary_text,
        "salary_min": p.salary_min,
        "salary_max": p.salary_max,
        "min_education": education,
        "headcount": p.headcount,
        "deadline": p.deadline,
        "review_state": p.review_state,
        "status": p.status,
        "flags": p.flags or {},
    }


def detail_of(p: Posting) -> PostingDetail:
    return PostingDetail(
        **summary_fields(p),
        description=p.description,
        industry_code=p.industry_code,
        majors_any=p.majors_any,
        accepted_majors=list(p.accepted_majors or []),
        majors_text=p.majors_text,
        contact=p.contact,
        source=p.source,
        source_url=p.source_url,
        published_on=p.published_on,
        review_note=p.review_note,
        updated_at=p.updated_at,
    )


def _load(db: Session, posting_id: int) -> Posting:
    posting = db.scalars(
        sa.select(Posting).where(Posting.id == posting_id).options(joinedload(Posting.employer))
    ).one_or_none()
    if posting is None:
        raise NotFound(f"找不到岗位 {posting_id}")
    return posting


@router.get("", responses={401: {"description": "未登录"}})
def list_postings(
    _principal: CurrentStaff, db: SessionDep, filters: Annotated[PostingFilters, Query()]
) -> Page[PostingSummary]:
    """全校岗位，可按审核状态、岗位状态和关键词筛选。"""
    conds: list[sa.ColumnElement[bool]] = []
    if filters.review_state is not None:
        conds.append(Posting.review_state == filters.review_state)
    if filters.status is not None:
        conds.append(Posting.status == filters.status)
    if filters.q is not None and filters.q.strip():
        text = filters.q.strip()
        conds.append(
            sa.or_(Posting.title.contains(text, autoescape=True), Employer.name.contains(text, autoescape=True))
        )
    base = sa.select(Posting).join(Employer, Posting.employer_id == Employer.id).where(*conds)
    total = db.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    stmt = (
        base.options(joinedload(Posting.employer))
        .order_by(Posting.id.desc())
        .limit(filters.limit)
        .offset(filters.offset)
    )
    items = [PostingSummary(**summary_fields(p)) for p in db.scalars(stmt)]
    return Page(total=total, limit=filters.limit, offset=filters.offset, items=items)


@router.get("/{posting_id}", responses={401: {"description": "未登录"}, 404: {"description": "岗位不存在"}})
def get_posting(posting_id: int, _principal: CurrentStaff, db: SessionDep) -> PostingDetail:
    """一个岗位的详情。"""
    return detail_of(_load(db, posting_id))


@router.post(
    "/{posting_id}/review",
    responses={
        401: {"description": "未登录"},
        403: {"description": "仅管理员和学院用户可审核"},
        404: {"description": "岗位不存在"},
    },
)
def review_posting(
    posting_id: int, body: ReviewIn, principal: CurrentStaff, db: SessionDep, ip: ClientIp
) -> PostingDetail:
    """审核岗位：approve 通过、reject 驳回（须填写原因）、flag 标记复核；记入审计日志。"""
    ensure_can_review_postings(principal)
    note = (body.note or "").strip() or None
    if body.decision == "reject" and note is None:
        raise InvalidInput(["驳回岗位时请在 note 中填写原因"])
    posting = _load(db, posting_id)
    before = posting.review_state
    posting.review_state = _DECISIONS[body.decision]
    posting.review_note = note
    audit.record(
        db,
        actor=principal.audit_actor,
        actor_user_id=principal.user_id,
        action="posting.review",
        object_type="posting",
        object_id=posting.id,
        detail={"decision": body.decision, "from": before.value, "to": posting.review_state.value, "note": note},
        ip=ip,
    )
    db.commit()
    return detail_of(posting)
