"""Push planning wired to the database: intents in, outbox rows (or phone-list entries) out, in one transaction.

An intent says what to tell whom ("graduate G: 5 new matches", "counselor C: today's digest") under an
idempotency key. For each, the pure planner (`bot.push.plan`) looks at the person's bound channel identities with
each adapter's capabilities and picks one that may carry it now, or holds it until quiet hours end, or says that
no channel can (the counselor phones the graduate), or that the graduate unsubscribed (退订: nothing is sent).
The same loading and planning serve the outbox when it re-checks a row at send time (`bot.push.recheck`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot import outbox
from bot.config import WechatMpChannel
from bot.domain import ChannelKind
from bot.errors import UnknownAccount
from bot.push import phone_list
from bot.push.payloads import (
    PRIORITY_HARDSHIP,
    PRIORITY_NORMAL,
    TEMPLATE_FOR,
    PushMessage,
    local_stamp,
    payload_for,
    wants_link,
)
from bot.push.planner import Action, ChannelOption, Decision, Mode, PushKind, QuietHours, plan
from models import ChannelIdentity, Graduate

if TYPE_CHECKING:
    from bot.container import Container

CHUNK = 2000
WHOLE_SCHOOL = 5 * CHUNK  # beyond this many graduates, identities are read in one pass


@dataclass(frozen=True, slots=True)
class PushIntent:
    kind: PushKind
    key: str
    message: PushMessage
    graduate_id: int | None = None
    staff_user_id: int | None = None
    hardship: bool = False
    # The graduate's /m page to link (signed when a row is made, not for intents that end on the phone list).
    link_page: str | None = None


@dataclass
class PushOutcome:
    queued: dict[str, int] = field(default_factory=dict)  # idempotency key -> outbox id (new rows only)
    decisions: dict[str, Decision] = field(default_factory=dict)
    phone: list[int] = field(default_factory=list)  # graduates put on today's phone list
    dropped: list[int] = field(default_factory=list)  # unsubscribed graduates

    def count(self, action: Action) -> int:
        return sum(1 for d in self.decisions.values() if d.action is action)


@dataclass(frozen=True, slots=True)
class Audience:
    """Who may be reached how: channel options per graduate / staff member, and who unsubscribed."""

    graduates: dict[int, list[ChannelOption]]
    staff: dict[int, list[ChannelOption]]
    unsubscribed: frozenset[int]

    def options(self, intent: PushIntent) -> list[ChannelOption]:
        if intent.graduate_id is not None:
            return self.graduates.get(intent.graduate_id, [])
        return self.staff.get(intent.staff_user_id or -1, [])

    def is_unsubscribed(self, intent: PushIntent) -> bool:
        return intent.graduate_id is not None and intent.graduate_id in self.unsubscribed


def quiet_hours(c: Container) -> QuietHours:
    s = c.settings.schedule
    return QuietHours(s.quiet_start, s.quiet_end, ZoneInfo(s.timezone))


def template_id(c: Container, channel: ChannelKind | str, account: str, kind: PushKind) -> str | None:
    which = TEMPLATE_FOR.get(kind)
    cfg = c.file_config.channel(str(channel), account)
    if which is None or not isinstance(cfg, WechatMpChannel):
        return None
    return cfg.template_id_matches if which == "matches" else cfg.template_id_checkin


def load_audience(
    session: Session,
    c: Container,
    *,
    graduate_ids: Iterable[int] = (),
    staff_ids: Iterable[int] = (),
    whole_school: int = WHOLE_SCHOOL,
) -> Audience:
    """Bound identities of these people on configured accounts, with each adapter's capabilities."""
    grads: dict[int, list[ChannelOption]] = {}
    staff: dict[int, list[ChannelOption]] = {}
    unsubscribed: set[int] = set()
    gids, sids = sorted(set(graduate_ids)), sorted(set(staff_ids))
    if len(gids) > whole_school:
        # A school-wide job (check-ins, nightly pushes): one pass over every bound identity is cheaper than dozens
        # of IN-lists, each of which the driver re-parses with its thousands of parameters.
        wanted = set(gids)
        unsubscribed.update(
            g for g in session.scalars(sa.select(Graduate.id).where(Graduate.unsubscribed)) if g in wanted
        )
        _collect(session, c, ChannelIdentity.graduate_id, None, grads, wanted)
        gids = []
    for start in range(0, len(gids), CHUNK):
        chunk = gids[start : start + CHUNK]
        unsubscribed.update(
            session.scalars(sa.select(Graduate.id).where(Graduate.id.in_(chunk), Graduate.unsubscribed))
        )
        _collect(session, c, ChannelIdentity.graduate_id, chunk, grads)
    for start in range(0, len(sids), CHUNK):
        _collect(session, c, ChannelIdentity.staff_user_id, sids[start : start + CHUNK], staff)
    return Audience(grads, staff, frozenset(unsubscribed))


