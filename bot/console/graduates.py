"""The web console's graduate list (filters, search, paging) and one graduate's dossier.

The dossier answers an admin's question "why did this posting go to this graduate, what was sent, what came back":
profile (personal data masked unless an admin reveals it, which is audited), status history, wishes, active
matches with their score parts and reasons, feedback, channel identities, the conversation and the outbox rows.
Every read is scoped exactly like the JSON API (`bot.access.rules`, `bot.access.queries`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql.elements import ColumnElement

from bot.access.queries import graduate_filters, placed_codes
from bot.access.rules import StaffPrincipal, ensure_can_see_graduate
from bot.console.class_board import (
    few_matches_filter,
    local_day_bounds,
    no_reply_filter,
    phone_today_filter,
    shortfall_filter,
)
from bot.container import Container
from bot.errors import InvalidInput, NotFound
from bot.reports.stats import NO_REASON, NOT_REPORTED
from bot.security import audit
from bot.security.pii import mask_id_number, mask_phone
from models import (
    ChannelIdentity,
    Checkin,
    ConversationLog,
    Employer,
    Feedback,
    Graduate,
    Match,
    OutboxMessage,
    Posting,
    SchoolClass,
    StatusRecord,
)

PER_PAGE = 50
FOLLOW_UPS = {
    "noreply": "最近一次询问未回复",
    "phone": "今日请电话联系",
    "few": "推荐不足",
    "shortfall": "岗位不足（最近一次批量匹配）",
    "attention": "重点关注",
}
CONVERSATION_SHOWN = 40
OUTBOX_SHOWN = 50
CHECKINS_SHOWN = 12


@dataclass(frozen=True)
class GraduateQuery:
    class_id: int | None = None
    college_id: int | None = None
    status: str | None = None
    reason: str | None = None
    hardship: bool | None = None
    follow: str | None = None
    q: str | None = None
    page: int = 1


@dataclass(frozen=True)
class Paged:
    items: list[Any]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class GraduateRow:
    graduate: Graduate
    class_name: str
    active_matches: int


def unplaced_expr(c: Container) -> ColumnElement[bool]:
    placed = placed_codes(c.codebook)
    return sa.or_(Graduate.destination_code.is_(None), Graduate.destination_code.not_in(placed))


def reason_filter(c: Container, reason: str) -> ColumnElement[bool]:
    """Unplaced graduates counted under this reason on the board (including "not reported" and "no reason")."""
    if reason == NOT_REPORTED:
        return Graduate.destination_code.is_(None)
    if reason == NO_REASON:
        return sa.and_(unplaced_expr(c), Graduate.destination_code.is_not(None), Graduate.unplaced_reason.is_(None))
    return sa.and_(unplaced_expr(c), Graduate.unplaced_reason == reason)


def conditions(c: Container, session: Session, principal: StaffPrincipal, q: GraduateQuery) -> list[Any]:
    conds = graduate_filters(
        session,
        principal,
        c.codebook,
        class_id=q.class_id,
        college_id=q.college_id,
        status=q.status or None,
        hardship=q.hardship,
        text=q.q,
        unknown_status="未知的去向筛选“{status}”：可选已落实、未落实或毕业去向代码，如 10、70",
    )
    if q.reason:
        conds.append(reason_filter(c, q.reason))
    if q.follow:
        conds.append(_follow_filter(c, session, q.follow))
    return conds


def _follow_filter(c: Container, session: Session, follow: str) -> ColumnElement[bool]:
    if follow == "noreply":
        return no_reply_filter()
    if follow == "phone":
        _today, start, end = local_day_bounds(c)
        return phone_today_filter(start, end)
    if follow == "few":
        return few_matches_filter(c, c.settings.matching.k)
    if follow == "shortfall":
        return shortfall_filter(session)
    if follow == "attention":
        return Graduate.needs_attention.is_(True)
    raise InvalidInput([f"未知的跟进筛选“{follow}”：可选 {'、'.join(FOLLOW_UPS.values())}"])


def list_graduates(c: Container, session: Session, principal: StaffPrincipal, q: GraduateQuery) -> Paged:
    conds = conditions(c, session, principal, q)
    total = session.scalar(sa.select(sa.func.count()).select_from(Graduate).where(*conds)) or 0
    page = max(1, q.page)
    stmt = (
        sa.select(Graduate, SchoolClass.name)
        .outerjoin(SchoolClass, Graduate.class_id == SchoolClass.id)
        .where(*conds)
        .options(joinedload(Graduate.major), joinedload(Graduate.college))
        .order_by(SchoolClass.name, Graduate.student_no)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    found = session.execute(stmt).all()
    counts = active_match_counts(session, [g.id for g, _ in found])
    rows = [GraduateRow(g, name or "", counts.get(g.id, 0)) for g, name in found]
    return Paged(rows, total, page)


def active_match_counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    stmt = (
        sa.select(Match.graduate_id, sa.func.count())
        .where(Match.active, Match.graduate_id.in_(ids))
        .group_by(Match.graduate_id)
    )
    return {gid: int(n) for gid, n in session.execute(stmt)}


# ------------------------------------------------------------------------------------------------- dossier


@dataclass
class Dossier:
    graduate: Graduate
    phone: str
    id_number: str
    revealed: bool
    history: list[StatusRecord]
    matches: list[tuple[Match, Posting]]
    feedback: list[tuple[Feedback, Posting]]
    identities: list[ChannelIdentity]
    conversation: list[ConversationLog]
    outbox: list[OutboxMessage]
    checkins: list[Checkin]
    feedback_by_posting: dict[int, list[Feedback]] = field(default_factory=dict)


def load_graduate(session: Session, principal: StaffPrincipal, graduate_id: int) -> Graduate:
    stmt = (
        sa.select(Graduate)
        .where(Graduate.id == graduate_id)
        .options(
            joinedload(Graduate.college),
            joinedload(Graduate.major),
            joinedload(Graduate.school_class).joinedload(SchoolClass.counselor),
            selectinload(Graduate.preference),
        )
    )
    graduate = session.scalars(stmt).one_or_none()
    if graduate is None:
        raise NotFound(f"找不到毕业生 {graduate_id}")
    ensure_can_see_graduate(principal, graduate)
    return graduate


def dossier(c: Container, session: Session, principal: StaffPrincipal, graduate_id: int, *, reveal: bool) -> Dossier:
    """Everything about one graduate in the caller's scope; `reveal` needs the caller to have been checked."""
    g = load_graduate(session, principal, graduate_id)
    phone, id_number = c.pii.decrypt(g.phone_enc), c.pii.decrypt(g.id_number_enc)
    history = session.scalars(
        sa.select(StatusRecord).where(StatusRecord.graduate_id == g.id).order_by(StatusRecord.id.desc())
    ).all()
    with_posting = sa.select(Match, Posting).join(Posting, Match.posting_id == Posting.id)
    matches = session.execute(
        with_posting.where(Match.graduate_id == g.id, Match.active)
        .options(joinedload(Posting.employer))
        .order_by(Match.rank, Match.id)
    ).all()
    feedback = session.execute(
        sa.select(Feedback, Posting)
        .join(Posting, Feedback.posting_id == Posting.id)
        .join(Employer, Posting.employer_id == Employer.id)
        .where(Feedback.graduate_id == g.id)
        .options(joinedload(Posting.employer))
        .order_by(Feedback.id.desc())
    ).all()
    by_posting: dict[int, list[Feedback]] = {}
    for fb, _posting in feedback:
        by_posting.setdefault(fb.posting_id, []).append(fb)
    return Dossier(
        graduate=g,
        phone=(phone or "") if reveal else mask_phone(phone),
        id_number=(id_number or "") if reveal else mask_id_number(id_number),
        revealed=reveal,
        history=list(history),
        matches=[(m, p) for m, p in matches],
        feedback=[(fb, p) for fb, p in feedback],
        identities=list(session.scalars(_by_graduate(ChannelIdentity, g.id, ChannelIdentity.id.desc()))),
        conversation=_conversation(session, g.id),
        outbox=list(session.scalars(_by_graduate(OutboxMessage, g.id, OutboxMessage.id.desc()).limit(OUTBOX_SHOWN))),
        checkins=list(session.scalars(_by_graduate(Checkin, g.id, Checkin.id.desc()).limit(CHECKINS_SHOWN))),
        feedback_by_posting=by_posting,
    )


def _by_graduate(model: Any, graduate_id: int, order: Any) -> sa.Select[Any]:
    return sa.select(model).where(model.graduate_id == graduate_id).order_by(order)


def _conversation(session: Session, graduate_id: int) -> list[ConversationLog]:
    newest = _by_graduate(ConversationLog, graduate_id, ConversationLog.id.desc()).limit(CONVERSATION_SHOWN)
    return list(reversed(session.scalars(newest).all()))


def audit_reveal(session: Session, principal: StaffPrincipal, g: Graduate, ip: str | None) -> None:
    """Reading personal data in clear is as sensitive as a write: audited like one (same action as the API)."""
    audit.record(
        session,
        actor=principal.audit_actor,
        actor_user_id=principal.user_id,
        action="graduate.reveal_pii",
        object_type="graduate",
        object_id=g.id,
        detail={"student_no": g.student_no, "fields": ["phone", "id_number"], "via": "admin"},
        ip=ip,
    )
