"""Postings in the web console: the list, the review queue and the review decision (admin and college only).

Postings belong to the whole school (every staff role may read them). A decision records who, from what to what,
and the note, in the audit log, in the same transaction as the change (the same audit action as the JSON API).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from bot.access.rules import StaffPrincipal, ensure_can_review_postings
from bot.console.graduates import PER_PAGE, Paged
from bot.domain import PostingStatus, ReviewState
from bot.errors import InvalidInput, NotFound
from bot.security import audit
from models import Employer, Match, Posting

DECISIONS = {"approve": ReviewState.APPROVED, "reject": ReviewState.REJECTED, "flag": ReviewState.FLAGGED}
QUEUE_STATES = (ReviewState.PENDING, ReviewState.FLAGGED)
MAX_NOTE = 500


@dataclass(frozen=True)
class PostingQuery:
    review: str | None = None  # a ReviewState value, or "queue" for pending + flagged
    status: str | None = None
    q: str | None = None
    page: int = 1


def _conditions(q: PostingQuery) -> list[sa.ColumnElement[bool]]:
    conds: list[sa.ColumnElement[bool]] = []
    if q.review == "queue":
        conds.append(Posting.review_state.in_(QUEUE_STATES))
    elif q.review:
        try:
            conds.append(Posting.review_state == ReviewState(q.review))
        except ValueError as exc:
            raise InvalidInput([f"未知的审核状态“{q.review}”"]) from exc
    if q.status:
        try:
            conds.append(Posting.status == PostingStatus(q.status))
        except ValueError as exc:
            raise InvalidInput([f"未知的岗位状态“{q.status}”"]) from exc
    if q.q and q.q.strip():
        text = q.q.strip()
        conds.append(
            sa.or_(Posting.title.contains(text, autoescape=True), Employer.name.contains(text, autoescape=True))
        )
    return conds


def list_postings(session: Session, q: PostingQuery) -> Paged:
    conds = _conditions(q)
    base = sa.select(Posting.id).join(Employer, Posting.employer_id == Employer.id).where(*conds)
    total = session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    page = max(1, q.page)
    # The queue shows flagged postings first: they are the ones a reviewer must read closely.
    order = (
        [sa.case((Posting.review_state == ReviewState.FLAGGED, 0), else_=1), Posting.id]
        if q.review == "queue"
        else [Posting.id.desc()]
    )
    stmt = (
        sa.select(Posting)
        .join(Employer, Posting.employer_id == Employer.id)
        .where(*conds)
        .options(joinedload(Posting.employer))
        .order_by(*order)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    return Paged(list(session.scalars(stmt)), total, page)


def queue_size(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).where(Posting.review_state.in_(QUEUE_STATES))) or 0


def load_posting(session: Session, posting_id: int) -> Posting:
    stmt = sa.select(Posting).where(Posting.id == posting_id).options(joinedload(Posting.employer))
    posting = session.scalars(stmt).one_or_none()
    if posting is None:
        raise NotFound(f"找不到岗位 {posting_id}")
    return posting


def active_matches_of(session: Session, posting_id: int) -> int:
    return session.scalar(sa.select(sa.func.count()).where(Match.posting_id == posting_id, Match.active)) or 0


def review(
    session: Session, principal: StaffPrincipal, posting_id: int, decision: str, note: str | None, ip: str | None
) -> Posting:
    """Approve, reject (a reason is required) or flag a posting; audited. The caller commits."""
    ensure_can_review_postings(principal)
    if decision not in DECISIONS:
        raise InvalidInput([f"未知的审核决定“{decision}”：可选 通过、驳回、标记复核"])
    text = (note or "").strip() or None
    if decision == "reject" and text is None:
        raise InvalidInput(["驳回岗位时请填写原因，便于用人单位修改后重新提交"])
    if text is not None and len(text) > MAX_NOTE:
        raise InvalidInput([f"审核意见最多 {MAX_NOTE} 字，当前 {len(text)} 字"])
    posting = load_posting(session, posting_id)
    before = posting.review_state
    posting.review_state = DECISIONS[decision]
    posting.review_note = text
    audit.record(
        session,
        actor=principal.audit_actor,
        actor_user_id=principal.user_id,
        action="posting.review",
        object_type="posting",
        object_id=posting.id,
        detail={"decision": decision, "from": before.value, "to": posting.review_state.value, "note": text},
        ip=ip,
    )
    return posting
