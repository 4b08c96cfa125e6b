"""Claiming due outbox rows under a lease and renewing it; reserving WeChat window slots. (`bot.outbox.results`
writes the outcomes back.)

A claim is one statement: `UPDATE outbox SET status='sending', claimed_by, claimed_until, attempts+1 WHERE id IN
(SELECT ... due ... ORDER BY priority DESC, next_attempt_at LIMIT n FOR UPDATE SKIP LOCKED) RETURNING ...`. Due means
pending and `next_attempt_at <= now`, or sending under an expired lease (its worker died). On PostgreSQL, SKIP
LOCKED lets several workers claim disjoint batches at once; SQLite has one writer, so a claim runs under
`BEGIN IMMEDIATE` (and an in-process lock shared with the other writers of this process).

Rate limits per (channel, account) (e.g. 20 messages a minute per WeCom group robot) hold across every worker
because they are counted in the database, not in process memory: a limited account is claimed in its own
transaction, serialised by a transaction-level advisory lock on PostgreSQL, with a budget of the limit minus the
rows sent in the last 60 s and the rows in flight. A sent row keeps its send time in `next_attempt_at` (the field
means nothing else once a row is sent), so that count is a range scan of the (status, next_attempt_at) index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa

from bot.domain import ChannelKind
from bot.storage.writes import writing
from models import ChannelIdentity, OutboxMessage, OutboxStatus

if TYPE_CHECKING:
    from bot.container import Container

T = cast(sa.Table, OutboxMessage.__table__)
RATE_WINDOW = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    key: str
    channel: ChannelKind
    account: str
    target_kind: str
    target_id: str
    graduate_id: int | None
    staff_user_id: int | None
    intent: str
    payload: dict[str, Any]
    attempts: int
    claimed_until: datetime
    priority: int = 0


_RETURNED = (
    T.c.id, T.c.idempotency_key, T.c.channel, T.c.account, T.c.target_kind, T.c.target_id, T.c.graduate_id,
    T.c.staff_user_id, T.c.intent, T.c.payload, T.c.attempts, T.c.claimed_until, T.c.priority,
)  # fmt: skip


class Held:
    """Transactions on one connection kept open by a loop (PostgreSQL: no pool checkout and liveness ping per
    transaction, which on a busy server cost more than the statement); SQLite takes a pooled connection each time,
    under the process's write lock. A connection that failed is dropped and the next transaction opens another."""

    def __init__(self, c: Container) -> None:
        self.c = c
        self._conn: sa.Connection | None = None

    @contextmanager
    def tx(self) -> Iterator[sa.Connection]:
        if self.c.engine.dialect.name == "sqlite":
            with writing(self.c.db) as conn:
                yield conn
            return
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self.c.engine.connect()
        try:
            with self._conn.begin():
                yield self._conn
        except sa.exc.DBAPIError:
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            with suppress(sa.exc.DBAPIError):
                self._conn.close()
        self._conn = None


def held(x: Container | Held) -> Held:
    return x if isinstance(x, Held) else Held(x)


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(T.c.status == OutboxStatus.PENDING, T.c.next_attempt_at <= now),
        sa.and_(T.c.status == OutboxStatus.SENDING, T.c.claimed_until < now),
    )


def _claim_stmt(
    conn: sa.Connection,
    where: Sequence[sa.ColumnElement[bool]],
    limit: int,
    worker: str,
    now: datetime,
    lease: datetime,
) -> sa.Update:
    pick = sa.select(T.c.id).where(*where).order_by(T.c.priority.desc(), T.c.next_attempt_at, T.c.id).limit(limit)
    if conn.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    return (
        sa.update(T)
        .where(T.c.id.in_(pick.scalar_subquery()))
        .values(status=OutboxStatus.SENDING, claimed_by=worker, claimed_until=lease, attempts=T.c.attempts + 1)
        .returning(*_RETURNED)
    )


