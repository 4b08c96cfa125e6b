"""Broadcasts counselors schedule: a record now (`scheduled_broadcasts`), the sending when its time comes.

Scheduling checks the request (text, classes within the counselor's scope, a time in the next 60 days, an open
posting if one is named) and records it with an audit row. Every minute the scheduler's `broadcasts` job takes
the due ones (SKIP LOCKED on PostgreSQL, so two processes never take the same) and turns each into outbox rows in
one transaction: one per group chat of its classes that can carry group messages, and one planned push per
unplaced graduate of those classes (their channel, quiet hours and 退订 as for any push; keys
`broadcast:<id>:g:<group>` and `broadcast:<id>:<graduate>`), then marks it done with the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot import outbox
from bot.access.queries import placed_codes
from bot.access.rules import StaffPrincipal, can_see_class
from bot.channels.base import message_payload
from bot.domain import OutboundMessage, PostingStatus, Role
from bot.errors import Conflict, Forbidden, InvalidInput, NotFound, UnknownAccount
from bot.push import texts as push_texts
from bot.push.dispatch import PushIntent, plan_intents, quiet_hours
from bot.push.payloads import PRIORITY_NORMAL
from bot.push.planner import PushKind
from bot.security import audit
from bot.services import match_cards
from bot.storage.writes import job_session
from models import ChannelGroup, Employer, Graduate, Posting, SchoolClass
from models.broadcasts import ScheduledBroadcast

if TYPE_CHECKING:
    from bot.container import Container

MAX_TEXT = 1000
MAX_AHEAD = timedelta(days=60)


@dataclass(frozen=True, slots=True)
class BroadcastRequest:
    text: str
    class_ids: Sequence[int]
    send_at: datetime
    title: str | None = None
    posting_id: int | None = None
    to_groups: bool = True
    to_graduates: bool = True


def schedule(
    session: Session, c: Container, principal: StaffPrincipal, req: BroadcastRequest, *, ip: str | None = None
) -> ScheduledBroadcast:
    now = c.clock.now()
    _validate(session, principal, req, now)
    row = ScheduledBroadcast(
        created_by_id=principal.user_id,
        title=(req.title or "").strip() or None,
        text=req.text.strip(),
        posting_id=req.posting_id,
        class_ids=sorted(set(req.class_ids)),
        to_groups=req.to_groups,
        to_graduates=req.to_graduates,
        send_at=req.send_at,
        status="scheduled",
        result={},
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=principal.audit_actor,
        actor_user_id=principal.user_id,
        action="broadcast.schedule",
        object_type="broadcast",
        object_id=row.id,
        ip=ip,
        at=now,
        detail={"send_at": req.send_at.isoformat(), "class_ids": row.class_ids, "posting_id": req.posting_id},
    )
    return row


def _validate(session: Session, principal: StaffPrincipal, req: BroadcastRequest, now: datetime) -> None:
    problems = []
    if not req.text.strip():
        problems.append("通知内容不能为空")
    elif len(req.text) > MAX_TEXT:
        problems.append(f"通知内容太长（最多 {MAX_TEXT} 字）")
    if not req.class_ids:
        problems.append("请至少选择一个班级")
    if not (req.to_groups or req.to_graduates):
        problems.append("请至少选择一种发送对象：班级群或班级学生")
    if req.send_at.tzinfo is None:
        problems.append("发送时间须带时区，例如 2026-06-02T10:00:00+08:00")
    elif req.send_at < now - timedelta(minutes=1):
        problems.append("发送时间已经过去了")
    elif req.send_at > now + MAX_AHEAD:
        problems.append("发送时间最多只能安排在 60 天之内")
    if problems:
        raise InvalidInput(problems)
    classes = {k.id: k for k in session.scalars(sa.select(SchoolClass).where(SchoolClass.id.in_(req.class_ids)))}
    missing = sorted(set(req.class_ids) - set(classes))
    if missing:
        raise NotFound(f"班级不存在：{'、'.join(map(str, missing))}")
    for k in classes.values():
        if not can_see_class(principal, class_id=k.id, college_id=k.college_id):
            raise Forbidden(f"无权向班级“{k.name}”发送通知：不在您负责的范围内")
    if req.posting_id is not None:
        posting = session.get(Posting, req.posting_id)
        if posting is None:
            raise NotFound(f"岗位 {req.posting_id} 不存在")
        if posting.status is not PostingStatus.OPEN:
            raise InvalidInput([f"岗位 {req.posting_id} 已停止招聘，不能再推送"])


def cancel(
    session: Session, c: Container, principal: StaffPrincipal, broadcast_id: int, *, ip: str | None = None
) -> ScheduledBroadcast:
    row = session.get(ScheduledBroadcast, broadcast_id, with_for_update=True)
    if row is None:
        raise NotFound(f"定时通知 {broadcast_id} 不存在")
    if principal.role is not Role.ADMIN and row.created_by_id != principal.user_id:
        raise Forbidden("只能取消自己安排的定时通知")
    if row.status != "scheduled":
        raise Conflict("该通知已发送或已取消，不能再取消")
    row.status = "cancelled"
    audit.record(
        session,
        actor=principal.audit_actor,
        actor_user_id=principal.user_id,
        action="broadcast.cancel",
        object_type="broadcast",
        object_id=row.id,
        ip=ip,
        at=c.clock.now(),
    )
    return row


def visible(
    session: Session, principal: StaffPrincipal, *, limit: int, offset: int
) -> tuple[int, list[ScheduledBroadcast]]:
    """Admins see every broadcast, others their own; newest first."""
    conds = [] if principal.role is Role.ADMIN else [ScheduledBroadcast.created_by_id == principal.user_id]
    total = session.scalar(sa.select(sa.func.count()).select_from(ScheduledBroadcast).where(*conds)) or 0
    rows = session.scalars(
        sa.select(ScheduledBroadcast).where(*conds).order_by(ScheduledBroadcast.id.desc()).limit(limit).offset(offset)
    )
    return total, list(rows)


# ------------------------------------------------------------------------------------------------ sending


def send_due(c: Container, *, now: datetime | None = None) -> dict[str, int]:
    """Turn every due broadcast into outbox rows; returns the counts over all of them."""
    now = now or c.clock.now()
    totals = {"broadcasts": 0, "groups": 0, "graduates": 0, "phone": 0}
    while True:
        with job_session(c.db) as session:
            due = session.scalars(
                sa.select(ScheduledBroadcast)
                .where(ScheduledBroadcast.status == "scheduled", ScheduledBroadcast.send_at <= now)
                .order_by(ScheduledBroadcast.send_at, ScheduledBroadcast.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if due is None:
                return totals
            counts = _expand(session, c, due, now)
            due.status, due.done_at, due.result = "done", now, counts
        totals["broadcasts"] += 1
        for key in ("groups", "graduates", "phone"):
            totals[key] += counts[key]


def _content(session: Session, b: ScheduledBroadcast) -> tuple[str, str | None]:
    """The text, with the posting's line (title, employer, place, salary) when the broadcast is about one."""
    if b.posting_id is None:
        return b.text, b.title
    row = session.execute(sa.select(Posting, Employer.name).join(Employer).where(Posting.id == b.posting_id)).first()
    if row is None:
        return b.text, b.title
    p, employer = row
    place = match_cards.place_of(p.adcode, p.nationwide, p.place_text)
    salary = match_cards.salary_of(p.salary_min, p.salary_max, p.salary_text)
    line = "｜".join(x for x in (p.title, employer, place, salary) if x)
    return f"{b.text}\n{line}", b.title or p.title


