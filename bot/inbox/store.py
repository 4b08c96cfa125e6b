"""Storing inbound messages before they are acknowledged, and reading them back.

1. `record` (the acknowledgement path) writes one `inbound_dedupe` row per message, with the message itself as
   `payload`, many messages per transaction (group commit). The unique (channel, account, dedupe_key) makes the
   platform's retries, a restart or a second worker find the row instead of adding one.
2. `bot.inbox.processing` claims a recorded row and answers it exactly once; the claim, the stored reply and the
   identity upsert are statements built here, once per dialect.

Group messages that do not address the bot are not stored at all: bystanders' chatter is none of our business.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from typing import Any, Protocol, cast

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects import postgresql, sqlite

from bot.clock import Clock
from bot.domain import ChannelKind, InboundKind, InboundMessage, OutboundMessage
from bot.inbox.rows import bounded_key
from bot.storage.database import Database
from bot.storage.writes import process_lock, writing_now
from models import ChannelIdentity, ConversationLog, InboundDedupe


class StoreDeps(Protocol):
    """What storing and reading the inbox uses (the container has it)."""

    @property
    def db(self) -> Database: ...

    @property
    def clock(self) -> Clock: ...


log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Receipt:
    """What `record` learnt about one message."""

    dedupe_id: int
    new: bool  # first time this platform message was seen
    processed: bool  # already processed: `stored` is the answer the platform got the first time
    stored: list[OutboundMessage]


def ignored(msg: InboundMessage) -> bool:
    return bool(msg.group_id) and not msg.to_me


# ------------------------------------------------------------------------------------------------------- record

_Key = tuple[str, str, str]  # (channel, account, dedupe key): the unique key of inbound_dedupe


def record(deps: StoreDeps, msgs: Sequence[InboundMessage]) -> list[Receipt]:
    """Store the messages (one transaction, however many); a receipt per message, in order."""
    if not msgs:
        return []
    now, keys = deps.clock.now(), _keys(msgs)
    rows = _first_of_each(msgs, keys)  # serialised before the write lock is taken: it is held for the SQL only
    with process_lock(deps.db), connect_immediate(deps.db) as conn, conn.begin():
        inserted, known = _store(conn, keys, rows, now)
    return _receipts(keys, inserted, known)


def record_now(deps: StoreDeps, msgs: Sequence[InboundMessage]) -> list[Receipt] | None:
    """`record` if the database can be written without waiting (bot.dbwrite.writing_now), else None.

    The event loop's group commit: on SQLite a batch is one local transaction of about a millisecond, cheaper on
    the loop than the two thread hand-offs around it (measured +30 % acknowledgements per second in
    bench/webhook.py); whenever a lock is in the way the caller records on a worker thread instead.
    """
    if not msgs:
        return []
    now, keys = deps.clock.now(), _keys(msgs)
    with writing_now(deps.db) as conn:
        if conn is None:
            return None
        inserted, known = _store(conn, keys, _first_of_each(msgs, keys), now)
    return _receipts(keys, inserted, known)


def _keys(msgs: Sequence[InboundMessage]) -> list[_Key]:
    return [(m.channel.value, m.account, bounded_key(m.dedupe_key)) for m in msgs]


def _store(
    conn: sa.Connection, keys: Sequence[_Key], rows: Sequence[tuple[_Key, str]], now: datetime
) -> tuple[dict[_Key, int], dict[_Key, tuple[int, str | None, datetime | None]]]:
    inserted = {(channel, account, key): row_id for row_id, channel, account, key in _insert_new(conn, rows, now)}
    known = _existing(conn, statements(conn.dialect.name), [k for k in keys if k not in inserted])
    return inserted, known


def _receipts(
    keys: Sequence[_Key], inserted: dict[_Key, int], known: dict[_Key, tuple[int, str | None, datetime | None]]
) -> list[Receipt]:
    receipts: list[Receipt] = []
    claimed: set[_Key] = set()
    for key in keys:
        if key in inserted and key not in claimed:
            claimed.add(key)
            receipts.append(Receipt(inserted[key], new=True, processed=False, stored=[]))
            continue
        dedupe_id, reply, processed_at = known.get(key) or (inserted[key], None, None)
        receipts.append(Receipt(dedupe_id, new=False, processed=processed_at is not None, stored=decode(reply)))
    return receipts


def _first_of_each(msgs: Sequence[InboundMessage], keys: Sequence[_Key]) -> list[tuple[_Key, str]]:
    """One row per distinct key, with its payload as JSON: a platform retry that lands in the same batch is a
    duplicate, not a second row."""
    seen: set[_Key] = set()
    rows: list[tuple[_Key, str]] = []
    for msg, key in zip(msgs, keys, strict=True):
        if key in seen:
            continue
        seen.add(key)
        rows.append((key, json.dumps(to_payload(msg), ensure_ascii=False)))
    return rows


def _insert_new(
    conn: sa.Connection, rows: Sequence[tuple[_Key, str]], now: datetime
) -> list[tuple[int, str, str, str]]:
    """Insert the rows whose key is new; (id, channel, account, dedupe_key) of each row inserted.

    The acknowledgement path's one write, so it is issued at the driver level: a multi-row INSERT whose text is
    cached per row count, with the values already in the form the column types would bind (the timestamp
    converted once per batch, the payload serialised once), instead of SQLAlchemy's per-row bind processing,
    which cost as much as the database work itself.
    """
    dialect = conn.dialect
    stamp = _received_at_bind(dialect)(now)
    out: list[tuple[int, str, str, str]] = []
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        params: list[Any] = []
        for (channel, account, dedupe_key), payload in chunk:
            params += (channel, account, dedupe_key, stamp, payload)
        result = conn.exec_driver_sql(_insert_sql(dialect.name, len(chunk)), tuple(params))
        out += [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in result]
    return out


_CHUNK = 256
_INSERT_COLUMNS = "channel, account, dedupe_key, received_at, payload, attempts"


@lru_cache(maxsize=128)
def _insert_sql(dialect: str, count: int) -> str:
    one = "(%s, %s, %s, %s, CAST(%s AS JSONB), 0)" if dialect == "postgresql" else "(?, ?, ?, ?, ?, 0)"
    table = InboundDedupe.__tablename__
    # Built from constants and a row count only; every value is a bound parameter.
    return (
        f"INSERT INTO {table} ({_INSERT_COLUMNS}) VALUES {', '.join([one] * count)} "  # noqa: S608
        "ON CONFLICT DO NOTHING RETURNING id, channel, account, dedupe_key"
    )


def _received_at_bind(dialect: sa.Dialect) -> Any:
    """The column type's own conversion of a timestamp to what the driver is given (a string on SQLite)."""
    process = _RECEIVED_AT_BINDS.get(dialect.name)
    if process is None:
        column_type = cast(sa.Table, InboundDedupe.__table__).c.received_at.type
        process = column_type.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)
        _RECEIVED_AT_BINDS[dialect.name] = process
    return process


