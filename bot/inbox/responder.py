"""The responder port: what the inbound pipeline hands the dialogue engine (`ResponderContext`) and what it
expects back (`Responder`); `DefaultResponder` is the placeholder that keeps every channel working end to end."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import InboundKind, InboundMessage, OutboundMessage
from models import ChannelIdentity


class ResponderContext:
    """What the responder may use: the open transaction, the message and its sender's identity.

    The ORM session and the identity row are created on first use, inside the pipeline's transaction: a reply
    that needs neither costs no extra work, and whatever the responder writes commits with the dedupe row.
    """

    def __init__(
        self,
        conn: sa.Connection,
        sessions: sessionmaker[Session],
        msg: InboundMessage,
        identity_id: int,
        now: datetime,
    ) -> None:
        self.conn = conn
        self._sessions = sessions
        self.msg = msg
        self.identity_id = identity_id
        self.now = now
        # Set by the responder for the conversation log: the parsed intent, and the inbound text as it may be
        # stored when it held a secret (a binding secret masked).
        self.intent: str | None = None
        self.log_text: str | None = None
        self._session: Session | None = None
        self._identity: ChannelIdentity | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            # Joins the open transaction; the pipeline, not the session, commits or rolls it back.
            self._session = self._sessions(bind=self.conn, join_transaction_mode="rollback_only")
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