def _rows(result: sa.CursorResult[Any]) -> list[Claimed]:
    out = []
    for row in result:
        r: tuple[Any, ...] = tuple(row)
        out.append(
            Claimed(
                r[0], r[1], ChannelKind(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], dict(r[9] or {}), r[10], r[11], r[12]
            )
        )
    # The order of the claim (RETURNING has none): window slots and sends go to the most urgent first.
    out.sort(key=lambda r: (-r.priority, r.id))
    return out


def claim(
    on: Container | Held,
    worker: str,
    *,
    limit: int,
    lease_s: float,
    now: datetime,
    limits: Mapping[tuple[str, str], int] | None = None,
) -> list[Claimed]:
    """Claim up to `limit` due rows for `worker`; rows of rate-limited accounts only within their budget."""
    lease = now + timedelta(seconds=lease_s)
    limits = dict(limits or {})
    rows: list[Claimed] = []
    h = held(on)
    with h.tx() as conn:
        where = [_due(now)]
        if limits:
            pairs = [sa.tuple_(sa.literal(ch), sa.literal(acc)) for ch, acc in sorted(limits)]
            where.append(sa.not_(sa.tuple_(T.c.channel, T.c.account).in_(pairs)))
        rows += _rows(conn.execute(_claim_stmt(conn, where, limit, worker, now, lease)))
    for (channel, account), per_minute in sorted(limits.items()):
        room = limit - len(rows)
        if room <= 0:
            break
        rows += _claim_limited(h, worker, channel, account, per_minute, room, now, lease)
    return rows


def _claim_limited(
    h: Held,
    worker: str,
    channel: str,
    account: str,
    per_minute: int,
    room: int,
    now: datetime,
    lease: datetime,
) -> list[Claimed]:
    mine = sa.and_(T.c.channel == channel, T.c.account == account)
    with h.tx() as conn:
        due = conn.execute(sa.select(T.c.id).where(_due(now), mine).limit(1)).first()
        if due is None:
            return []
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_rate_key(channel, account))))
        used = conn.scalar(
            sa.select(sa.func.count())
            .select_from(T)
            .where(
                mine,
                sa.or_(
                    sa.and_(T.c.status == OutboxStatus.SENT, T.c.next_attempt_at > now - RATE_WINDOW),
                    sa.and_(T.c.status == OutboxStatus.SENDING, T.c.claimed_until >= now),
                ),
            )
        )
        budget = min(room, per_minute - int(used or 0))
        if budget <= 0:
            return []
        return _rows(conn.execute(_claim_stmt(conn, [_due(now), mine], budget, worker, now, lease)))


def _rate_key(channel: str, account: str) -> int:
    digest = hashlib.blake2b(f"jiuye-rate:{channel}:{account}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def renew(on: Container | Held, worker: str, until: datetime) -> set[int]:
    """Extend the lease of every row `worker` still holds (so a live but slow worker keeps them); their ids.

    Rows locked at this moment are skipped rather than waited for: the worker's own recorder is writing their
    outcome (waiting could dead-lock with it), or another worker is claiming them because the lease ran out."""
    mine = sa.select(T.c.id).where(T.c.claimed_by == worker, T.c.status == OutboxStatus.SENDING)
    h = held(on)
    with h.tx() as conn:
        if conn.dialect.name == "postgresql":
            mine = mine.with_for_update(skip_locked=True)
        stmt = sa.update(T).where(T.c.id.in_(mine.scalar_subquery())).values(claimed_until=until).returning(T.c.id)
        return {int(i) for i in conn.scalars(stmt)}


# ------------------------------------------------------------------------------------ WeChat window slots


def reserve_slot(conn: sa.Connection, row: Claimed, *, limit: int, window: timedelta, now: datetime) -> bool:
    """Take one of the user's customer-service messages of the current 48 h window, atomically; False if none left."""
    ci = cast(sa.Table, ChannelIdentity.__table__)
    stmt = (
        sa.update(ci)
        .where(
            ci.c.channel == row.channel,
            ci.c.account == row.account,
            ci.c.platform_user_id == row.target_id,
            ci.c.last_inbound_at > now - window,
            ci.c.window_sent < limit,
        )
        .values(window_sent=ci.c.window_sent + 1)
        .returning(ci.c.id)
    )
    return conn.execute(stmt).first() is not None
