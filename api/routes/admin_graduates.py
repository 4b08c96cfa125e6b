"""毕业生: the list with filters, search and paging, and one graduate's page (masked unless an admin reveals)."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from api.deps import ContainerDep, SessionDep
from api.routes.admin_web import AdminOnly, AdminRoute, Staff, client_ip, render
from bot.access.queries import class_scope
from bot.access.rules import StaffPrincipal, ensure_can_reveal_pii
from bot.codes import places
from bot.console.graduates import FOLLOW_UPS, Dossier, GraduateQuery, audit_reveal, dossier, list_graduates
from bot.container import Container
from bot.domain import ChannelKind, EducationLevel, FeedbackKind
from bot.matching import PARTS, STEP_NAMES
from bot.reports.stats import NO_REASON, NOT_REPORTED
from models import College, SchoolClass

router = APIRouter(route_class=AdminRoute)

STATUS_CHOICES = {"placed": "已落实", "unplaced": "未落实（含未登记）"}
PART_LABELS = {
    "major": "专业",
    "place": "地点",
    "origin": "生源地",
    "industry": "行业",
    "text": "岗位意向",
    "salary": "薪资",
    "fresh": "新鲜度",
    "feedback": "反馈",
}
FEEDBACK_LABELS = {FeedbackKind.INTERESTED: "感兴趣", FeedbackKind.APPLIED: "已投递", FeedbackKind.REJECTED: "不合适"}
CHANNEL_LABELS = {
    ChannelKind.WECHAT_MP: "微信公众号",
    ChannelKind.WECOM: "企业微信",
    ChannelKind.WECOM_BOT: "企业微信机器人",
    ChannelKind.ONEBOT: "QQ",
    ChannelKind.QQBOT: "QQ 官方机器人",
    ChannelKind.WEB: "网页聊天",
}
Text = Annotated[str, Query(max_length=64)]


def _bool(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value.strip())


def _int(value: str) -> int | None:
    text = value.strip()
    return int(text) if text.isdigit() else None


def filter_options(c: Container, db: Session, staff: StaffPrincipal) -> dict[str, Any]:
    classes = db.execute(
        sa.select(SchoolClass.id, SchoolClass.name).where(class_scope(staff)).order_by(SchoolClass.name)
    ).all()
    colleges = db.execute(sa.select(College.id, College.name).order_by(College.code)).all() if staff.sees_all else []
    book = c.codebook
    return {
        "classes": classes,
        "colleges": colleges,
        "statuses": [*STATUS_CHOICES.items(), *((code, f"{code} {d.name}") for code, d in book.destinations.items())],
        "reasons": [*book.unplaced_reasons, NO_REASON, NOT_REPORTED],
        "follow_ups": FOLLOW_UPS,
    }


@router.get("/graduates")
def graduates(
    request: Request,
    staff: Staff,
    c: ContainerDep,
    db: SessionDep,
    class_id: Text = "",
    college_id: Text = "",
    status: Text = "",
    reason: Text = "",
    hardship: Text = "",
    follow: Text = "",
    q: Text = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    params = {
        "class_id": class_id,
        "college_id": college_id,
        "status": status,
        "reason": reason,
        "hardship": hardship,
        "follow": follow,
        "q": q,
    }
    query = GraduateQuery(
        class_id=_int(class_id),
        college_id=_int(college_id),
        status=status.strip() or None,
        reason=reason.strip() or None,
        hardship=_bool(hardship),
        follow=follow.strip() or None,
        q=q.strip() or None,
        page=page,
    )
    result = list_graduates(c, db, staff, query)
    context = {"result": result, "params": params, "book": c.codebook, **filter_options(c, db, staff)}
    return render(request, "graduates.html", context, active="graduates")


def _wishes(c: Container, d: Dossier) -> dict[str, list[str]]:
    """The graduate's wishes in words (codes resolved) for the page."""
    p, book = d.graduate.preference, c.codebook
    if p is None:
        return {"places": [], "industries": [], "natures": []}
    return {
        "places": [places.short_name_of(a) for a in [*p.city_adcodes, *p.province_adcodes]],
        "industries": [book.industries.get(code, code) for code in p.industry_codes],
        "natures": [book.employer_natures.get(code, code) for code in p.employer_natures],
    }


def _detail(request: Request, c: Container, d: Dossier) -> Response:
    context = {
        "wishes": _wishes(c, d),
        "d": d,
        "g": d.graduate,
        "book": c.codebook,
        "places": places,
        "education": _education_label(d.graduate.education),
        "part_names": PARTS,
        "part_labels": PART_LABELS,
        "step_names": STEP_NAMES,
        "feedback_labels": FEEDBACK_LABELS,
        "channel_labels": CHANNEL_LABELS,
    }
    return render(request, "graduate.html", context, active="graduates")


def _education_label(value: int) -> str:
    try:
        return EducationLevel(value).label
    except ValueError:
        return str(value)


@router.get("/graduates/{graduate_id}")
def graduate(request: Request, graduate_id: int, staff: Staff, c: ContainerDep, db: SessionDep) -> Response:
    return _detail(request, c, dossier(c, db, staff, graduate_id, reveal=False))


@router.post("/graduates/{graduate_id}/reveal")
def reveal(request: Request, graduate_id: int, staff: AdminOnly, c: ContainerDep, db: SessionDep) -> Response:
    """Show the full phone and ID number on this response only; the read is audited (committed) before it."""
    ensure_can_reveal_pii(staff)
    d = dossier(c, db, staff, graduate_id, reveal=True)
    audit_reveal(db, staff, d.graduate, client_ip(request))
    db.commit()
    return _detail(request, c, d)