def _expand(session: Session, c: Container, b: ScheduledBroadcast, now: datetime) -> dict[str, Any]:
    text, title = _content(session, b)
    counts = {"groups": 0, "graduates": 0, "phone": 0, "dropped": 0}
    if b.to_groups:
        counts["groups"] = _to_groups(session, c, b, text, title, now)
    if b.to_graduates:
        placed = placed_codes(c.codebook)
        ids = session.scalars(
            sa.select(Graduate.id)
            .where(Graduate.class_id.in_(b.class_ids))
            .where(sa.or_(Graduate.destination_code.is_(None), Graduate.destination_code.not_in(placed)))
            .order_by(Graduate.id)
        ).all()
        msg = push_texts.broadcast(text, title, None)
        page = "matches" if b.posting_id else None
        intents = [PushIntent(PushKind.BROADCAST, f"broadcast:{b.id}:{gid}", msg, gid, link_page=page) for gid in ids]
        out = plan_intents(session, c, intents, now)
        counts.update(graduates=len(out.queued), phone=len(out.phone), dropped=len(out.dropped))
    return counts


def _to_groups(
    session: Session, c: Container, b: ScheduledBroadcast, text: str, title: str | None, now: datetime
) -> int:
    groups = session.scalars(
        sa.select(ChannelGroup).where(ChannelGroup.class_id.in_(b.class_ids)).order_by(ChannelGroup.id)
    ).all()
    send_at = quiet_hours(c).next_end(now)
    rows = []
    for g in groups:
        try:
            if not c.channels.get(g.channel, g.account).capabilities.can_push_group:
                continue
        except UnknownAccount:
            continue
        payload = message_payload(OutboundMessage(text=text, title=title))
        rows.append(
            {
                "idempotency_key": f"broadcast:{b.id}:g:{g.id}",
                "channel": g.channel,
                "account": g.account,
                "target_kind": "group",
                "target_id": g.group_id,
                "intent": "broadcast",
                "payload": payload,
                "priority": PRIORITY_NORMAL,
                "next_attempt_at": send_at,
                "staff_user_id": b.created_by_id,
            }
        )
    return len(outbox.enqueue_many(session, rows, now=now))
