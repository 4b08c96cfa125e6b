"""The inbound pipeline's entry points: the responder interface, the placeholder responder, `handle_inbound`.

The durable inbox (bot/services/inbox.py) stores each platform message before it is acknowledged and processes it
exactly once; `handle_inbound` is the synchronous path (record, then process with a passive answer) used where a
caller wants the replies at once. The webhook route goes through bot/inbox_runtime.py, which batches the writes and
defers processing under load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain import InboundKind, InboundMessage, OutboundMessage
from bot.services import inbox
from bot.services.inbound_support import Responder, ResponderContext

if TYPE_CHECKING:
    from bot.bootstrap import Container

__all__ = ["HELP_TEXT", "DefaultResponder", "Responder", "ResponderContext", "handle_inbound"]

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
    """Store and process one verified message exactly once; the passive replies (the stored ones for a duplicate)."""
    if inbox.ignored(msg):
        return []
    (receipt,) = inbox.record(container, [msg])
    if receipt.processed:
        return receipt.stored
    replies = inbox.process(container, receipt.dedupe_id, passive=True)
    return inbox.stored_reply(container, receipt.dedupe_id) if replies is None else replies
