"""Records the console shows as logs: match runs with their shortfalls, the outbox (with the admin's retry) and
the audit log. Names of graduates appear only within the caller's scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot import outbox
from bot.access.queries import graduate_scope
from bot.access.rules import StaffPrincipal, ensure_can_read_audit, ensure_role
from bot.console.graduates import PER_PAGE, Paged
from bot.container import Container
from bot.domain import Role
from bot.errors import Conflict, InvalidInput, NotFound
from bot.security import audit
from models import AuditLog, Graduate, MatchRun, MatchShortfall, OutboxMessage, OutboxStatus, SchoolClass

SHORTFALLS_SHOWN = 500
RETRYABLE = (OutboxStatus.PARKED, OutboxStatus.CANCELLED)


# ----------------------------------------------------------------------------------------------- match runs


def list_runs(session: Session, page: int, trigger: str | None = None) -> Paged:
    conds = [MatchRun.trigger == trigger] if trigger else []
    total = session.scalar(sa.select(sa.func.count()).select_from(MatchRun).where(*conds)) or 0
    page = max(1, page)
    stmt = sa.select(MatchRun).where(*conds).order_by(MatchRun.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    return Paged(list(session.scalars(stmt)), total, page)


@dataclass(frozen=True)
class ShortfallRow:
    graduate_id: int
    student_no: str
    name: str
    class_name: str
    found: int
    reason: str


def load_run(session: Session, run_id: int) -> MatchRun:
    run = session.get(MatchRun, run_id)
    if run is None:
        raise NotFound(f"找不到匹配批次 {run_id}")
    return run


def run_shortfalls(session: Session, principal: StaffPrincipal, run_id: int) -> tuple[list[ShortfallRow], int]:
    """The run's 岗位不足 within the caller's scope (at most SHORTFALLS_SHOWN), and how many there are in scope."""
    base = (
        sa.select(MatchShortfall, Graduate.student_no, Graduate.name, SchoolClass.name)
        .join(Graduate, MatchShortfall.graduate_id == Graduate.id)
        .outerjoin(SchoolClass, Graduate.class_id == SchoolClass.id)
        .where(MatchShortfall.run_id == run_id, graduate_scope(principal))
    )
    total = session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    rows = session.execute(base.order_by(MatchShortfall.found, Graduate.student_no).limit(SHORTFALLS_SHOWN))
    out = [ShortfallRow(s.graduate_id, no, name, cls or "", s.found, s.reason) for s, no, name, cls in rows]
    return out, total


# ---------------------------------------------------------------------------------------------------- outbox


def outbox_scope(principal: StaffPrincipal) -> sa.ColumnElement[bool]:
    """Admins see every row; others the rows addressed to graduates in their scope (not group broadcasts)."""
    if principal.sees_all:
        return sa.true()
    return OutboxMessage.graduate_id.in_(sa.select(Graduate.id).where(graduate_scope(principal)))


def list_outbox(session: Session, principal: StaffPrincipal, status: str | None, page: int) -> Paged:
    conds = [outbox_scope(principal)]
    if status:
        try:
            conds.append(OutboxMessage.status == OutboxStatus(status))
        except ValueError as exc:
            raise InvalidInput([f"未知的推送状态“{status}”"]) from exc
    total = session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(*conds)) or 0
    page = max(1, page)
    stmt = (
        sa.select(OutboxMessage, Graduate.name)
        .outerjoin(Graduate, OutboxMessage.graduate_id == Graduate.id)
        .where(*conds)
        .order_by(OutboxMessage.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    return Paged([(row, name or "") for row, name in session.execute(stmt)], total, page)


def outbox_counts(session: Session, principal: StaffPrincipal) -> dict[str, int]:
    stmt = (
        sa.select(OutboxMessage.status, sa.func.count()).where(outbox_scope(principal)).group_by(OutboxMessage.status)
    )
    return {OutboxStatus(s).value: int(n) for s, n in session.execute(stmt)}


def retry_outbox(
    c: Container, session: Session, principal: StaffPrincipal, outbox_id: int, ip: str | None
) -> OutboxMessage:
    """Put a parked (or cancelled) row back in the queue, due now with a fresh try count; audited."""
    ensure_role(principal, Role.ADMIN)
    current = session.get(OutboxMessage, outbox_id)
    if current is None:
        raise NotFound(f"找不到推送记录 {outbox_id}")
    before, last_error = current.status, current.last_error
    if before not in RETRYABLE:
        raise Conflict(f"推送记录 {outbox_id} 当前状态为“{before.value}”，只有已搁置或已取消的记录可以重试")
    now = c.clock.now()
    row = outbox.retry(session, outbox_id, now=now)
    if row is None or row.status is not OutboxStatus.PENDING:
        raise Conflict(f"推送记录 {outbox_id} 刚被其他操作改变，请刷新后再试")
    audit.record(
        session,
        actor=principal.audit_actor,
        actor_user_id=principal.user_id,
        action="outbox.retry",
        object_type="outbox",
        object_id=row.id,
        detail={"from": before.value, "last_error": (last_error or "")[:200], "intent": row.intent},
        ip=ip,
        at=now,
    )
    return row


# ----------------------------------------------------------------------------------------------------- audit


@dataclass(frozen=True)
class AuditQuery:
    actor: str | None = None
    action: str | None = None  # exact, or a prefix ending in "."
    object_type: str | None = None
    since: datetime | None = None
    page: int = 1


def list_audit(session: Session, principal: StaffPrincipal, q: AuditQuery) -> Paged:
    ensure_can_read_audit(principal)
    conds: list[sa.ColumnElement[bool]] = []
    if q.actor:
        conds.append(AuditLog.actor == q.actor.strip())
    if q.action:
        action = q.action.strip()
        prefix = action.endswith(".")
        conds.append(AuditLog.action.startswith(action, autoescape=True) if prefix else AuditLog.action == action)
    if q.object_type:
        conds.append(AuditLog.object_type == q.object_type.strip())
    if q.since is not None:
        conds.append(AuditLog.at >= q.since)
    total = session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(*conds)) or 0
    page = max(1, q.page)
    stmt = sa.select(AuditLog).where(*conds).order_by(AuditLog.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    return Paged(list(session.scalars(stmt)), total, page)


def audit_actions(session: Session) -> list[str]:
    """The actions present, for the filter's suggestions."""
    return [str(a) for a in session.scalars(sa.select(AuditLog.action).distinct().order_by(AuditLog.action))]
