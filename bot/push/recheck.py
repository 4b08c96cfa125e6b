"""Send-time re-check: what may have changed since a row was planned is checked again before it goes out.

Between planning and sending, hours may pass (quiet hours, retries): the graduate may have said 退订, WeChat's 48 h
customer-service window may have closed or its per-window count been used by replies, a channel may have been
unbound, or a retry may have drifted into quiet hours. A planned push is therefore planned again over the person's
current identities (`bot.push.dispatch`): still fine -> sent as is; another channel or mode -> the row is rewritten
(same idempotency key) and sent; quiet hours -> put back until they end; no channel -> cancelled and the graduate
goes on today's phone list; unsubscribed -> cancelled. Every WeChat customer-service message (replies too) takes a
slot of the window with an atomic conditional increment of `channel_identities.window_sent`, so concurrent workers
never exceed the per-window count; a reply that finds no slot is cancelled with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.domain import ChannelKind
from bot.errors import UnknownAccount
from bot.outbox.claim import Claimed, reserve_slot
from bot.outbox.results import Result
from bot.push import phone_list
from bot.push.dispatch import Audience, linked, load_audience, options_for_kind, quiet_hours, template_id
from bot.push.payloads import PLANNED_INTENTS, local_stamp, message_of, payload_for, wants_link
from bot.push.planner import Action, ChannelOption, Decision, Mode, PushKind, plan
from bot.storage.writes import write_session
from models import Checkin, OutboxMessage

if TYPE_CHECKING:
    from bot.container import Container

NO_SLOT = "超出微信客服消息的 48 小时窗口或条数限制，无法发送（用户再次发消息后才能回复）"


@dataclass
class Rechecked:
    send: list[Claimed] = field(default_factory=list)
    done: list[Result] = field(default_factory=list)
    slots: set[int] = field(default_factory=set)  # rows holding a WeChat window slot


def is_planned(row: Claimed) -> bool:
    return row.intent in PLANNED_INTENTS and row.target_kind == "user" and bool(row.graduate_id or row.staff_user_id)


def needs_slot(row: Claimed) -> bool:
    return row.channel is ChannelKind.WECHAT_MP and row.target_kind == "user" and not row.payload.get("template_id")


def recheck(c: Container, rows: Sequence[Claimed], now: datetime) -> Rechecked:
    out = Rechecked()
    if not any(is_planned(r) or needs_slot(r) for r in rows):
        out.send = list(rows)
        return out
    with write_session(c.db) as session:
        planned = [r for r in rows if is_planned(r)]
        audience = load_audience(
            session,
            c,
            graduate_ids=[r.graduate_id for r in planned if r.graduate_id],
            staff_ids=[r.staff_user_id for r in planned if r.staff_user_id and not r.graduate_id],
        )
        for row in rows:
            if is_planned(row):
                _replan(session, c, row, audience, now, out)
            elif needs_slot(row) and not _reserve(session, c, row, now):
                out.done.append(Result(row.id, "cancel", NO_SLOT))
            else:
                if needs_slot(row):
                    out.slots.add(row.id)
                out.send.append(row)
    return out


def _options(c: Container, row: Claimed, audience: Audience, kind: PushKind) -> list[ChannelOption]:
    owner = (
        audience.graduates.get(row.graduate_id or -1)
        if row.graduate_id
        else audience.staff.get(row.staff_user_id or -1)
    )
    return options_for_kind(c, owner or [], kind)


def _replan(session: Session, c: Container, row: Claimed, audience: Audience, now: datetime, out: Rechecked) -> None:
    kind = PushKind(row.intent)
    options = _options(c, row, audience, kind)
    unsubscribed = row.graduate_id is not None and row.graduate_id in audience.unsubscribed
    quiet = quiet_hours(c)
    for _ in range(len(options) + 1):
        decision = plan(kind, options, now=now, quiet=quiet, unsubscribed=unsubscribed)
        if decision.action is Action.DROP:
            out.done.append(Result(row.id, "cancel", "已退订：不再主动推送"))
            return
        if decision.action is Action.PHONE:
            _to_phone(session, c, row, kind, now)
            out.done.append(Result(row.id, "cancel", f"{decision.reason}；已列入今天的电话联系名单"))
            return
        if decision.not_before is not None:
            out.done.append(Result(row.id, "release", next_at=decision.not_before))
            return
        current = _rewrite(session, c, row, kind, decision, now)
        if decision.mode is not Mode.CUSTOMER_SERVICE:
            out.send.append(current)
            return
        if _reserve(session, c, current, now):
            out.slots.add(row.id)
            out.send.append(current)
            return
        # Another message took the window's last slot meanwhile: plan again without it.
        options = [_exhausted(o) if o == decision.option else o for o in options]
    out.done.append(Result(row.id, "cancel", NO_SLOT))


def _exhausted(o: ChannelOption) -> ChannelOption:
    limit = o.capabilities.per_window_limit or 0
    return replace(o, window_sent=max(o.window_sent, limit))


def _rewrite(session: Session, c: Container, row: Claimed, kind: PushKind, d: Decision, now: datetime) -> Claimed:
    """The row as the decision wants it; stored when it changed (same key, so still sent at most once)."""
    assert d.option is not None and d.mode is not None
    o = d.option
    same = (row.channel, row.account, row.target_id) == (o.channel, o.account, o.target_id)
    if same and row.payload.get("mode") == d.mode.value:
        return row
    tid = template_id(c, o.channel, o.account, kind)
    tz = quiet_hours(c).tz
    page = row.payload.get("page")
    msg = linked(c, message_of(row.payload), kind, d.mode, row.graduate_id, page)
    if not wants_link(kind, d.mode):
        msg = replace(msg, url=None)
    payload = payload_for(kind, d.mode, msg, template_id=tid, when=local_stamp(now, tz), page=page)
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == row.id)
        .values(channel=o.channel, account=o.account, target_id=o.target_id, payload=payload)
    )
    return replace(row, channel=o.channel, account=o.account, target_id=o.target_id, payload=payload)


def _reserve(session: Session, c: Container, row: Claimed, now: datetime) -> bool:
    try:
        caps = c.channels.get(row.channel, row.account).capabilities
    except UnknownAccount:
        return True  # the send itself parks the row with the reason
    window = timedelta(seconds=caps.user_push_window_s or 0)
    limit = caps.per_window_limit if caps.per_window_limit is not None else 1_000_000
    if not window:
        return True
    return reserve_slot(session.connection(), row, limit=limit, window=window, now=now)


def _to_phone(session: Session, c: Container, row: Claimed, kind: PushKind, now: datetime) -> None:
    if row.graduate_id is None:
        return  # a staff digest with no channel left: nothing to phone about
    if kind in (PushKind.CHECKIN, PushKind.FOLLOWUP):
        # The check-in itself becomes today's phone call (and was not sent after all).
        phoned = sa.update(Checkin).where(Checkin.outbox_id == row.id).values(channel=None, due_at=now, sent_at=None)
        moved = session.execute(phoned.returning(Checkin.id)).first()
        if moved is not None:
            return
    phone_list.add(session, c, [(row.graduate_id, kind.value)], now)
