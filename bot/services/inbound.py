"""The inbound pipeline: one platform message in, the passive replies out, everything in one transaction.

1. Claim the message in `inbound_dedupe` (unique channel + account + key). The claim is an
   `INSERT ... ON CONFLICT DO NOTHING`, not a read-then-write: a platform retry, a restart or a second worker that
   races us either waits for our commit (PostgreSQL's unique index, SQLite's `BEGIN IMMEDIATE`) or finds our row,
   and is answered with the reply we stored — no second side effect.
2. Upsert the sender's `channel_identities` row (its last message opens WeChat's 48 h window).
3. Ask the responder (the dialogue engine) for replies; keep as many as the platform's passive answer carries,
   store them in the dedupe row, queue the rest in the outbox (QQ bot replies always go there).
4. Log the conversation both ways.

Group messages that do not address the bot are not stored at all: bystanders' chatter is none of our business.
Routes call `handle_inbound` in the thread pool; it never makes an outbound call.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot import outbox
from bot.domain import InboundKind, InboundMessage, OutboundMessage
from models import ChannelIdentity, ConversationLog, InboundDedupe

if TYPE_CHECKING:
    from bot.bootstrap import Container


class ResponderContext:
    """What the responder may use: the open transaction, the container, the message and its sender's identity.

    The ORM session and the identity row are created on first use, inside the pipeline's transaction: a reply
    that needs neither costs no extra work, and whatever the responder writes commits with the dedupe row.
    """

    def __init__(
        self, conn: sa.Connection, container: Container, msg: InboundMessage, identity_id: int, now: datetime
    ) -> None:
        self.conn = conn
        self.container = container
        self.msg = msg
        self.identity_id = identity_id
        self.now = now
        self._session: Session | None = None
        self._identity: ChannelIdentity | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            # Joins the open transaction; the pipeline, not the session, commits or rolls it back.
            self._session = self.container.sessions(bind=self.conn, join_transaction_mode="rollback_only")
        return self._session

    @property
    def identity(self) -> ChannelIdentity:
        if self._identity is None:
            self._identity = self.session.get(ChannelIdentity, self.identity_id, populate_existing=True)
            assert self._identity is not None, "the identity was upserted in this transaction"
        return self._identity

    def finish(self, graduate_before: int | None) -> int | None:
        """Write what the responder changed; the graduate bound to the sender now (it may have just bound)."""
        if self._session is None:
            return graduate_before
        self._session.flush()
        graduate_id = graduate_before if self._identity is None else self._identity.graduate_id
        self._session.close()
        return graduate_id


class Responder(Protocol):
    def respond(self, ctx: ResponderContext) -> list[OutboundMessage]:
        """Replies to one message, in order; state changes go into ctx.session (they commit with the dedupe row)."""
        ...


HELP_TEXT = (
    "我是就业助手，可以帮你：\n"
    "1. 绑定学籍：发送“绑定 学号 姓名”\n"
    "2. 登记求职意向：如“想去武汉做前端，月薪六千以上”\n"
    "3. 推荐岗位：发送“推荐”\n"
    "4. 反馈就业状态：如“已经签了华工激光”"
)


class DefaultResponder:
    """A friendly placeholder until the dialogue engine is wired in, so that every channel works end to end."""

    def respond(self, ctx: ResponderContext) -> list[OutboundMessage]:
        msg = ctx.msg
        if msg.kind is InboundKind.UNSUBSCRIBE:
            return []
        if msg.kind is InboundKind.SUBSCRIBE:
            return [OutboundMessage("欢迎使用就业助手！发送“帮助”查看我能做什么。")]
        if msg.kind is InboundKind.OTHER:
            return [OutboundMessage("暂时只能看懂文字消息，请直接打字告诉我。发送“帮助”查看功能。")]
        if msg.text.strip().lower() in {"帮助", "help", "菜单", "?", "？"}:
            return [OutboundMessage(HELP_TEXT)]
        return [OutboundMessage("你好！我是就业助手。发送“帮助”查看功能。")]


def handle_inbound(container: Container, msg: InboundMessage) -> list[OutboundMessage]:
    """Process one verified message exactly once; returns the passive replies (the stored ones for a duplicate)."""
    if msg.group_id and not msg.to_me:
        return []
    adapter = container.channels.get(msg.channel, msg.account)
    now = container.clock.now()
    with _sqlite_writer(container), _connect(container) as conn, conn.begin():
        sql = _statements(conn.dialect.name)
        key = {"channel": msg.channel, "account": msg.account, "dedupe_key": _bounded(msg.dedupe_key)}
        claimed = conn.execute(sql.claim, {**key, "received_at": now}).first()
        if claimed is None:
            return _decode(conn.execute(sql.stored, key).scalar_one_or_none())
        identity_id, graduate_before = _touch_identity(conn, sql, msg, now)
        ctx = ResponderContext(conn, container, msg, identity_id, now)
        replies = list(container.responder.respond(ctx))
        graduate_id = ctx.finish(graduate_before)
        limit = adapter.max_passive_replies
        passive, rest = (replies, []) if limit is None else (replies[:limit], replies[limit:])
        conn.execute(sql.store_reply, {"dedupe_id": claimed[0], "reply": _encode(passive)})
        for i, payload in enumerate(adapter.reply_payloads(msg, rest) if rest else []):
            outbox.enqueue(
                conn,
                idempotency_key=_reply_key(msg, i),
                channel=msg.channel,
                account=msg.account,
                target_kind="group" if msg.group_id else "user",
                target_id=msg.group_id or msg.user_id,
                payload=payload,
                intent="reply",
                graduate_id=graduate_id,
                now=now,
            )
        conn.execute(sql.log, _log_rows(msg, identity_id, graduate_id, now, passive, rest))
    return passive


@dataclass(frozen=True, slots=True)
class _Statements:
    """Built once per dialect: the webhook hot path then pays for execution only, not statement construction."""

    claim: Any
    stored: Any
    store_reply: Any
    touch: Any
    touch_subscription: Any
    log: Any


@cache
def _statements(dialect: str) -> _Statements:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    dedupe, identity = cast(sa.Table, InboundDedupe.__table__), cast(sa.Table, ChannelIdentity.__table__)
    # RETURNING rather than rowcount: psycopg reports -1 for an INSERT whose primary key comes back.
    claim = insert(dedupe).on_conflict_do_nothing().returning(dedupe.c.id)
    where = sa.and_(
        dedupe.c.channel == sa.bindparam("channel"),
        dedupe.c.account == sa.bindparam("account"),
        dedupe.c.dedupe_key == sa.bindparam("dedupe_key"),
    )
    upsert = insert(identity)
    keys = ["channel", "account", "platform_user_id"]
    window = {"last_inbound_at": upsert.excluded.last_inbound_at, "window_sent": 0}
    return _Statements(
        claim=claim,
        stored=sa.select(dedupe.c.reply).where(where),
        store_reply=sa.update(dedupe)
        .where(dedupe.c.id == sa.bindparam("dedupe_id"))
        .values(reply=sa.bindparam("reply")),
        touch=upsert.on_conflict_do_update(index_elements=keys, set_=window).returning(
            identity.c.id, identity.c.graduate_id
        ),
        touch_subscription=upsert.on_conflict_do_update(
            index_elements=keys, set_={**window, "subscribed": upsert.excluded.subscribed}
        ).returning(identity.c.id, identity.c.graduate_id),
        log=sa.insert(cast(sa.Table, ConversationLog.__table__)),
    )


def _connect(container: Container) -> sa.Connection:
    # SQLite: take the write lock at BEGIN, so that the claim can never dead-lock on a lock upgrade.
    return container.engine.connect().execution_options(sqlite_begin="IMMEDIATE")


def _sqlite_writer(container: Container) -> AbstractContextManager[object]:
    """SQLite has one writer: queue this process's threads on a lock instead of SQLite's busy-sleep back-off."""
    if container.engine.dialect.name != "sqlite":
        return nullcontext()
    lock = container.extras.get("sqlite_write_lock")
    if lock is None:
        lock = container.extras.setdefault("sqlite_write_lock", threading.Lock())
    return lock  # type: ignore[no-any-return]


def _touch_identity(
    conn: sa.Connection, sql: _Statements, msg: InboundMessage, now: datetime
) -> tuple[int, int | None]:
    """Upsert the sender (their message reopens WeChat's 48 h window); returns (identity id, graduate id)."""
    subscription = msg.kind in (InboundKind.SUBSCRIBE, InboundKind.UNSUBSCRIBE)
    params = {
        "channel": msg.channel,
        "account": msg.account,
        "platform_user_id": msg.user_id[:128],
        "last_inbound_at": now,
        "window_sent": 0,
        "bind_failures": 0,
        "subscribed": msg.kind is not InboundKind.UNSUBSCRIBE,
        "created_at": now,
    }
    row = conn.execute(sql.touch_subscription if subscription else sql.touch, params).one()
    return int(row[0]), row[1]


def _log_rows(
    msg: InboundMessage,
    identity_id: int,
    graduate_id: int | None,
    now: datetime,
    passive: Sequence[OutboundMessage],
    queued: Sequence[OutboundMessage],
) -> list[dict[str, Any]]:
    common = {
        "channel": msg.channel.value,
        "account": msg.account,
        "identity_id": identity_id,
        "graduate_id": graduate_id,
        "group_id": msg.group_id,
        "created_at": now,
        "intent": None,
    }
    data_in = _compact({"kind": msg.kind.value, "msg_id": msg.msg_id, "event_key": msg.event_key})
    text_in = msg.text or f"[{msg.kind.value}{':' + msg.event_key if msg.event_key else ''}]"
    rows = [{**common, "direction": "in", "text": text_in, "data": data_in}]
    for via, replies in (("passive", passive), ("outbox", queued)):
        rows += [{**common, "direction": "out", "text": r.text, "data": {"via": via}} for r in replies]
    return rows


def _encode(replies: Sequence[OutboundMessage]) -> str:
    return json.dumps([_compact(asdict(r)) for r in replies], ensure_ascii=False)


def _decode(stored: str | None) -> list[OutboundMessage]:
    return [OutboundMessage(**item) for item in json.loads(stored)] if stored else []


def _reply_key(msg: InboundMessage, index: int) -> str:
    digest = hashlib.sha256(f"{msg.channel.value}|{msg.account}|{msg.dedupe_key}".encode()).hexdigest()[:40]
    return f"reply:{digest}:{index}"


def _bounded(key: str, limit: int = 192) -> str:
    """The dedupe key as stored: a longer one keeps its head and a digest of the whole, so keys never collide."""
    if len(key) <= limit:
        return key
    return key[: limit - 41] + "#" + hashlib.sha1(key.encode()).hexdigest()  # noqa: S324 (an identifier, not a secret)


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}
