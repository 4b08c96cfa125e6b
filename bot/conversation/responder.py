"""The dialogue engine the inbound pipeline calls: one message in, the replies out (`Responder` protocol).

Routing: a staff binding code first (anyone may send one); then by who the sender is — a staff identity gets the
counselor commands, a bound graduate their flows, anyone else the gate (privacy notice, binding, general answers).
Everything happens in the pipeline's transaction through `ctx.session`; nothing here sends anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.conversation import gate, graduate, staff, texts
from bot.conversation.turn import Turn
from bot.domain import InboundKind, OutboundMessage
from models import StaffUser

if TYPE_CHECKING:
    from bot.container import Container
    from bot.inbox import ResponderContext

# Menu clicks (WeChat custom menu keys) as the words they stand for.
MENU_WORDS = {"recommend": "推荐", "more": "换一批", "help": "帮助", "unsubscribe": "退订"}


def _text(ctx: ResponderContext) -> str:
    msg = ctx.msg
    if msg.kind is InboundKind.CLICK:
        return MENU_WORDS.get((msg.event_key or "").strip().lower(), "帮助")
    if msg.kind is InboundKind.SUBSCRIBE:
        return "你好"
    return msg.text


class DialogueResponder:
    def __init__(self, container: Container) -> None:
        self.container = container

    def respond(self, ctx: ResponderContext) -> list[OutboundMessage]:
        msg = ctx.msg
        if msg.kind is InboundKind.UNSUBSCRIBE:
            return []
        if msg.kind is InboundKind.OTHER:
            return [OutboundMessage(texts.ONLY_TEXT)]
        turn = Turn(ctx, self.container)
        text = _text(ctx)
        if msg.kind is InboundKind.SUBSCRIBE:
            turn.say(texts.WELCOME)
        if not staff.try_bind_code(turn, text):
            user = turn.session.get(StaffUser, turn.identity.staff_user_id) if turn.identity.staff_user_id else None
            if user is not None and user.active:
                staff.handle(turn, user, text)
            elif turn.graduate is not None:
                graduate.handle(turn, text)
            else:
                gate.handle(turn, text)
        _note_for_log(ctx, turn)
        return turn.finish()


def _note_for_log(ctx: ResponderContext, turn: Turn) -> None:
    """What the pipeline logs with the inbound message: the parsed intent (ConversationLog.intent) and, when the
    message held a binding secret, the text with the secret masked."""
    ctx.intent = turn.intent
    if turn.log_text is not None:
        ctx.log_text = turn.log_text