_RECEIVED_AT_BINDS: dict[str, Any] = {}


def _existing(
    conn: sa.Connection, sql: Statements, keys: Sequence[_Key]
) -> dict[_Key, tuple[int, str | None, datetime | None]]:
    found: dict[_Key, tuple[int, str | None, datetime | None]] = {}
    groups: dict[tuple[str, str], list[str]] = {}
    for channel, account, key in keys:
        groups.setdefault((channel, account), []).append(key)
    for (channel, account), dedupe_keys in groups.items():
        params = {"channel": channel, "account": account, "keys": dedupe_keys}
        for row in conn.execute(sql.lookup, params):
            found[(channel, account, row.dedupe_key)] = (int(row.id), row.reply, row.processed_at)
    return found


# -------------------------------------------------------------------------------------------------------- read


def stored_reply(deps: StoreDeps, dedupe_id: int) -> list[OutboundMessage]:
    with deps.db.engine.connect() as conn:
        reply = conn.execute(statements(conn.dialect.name).stored, {"row_id": dedupe_id}).scalar_one_or_none()
    return decode(reply)


def pending(deps: StoreDeps, *, older_than_s: float, limit: int = 100) -> list[int]:
    """Recorded but unprocessed messages (their process died, or they failed) that are due for another try."""
    cutoff = deps.clock.now() - timedelta(seconds=older_than_s)
    with deps.db.engine.connect() as conn:
        stmt = (
            sa.select(InboundDedupe.id)
            .where(
                InboundDedupe.processed_at.is_(None),
                InboundDedupe.received_at <= cutoff,
                InboundDedupe.attempts < MAX_ATTEMPTS,
            )
            .order_by(InboundDedupe.received_at, InboundDedupe.id)
            .limit(limit)
        )
        return [int(i) for i in conn.execute(stmt).scalars()]


