"""Graduates in the caller's scope: list with filters, detail with masked personal data, counselor edits."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query
from sqlalchemy.orm import Session, joinedload, selectinload

from api.deps import ClientIp, ContainerDep, CurrentStaff, SessionDep
from api.schemas.common import Page, Ref
from api.schemas.graduates import (
    GraduateDetail,
    GraduateFilters,
    GraduatePatch,
    GraduateSummary,
    HardshipOut,
    PreferenceOut,
)
from bot.access.queries import graduate_filters
from bot.access.rules import StaffPrincipal, ensure_can_reveal_pii, ensure_can_see_graduate
from bot.codes import places
from bot.codes.book import CodeBook
from bot.domain import EducationLevel
from bot.errors import InvalidInput, NotFound
from bot.security import audit
from bot.security.pii import PiiCipher, mask_id_number, mask_phone
from models import Graduate, GraduatePreference

router = APIRouter(prefix="/graduates", tags=["毕业生"])

_SCOPE_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"description": "未登录"},
    403: {"description": "不在本人负责的范围内"},
    404: {"description": "毕业生不存在"},
}


def _conditions(
    db: Session, principal: StaffPrincipal, book: CodeBook, f: GraduateFilters
) -> list[sa.ColumnElement[bool]]:
    return graduate_filters(
        db,
        principal,
        book,
        class_id=f.class_id,
        college_id=f.college_id,
        status=f.status,
        hardship=f.hardship,
        text=f.q,
        unknown_status="未知的去向筛选 {status}：可用 placed（已落实）、unplaced（未落实）或毕业去向代码，如 10、70",
    )


def summary_fields(g: Graduate, book: CodeBook) -> dict[str, Any]:
    code = g.destination_code
    return {
        "id": g.id,
        "student_no": g.student_no,
        "name": g.name,
        "cohort": g.cohort,
        "education": _education_label(g.education),
        "college": Ref(id=g.college.id, name=g.college.name),
        "major": Ref(id=g.major.id, name=g.major.name),
        "school_class": Ref(id=g.school_class.id, name=g.school_class.name) if g.school_class else None,
        "destination_code": code,
        "destination_name": book.destination_name(code) if code else None,
        "placed": bool(code and book.is_placed(code)),
        "hardship": g.is_hardship,
        "needs_attention": g.needs_attention,
        "unsubscribed": g.unsubscribed,
        "status_updated_at": g.status_updated_at,
    }


def _education_label(value: int) -> str:
    try:
        return EducationLevel(value).label
    except ValueError:
        return str(value)


def _preference(p: GraduatePreference | None, book: CodeBook) -> PreferenceOut | None:
    if p is None:
        return None
    return PreferenceOut(
        cities=[places.short_name_of(a) for a in p.city_adcodes],
        provinces=[places.short_name_of(a) for a in p.province_adcodes],
        any_place=p.any_place,
        industries=[book.industries.get(c, c) for c in p.industry_codes],
        positions=list(p.positions),
        salary_min=p.salary_min,
        confirmed_at=p.confirmed_at,
    )


def detail_of(g: Graduate, book: CodeBook, pii: PiiCipher, *, reveal: bool) -> GraduateDetail:
    phone, id_number = pii.decrypt(g.phone_enc), pii.decrypt(g.id_number_enc)
    hardship = HardshipOut(
        mask=g.hardship_mask,
        label=book.hardship.get(g.hardship_mask, str(g.hardship_mask)),
        poverty=g.flag_poverty,
        dibao=g.flag_dibao,
        zero_employment=g.flag_zero_employment,
        disability=g.flag_disability,
    )
    return GraduateDetail(
        **summary_fields(g, book),
        gender=g.gender,
        origin=places.name_of(g.origin_adcode) if g.origin_adcode else None,
        origin_adcode=g.origin_adcode,
        hardship_detail=hardship,
        phone=(phone or "") if reveal else mask_phone(phone),
        id_number=(id_number or "") if reveal else mask_id_number(id_number),
        pii_revealed=reveal,
        bound=g.bind_secret_digest is not None,
        consent_at=g.consent_at,
        unplaced_reason=g.unplaced_reason,
        employer_name=g.employer_name,
        status_verified=g.status_verified,
        unplaced_since=g.unplaced_since,
        preference=_preference(g.preference, book),
    )


def _load(db: Session, principal: StaffPrincipal, graduate_id: int) -> Graduate:
    stmt = (
        sa.select(Graduate)
        .where(Graduate.id == graduate_id)
        .options(
            joinedload(Graduate.college),
            joinedload(Graduate.major),
            joinedload(Graduate.school_class),
            selectinload(Graduate.preference),
        )
    )
    graduate = db.scalars(stmt).one_or_none()
    if graduate is None:
        raise NotFound(f"找不到毕业生 {graduate_id}")
    ensure_can_see_graduate(principal, graduate)
    return graduate


@router.get("", responses=_SCOPE_ERRORS)
def list_graduates(
    principal: CurrentStaff, db: SessionDep, container: ContainerDep, filters: Annotated[GraduateFilters, Query()]
) -> Page[GraduateSummary]:
    """本人负责范围内的毕业生（管理员全校，学院用户本学院，辅导员本人班级），可按班级、去向、困难生、姓名/学号筛选。"""
    book = container.codebook
    conds = _conditions(db, principal, book, filters)
    total = db.scalar(sa.select(sa.func.count()).select_from(Graduate).where(*conds)) or 0
    stmt = (
        sa.select(Graduate)
        .where(*conds)
        .options(joinedload(Graduate.college), joinedload(Graduate.major), joinedload(Graduate.school_class))
        .order_by(Graduate.class_id, Graduate.student_no)
        .limit(filters.limit)
        .offset(filters.offset)
    )
    items = [GraduateSummary(**summary_fields(g, book)) for g in db.scalars(stmt)]
    return Page(total=total, limit=filters.limit, offset=filters.offset, items=items)


@router.get("/{graduate_id}", responses=_SCOPE_ERRORS)
def get_graduate(
    graduate_id: int,
    principal: CurrentStaff,
    db: SessionDep,
    container: ContainerDep,
    ip: ClientIp,
    reveal: Annotated[
        bool, Query(description="为 true（1）时返回完整手机号和身份证号：仅管理员，且记入审计日志")
    ] = False,
) -> GraduateDetail:
    """一名毕业生的详情；手机号和身份证号默认脱敏。"""
    graduate = _load(db, principal, graduate_id)
    if reveal:
        ensure_can_reveal_pii(principal)
        # Reading personal data in clear is as sensitive as a write: it is audited like one.
        audit.record(
            db,
            actor=principal.audit_actor,
            actor_user_id=principal.user_id,
            action="graduate.reveal_pii",
            object_type="graduate",
            object_id=graduate.id,
            detail={"student_no": graduate.student_no, "fields": ["phone", "id_number"]},
            ip=ip,
        )
        db.commit()
    return detail_of(graduate, container.codebook, container.pii, reveal=reveal)


@router.patch("/{graduate_id}", responses=_SCOPE_ERRORS)
def update_graduate(
    graduate_id: int,
    body: GraduatePatch,
    principal: CurrentStaff,
    db: SessionDep,
    container: ContainerDep,
    ip: ClientIp,
) -> GraduateDetail:
    """修改辅导员可直接维护的字段（重点关注、退订推送）；每次修改记入审计日志。"""
    graduate = _load(db, principal, graduate_id)
    asked = body.model_dump(exclude_unset=True)
    if not asked:
        raise InvalidInput(["没有要修改的字段：可修改 needs_attention、unsubscribed"])
    if any(v is None for v in asked.values()):
        raise InvalidInput(["字段值不能为空：请用 true 或 false"])
    changes = {k: [getattr(graduate, k), v] for k, v in asked.items() if getattr(graduate, k) != v}
    for field, (_old, new) in changes.items():
        setattr(graduate, field, new)
    if changes:
        audit.record(
            db,
            actor=principal.audit_actor,
            actor_user_id=principal.user_id,
            action="graduate.update",
            object_type="graduate",
            object_id=graduate.id,
            detail={"student_no": graduate.student_no, "changes": changes},
            ip=ip,
        )
        db.commit()
    return detail_of(graduate, container.codebook, container.pii, reveal=False)