def _collect(
    session: Session,
    c: Container,
    column: Any,
    ids: Sequence[int] | None,
    into: dict[int, list[ChannelOption]],
    wanted: set[int] | None = None,
) -> None:
    """Options of the owners in `ids`, or (ids None) of every owner, kept if in `wanted`."""
    ci = ChannelIdentity
    stmt = sa.select(
        column, ci.channel, ci.account, ci.platform_user_id, ci.last_inbound_at, ci.window_sent, ci.subscribed
    ).order_by(ci.id)
    stmt = stmt.where(column.is_not(None)) if ids is None else stmt.where(column.in_(ids))
    for owner, channel, account, user, last_in, sent, subscribed in session.execute(stmt):
        if wanted is not None and owner not in wanted:
            continue
        option = option_of(c, channel, account, user, last_in, sent, subscribed)
        if option is not None:
            into.setdefault(owner, []).append(option)


def option_of(
    c: Container,
    channel: ChannelKind,
    account: str,
    target: str,
    last_inbound_at: datetime | None,
    window_sent: int,
    subscribed: bool,
) -> ChannelOption | None:
    try:
        adapter = c.channels.get(channel, account)
    except UnknownAccount:
        return None  # an identity on an account no longer configured cannot carry anything
    # Template readiness differs per kind of push; it is settled per intent in `options_for_kind`.
    return ChannelOption(channel, account, target, adapter.capabilities, last_inbound_at, window_sent, subscribed)


def options_for_kind(c: Container, options: Sequence[ChannelOption], kind: PushKind) -> list[ChannelOption]:
    out = []
    for o in options:
        ready = o.channel is ChannelKind.WECHAT_MP and bool(template_id(c, o.channel, o.account, kind))
        out.append(_with_template(o, ready))
    return out


def _with_template(o: ChannelOption, ready: bool) -> ChannelOption:
    return ChannelOption(
        o.channel, o.account, o.target_id, o.capabilities, o.last_inbound_at, o.window_sent, o.subscribed, ready
    )


def decide(c: Container, intent: PushIntent, audience: Audience, now: datetime, quiet: QuietHours) -> Decision:
    options = options_for_kind(c, audience.options(intent), intent.kind)
    return plan(intent.kind, options, now=now, quiet=quiet, unsubscribed=audience.is_unsubscribed(intent))


def row_for(c: Container, intent: PushIntent, decision: Decision, now: datetime) -> dict[str, Any]:
    """The outbox row values of an intent the planner decided to send."""
    assert decision.option is not None and decision.mode is not None
    o = decision.option
    tz = ZoneInfo(c.settings.schedule.timezone)
    send_at = decision.not_before or now
    message = linked(c, intent.message, intent.kind, decision.mode, intent.graduate_id, intent.link_page)
    payload = payload_for(
        intent.kind,
        decision.mode,
        message,
        template_id=template_id(c, o.channel, o.account, intent.kind),
        when=local_stamp(send_at, tz),
        page=intent.link_page,
    )
    return {
        "idempotency_key": intent.key,
        "channel": o.channel,
        "account": o.account,
        "target_kind": "user",
        "target_id": o.target_id,
        "graduate_id": intent.graduate_id,
        "staff_user_id": intent.staff_user_id,
        "intent": intent.kind.value,
        "payload": payload,
        # Staff digests go with replies; graduates' pushes after them, hardship graduates first.
        "priority": 0 if intent.staff_user_id else PRIORITY_HARDSHIP if intent.hardship else PRIORITY_NORMAL,
        "next_attempt_at": send_at,
    }


def linked(
    c: Container, msg: PushMessage, kind: PushKind, mode: Mode, graduate_id: int | None, page: str | None
) -> PushMessage:
    """The message with the graduate's signed /m link, where this kind of message in this mode carries one."""
    if msg.url or not page or graduate_id is None or not wants_link(kind, mode):
        return msg
    return replace(msg, url=c.links.url(graduate_id, page))


def plan_intents(
    session: Session,
    c: Container,
    intents: Sequence[PushIntent],
    now: datetime,
    *,
    phone_entries: bool = True,
    audience: Audience | None = None,
) -> PushOutcome:
    """Plan every intent and queue what may be sent; graduates no channel reaches go on today's phone list
    (unless the caller keeps its own list, as check-ins do: `phone_entries=False`)."""
    if audience is None:
        audience = load_audience(
            session,
            c,
            graduate_ids=[i.graduate_id for i in intents if i.graduate_id is not None],
            staff_ids=[i.staff_user_id for i in intents if i.staff_user_id is not None],
        )
    quiet = quiet_hours(c)
    result = PushOutcome()
    rows: list[dict[str, Any]] = []
    phone: list[tuple[int, str]] = []
    for intent in intents:
        decision = decide(c, intent, audience, now, quiet)
        result.decisions[intent.key] = decision
        if decision.action is Action.SEND:
            rows.append(row_for(c, intent, decision, now))
        elif decision.action is Action.PHONE and intent.graduate_id is not None:
            result.phone.append(intent.graduate_id)
            phone.append((intent.graduate_id, intent.kind.value))
        elif decision.action is Action.DROP and intent.graduate_id is not None:
            result.dropped.append(intent.graduate_id)
    result.queued = outbox.enqueue_many(session, rows, now=now)
    if phone_entries and phone:
        phone_list.add(session, c, phone, now)
    return result