def prune(deps: StoreDeps, *, older_than_days: int) -> int:
    """Forget processed messages older than the retention period (the conversation log keeps the turn)."""
    cutoff = deps.clock.now() - timedelta(days=older_than_days)
    with process_lock(deps.db), deps.db.engine.begin() as conn:
        result = conn.execute(
            sa.delete(InboundDedupe).where(InboundDedupe.processed_at.is_not(None), InboundDedupe.received_at < cutoff)
        )
    return int(result.rowcount or 0)


# ------------------------------------------------------------------------------------------------ serialisation


def to_payload(msg: InboundMessage) -> dict[str, Any]:
    # Field by field rather than dataclasses.asdict, which deep-copies: this runs for every webhook.
    return {
        "channel": msg.channel.value,
        "account": msg.account,
        "user_id": msg.user_id,
        "text": msg.text,
        "dedupe_key": msg.dedupe_key,
        "kind": msg.kind.value,
        "group_id": msg.group_id,
        "to_me": msg.to_me,
        "msg_id": msg.msg_id,
        "event_key": msg.event_key,
        "sent_at": msg.sent_at.isoformat() if msg.sent_at else None,
        "reply_context": msg.reply_context,
    }


def from_payload(data: dict[str, Any]) -> InboundMessage:
    values = dict(data)
    values["channel"] = ChannelKind(values["channel"])
    values["kind"] = InboundKind(values.get("kind", InboundKind.TEXT.value))
    sent = values.get("sent_at")
    values["sent_at"] = datetime.fromisoformat(sent) if sent else None
    values["reply_context"] = dict(values.get("reply_context") or {})
    return InboundMessage(**values)


def encode(replies: Sequence[OutboundMessage]) -> str:
    return json.dumps([{k: v for k, v in asdict(r).items() if v is not None} for r in replies], ensure_ascii=False)


def decode(stored: str | None) -> list[OutboundMessage]:
    return [OutboundMessage(**item) for item in json.loads(stored)] if stored else []


# ----------------------------------------------------------------------------------------------------- database


@dataclass(frozen=True, slots=True)
class Statements:
    """Built once per dialect: the hot path then pays for execution only, not statement construction."""

    lookup: Any
    claim: Any
    stored: Any
    store_reply: Any
    touch: Any
    touch_subscription: Any
    log: Any


@cache
def statements(dialect: str) -> Statements:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    dedupe, identity = cast(sa.Table, InboundDedupe.__table__), cast(sa.Table, ChannelIdentity.__table__)
    upsert = insert(identity)
    keys = ["channel", "account", "platform_user_id"]
    window = {"last_inbound_at": upsert.excluded.last_inbound_at, "window_sent": 0}
    return Statements(
        lookup=sa.select(dedupe.c.id, dedupe.c.dedupe_key, dedupe.c.reply, dedupe.c.processed_at).where(
            dedupe.c.channel == sa.bindparam("channel"),
            dedupe.c.account == sa.bindparam("account"),
            dedupe.c.dedupe_key.in_(sa.bindparam("keys", expanding=True)),
        ),
        claim=sa.update(dedupe)
        .where(dedupe.c.id == sa.bindparam("row_id"), dedupe.c.processed_at.is_(None))
        .values(processed_at=sa.bindparam("now"))
        .returning(dedupe.c.payload),
        stored=sa.select(dedupe.c.reply).where(dedupe.c.id == sa.bindparam("row_id")),
        # Processed: the reply is kept for the platform's retries; the message itself is dropped, since the
        # conversation log has it (with any secret masked) and personal data is kept no longer than needed.
        store_reply=sa.update(dedupe)
        .where(dedupe.c.id == sa.bindparam("row_id"))
        .values(reply=sa.bindparam("new_reply"), payload=sa.null()),
        touch=upsert.on_conflict_do_update(index_elements=keys, set_=window).returning(
            identity.c.id, identity.c.graduate_id
        ),
        touch_subscription=upsert.on_conflict_do_update(
            index_elements=keys, set_={**window, "subscribed": upsert.excluded.subscribed}
        ).returning(identity.c.id, identity.c.graduate_id),
        log=sa.insert(cast(sa.Table, ConversationLog.__table__)),
    )


def connect_immediate(db: Database) -> sa.Connection:
    # SQLite: take the write lock at BEGIN, so that the claim can never dead-lock on a lock upgrade.
    return db.engine.connect().execution_options(sqlite_begin="IMMEDIATE")
