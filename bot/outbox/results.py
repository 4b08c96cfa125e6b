"""Writing send outcomes back to the outbox, a group at a time, in one transaction.

PostgreSQL: one `UPDATE ... FROM unnest(<arrays>)` per kind of outcome, whatever the group's size: a single round
trip, and a statement psycopg parses once (its parameters are a handful of arrays, not one per row). SQLite: the
same updates executed for many parameter sets. A sent row is recorded as sent even if its lease passed to another
worker meanwhile (it did go out); the other outcomes apply only while this worker still holds the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from psycopg.types.json import Jsonb

from bot.outbox.claim import Claimed, Held, held
from models import ChannelIdentity, OutboxMessage, OutboxStatus

if TYPE_CHECKING:
    from bot.container import Container

T = cast(sa.Table, OutboxMessage.__table__)
VERDICTS = ("sent", "retry", "release", "park", "cancel")


@dataclass(frozen=True, slots=True)
class Result:
    """What became of one claimed row. `verdict`: sent | retry | park | cancel | release (back, attempt undone)
    | lost (another worker holds it now: nothing to write)."""

    id: int
    verdict: str
    error: str | None = None
    response: dict[str, Any] | None = None
    next_at: datetime | None = None


def record(
    on: Container | Held,
    worker: str,
    results: Sequence[Result],
    now: datetime,
    *,
    unused_slots: Sequence[Claimed] = (),
) -> None:
    """Write a group of outcomes in one transaction, giving back the WeChat window slots of rows that did not go
    out."""
    groups: dict[str, list[Result]] = {}
    for r in sorted(results, key=lambda r: r.id):  # one lock order for every writer
        if r.verdict in VERDICTS:
            groups.setdefault(r.verdict, []).append(r)
    if not groups and not unused_slots:
        return
    with held(on).tx() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            # Not waiting for the WAL flush is safe here: if the server crashed and lost this commit, the rows
            # would be sent again after their lease, exactly as after a worker crash (see bot.outbox.worker).
            conn.exec_driver_sql("SET LOCAL synchronous_commit TO off")
        for verdict, rows in groups.items():
            if postgres:
                conn.execute(_PG[verdict], _pg_params(verdict, rows, worker, now))
            else:
                conn.execute(_LITE[verdict], [_lite_params(verdict, r, worker, now) for r in rows])
        if unused_slots:
            _release_slots(conn, unused_slots)


# ------------------------------------------------------------------------------------------------ PostgreSQL

_PG = {
    "sent": sa.text(
        "UPDATE outbox AS o SET status = 'sent', sent_at = :now, next_attempt_at = :now, response = v.response, "
        "last_error = NULL, claimed_until = NULL "
        "FROM unnest(CAST(:ids AS bigint[]), CAST(:responses AS jsonb[])) AS v(id, response) "
        "WHERE o.id = v.id AND o.status <> 'sent'"
    ),
    "retry": sa.text(
        "UPDATE outbox AS o SET status = 'pending', next_attempt_at = v.next_at, last_error = v.error, "
        "claimed_by = NULL, claimed_until = NULL "
        "FROM unnest(CAST(:ids AS bigint[]), CAST(:next_at AS timestamptz[]), CAST(:errors AS text[])) "
        "AS v(id, next_at, error) WHERE o.id = v.id AND o.claimed_by = :worker AND o.status = 'sending'"
    ),
    "release": sa.text(
        "UPDATE outbox AS o SET status = 'pending', next_attempt_at = v.next_at, attempts = o.attempts - 1, "
        "claimed_by = NULL, claimed_until = NULL "
        "FROM unnest(CAST(:ids AS bigint[]), CAST(:next_at AS timestamptz[])) AS v(id, next_at) "
        "WHERE o.id = v.id AND o.claimed_by = :worker AND o.status = 'sending'"
    ),
    "park": sa.text(
        "UPDATE outbox AS o SET status = 'parked', last_error = v.error, claimed_by = NULL, claimed_until = NULL "
        "FROM unnest(CAST(:ids AS bigint[]), CAST(:errors AS text[])) AS v(id, error) "
        "WHERE o.id = v.id AND o.claimed_by = :worker AND o.status = 'sending'"
    ),
    "cancel": sa.text(
        "UPDATE outbox AS o SET status = 'cancelled', last_error = v.error, claimed_by = NULL, claimed_until = NULL "
        "FROM unnest(CAST(:ids AS bigint[]), CAST(:errors AS text[])) AS v(id, error) "
        "WHERE o.id = v.id AND o.claimed_by = :worker AND o.status = 'sending'"
    ),
}


def _pg_params(verdict: str, rows: Sequence[Result], worker: str, now: datetime) -> dict[str, Any]:
    params: dict[str, Any] = {"ids": [r.id for r in rows], "worker": worker, "now": now}
    if verdict == "sent":
        params["responses"] = [Jsonb(r.response or {}) for r in rows]
    if verdict in ("retry", "release"):
        params["next_at"] = [r.next_at or now for r in rows]
    if verdict in ("retry", "park", "cancel"):
        params["errors"] = [r.error for r in rows]
    return params


# ---------------------------------------------------------------------------------------------------- SQLite


def _typed(name: str) -> Any:
    return sa.bindparam(f"b_{name}", type_=T.c[name].type)


_ID = sa.bindparam("b_id", type_=T.c.id.type)
_MINE = sa.and_(T.c.id == _ID, T.c.claimed_by == sa.bindparam("b_worker"), T.c.status == OutboxStatus.SENDING)
_FREED = {"claimed_by": None, "claimed_until": None}
_LITE: dict[str, sa.Update] = {
    "sent": sa.update(T)
    .where(T.c.id == _ID, T.c.status != OutboxStatus.SENT)
    .values(
        status=OutboxStatus.SENT,
        sent_at=_typed("sent_at"),
        next_attempt_at=_typed("sent_at"),
        response=_typed("response"),
        last_error=None,
        claimed_until=None,
    ),
    "retry": sa.update(T)
    .where(_MINE)
    .values(status=OutboxStatus.PENDING, next_attempt_at=_typed("next_attempt_at"), last_error=_typed("last_error"))
    .values(**_FREED),
    "release": sa.update(T)
    .where(_MINE)
    .values(status=OutboxStatus.PENDING, next_attempt_at=_typed("next_attempt_at"), attempts=T.c.attempts - 1)
    .values(**_FREED),
    "park": sa.update(T).where(_MINE).values(status=OutboxStatus.PARKED, last_error=_typed("last_error"), **_FREED),
    "cancel": sa.update(T)
    .where(_MINE)
    .values(status=OutboxStatus.CANCELLED, last_error=_typed("last_error"), **_FREED),
}


def _lite_params(verdict: str, r: Result, worker: str, now: datetime) -> dict[str, Any]:
    params: dict[str, Any] = {"b_id": r.id, "b_worker": worker}
    if verdict == "sent":
        params.update(b_sent_at=now, b_response=r.response or {})
    if verdict in ("retry", "release"):
        params["b_next_attempt_at"] = r.next_at or now
    if verdict in ("retry", "park", "cancel"):
        params["b_last_error"] = r.error
    return params


# ------------------------------------------------------------------------------------ WeChat window slots


def _release_slots(conn: sa.Connection, rows: Sequence[Claimed]) -> None:
    """Give back the window slots of messages that did not go out after all."""
    ci = cast(sa.Table, ChannelIdentity.__table__)
    stmt = (
        sa.update(ci)
        .where(
            ci.c.channel == sa.bindparam("b_channel"),
            ci.c.account == sa.bindparam("b_account"),
            ci.c.platform_user_id == sa.bindparam("b_user"),
            ci.c.window_sent > 0,
        )
        .values(window_sent=ci.c.window_sent - 1)
    )
    conn.execute(stmt, [{"b_channel": r.channel.value, "b_account": r.account, "b_user": r.target_id} for r in rows])
