"""One message being answered: the open transaction, the sender, what the conversation remembers, the reply.

Replies are gathered into ONE chat message (WeChat, WeCom and OneBot carry a single passive reply; more would
spill into the outbox and, on WeChat, spend the 48 h window's few customer-service messages), cut to what the
channel can carry.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.conversation import store
from bot.conversation.memory import Memory
from bot.domain import Capabilities, OutboundMessage
from models import ChannelIdentity, Graduate

if TYPE_CHECKING:
    from bot.container import Container
    from bot.inbox import ResponderContext


class Turn:
    def __init__(self, ctx: ResponderContext, container: Container) -> None:
        self.ctx = ctx
        self.container = container
        self.session: Session = ctx.session
        self.identity: ChannelIdentity = ctx.identity
        self.now: datetime = ctx.now
        self.today: date = ctx.now.astimezone(ZoneInfo(container.settings.schedule.timezone)).date()
        self.caps: Capabilities = container.channels.get(ctx.msg.channel, ctx.msg.account).capabilities
        self.in_group = bool(ctx.msg.group_id)
        self.graduate: Graduate | None = None
        if self.identity.graduate_id is not None:
            self.graduate = self.session.get(Graduate, self.identity.graduate_id)
        self.key = self._key()
        self.memory: Memory = store.load(self.session, self.key, self.now)
        self.intent: str | None = None
        self.log_text: str | None = None  # the inbound text as it may be logged, when it held a secret
        self._parts: list[str] = []
        self._url: str | None = None
        self._title: str | None = None

    def _key(self) -> str:
        if self.graduate is not None:
            return store.graduate_key(self.graduate.id)
        return store.identity_key(self.identity.id)

    @property
    def graduate_id(self) -> int:
        assert self.graduate is not None, "a bound graduate's flow"
        return self.graduate.id

    @property
    def actor(self) -> str:
        """Who acts, as the audit log names a chat user: channel and identity (never the platform's user id)."""
        return f"chat:{self.identity.channel.value}:{self.identity.id}"

    def redact(self, secret: str) -> None:
        """Keep `secret` (a binding secret the sender typed) out of the conversation log."""
        text = self.log_text if self.log_text is not None else self.ctx.msg.text
        self.log_text = re.sub(re.escape(secret), "*" * len(secret), text, flags=re.IGNORECASE)

    def say(self, text: str) -> None:
        if text:
            self._parts.append(text)

    def link(self, url: str, title: str) -> None:
        self._url, self._title = url, title

    @property
    def max_chars(self) -> int:
        return self.caps.max_text_chars

    @property
    def room(self) -> int:
        """Characters still free in this turn's message for one more part."""
        used = sum(len(p) + 2 for p in self._parts)
        return self.max_chars - used - (len(self._url) + 16 if self._url else 0)

    def became_graduate(self, graduate: Graduate) -> None:
        """The sender just bound: from now on the conversation is the graduate's, on every channel."""
        store.forget(self.session, self.key)
        self.graduate = graduate
        self.key = store.graduate_key(graduate.id)
        self.memory = store.load(self.session, self.key, self.now)

    def finish(self) -> list[OutboundMessage]:
        store.save(self.session, self.key, self.memory, self.now)
        if not self._parts:
            return []
        text = "\n\n".join(self._parts)
        limit = self.max_chars - (len(self._url) + 16 if self._url else 0)
        if len(text) > limit:
            text = text[: max(limit - 1, 1)] + "…"
        return [OutboundMessage(text, title=self._title, url=self._url)]
