"""Senders who are not bound yet: the privacy notice once, binding, and general answers. Nothing else.

An unbound sender never sees a name, a posting list, a status or a statistic: whatever they ask that needs a
student record is answered with how to bind. In a group, binding is refused outright (the secret would be read by
everyone) and the sender is asked to write privately.
"""

from __future__ import annotations

import re

from bot.conversation import binding, general, texts
from bot.conversation.memory import Flow
from bot.conversation.turn import Turn
from bot.dialogue import BindingSlots, Intent, parse
from bot.dialogue.normalize import normalize

# After "还需要你的身份证号后六位", the answer is often the bare secret.
_BARE_SECRET = re.compile(r"^[0-9a-z]{4,8}$")
_MAYBE_BINDING = frozenset({Intent.UNKNOWN, Intent.SMALLTALK, Intent.CHOOSE, Intent.CONFIRM, Intent.DENY, Intent.BIND})


def privacy_notice(turn: Turn) -> bool:
    """Show the privacy notice once per identity; True if it was shown now."""
    identity = turn.identity
    if identity.privacy_notice_at is not None:
        return False
    identity.privacy_notice_at = turn.now
    turn.say(texts.PRIVACY_NOTICE)
    return True


def handle(turn: Turn, text: str) -> None:
    settings = turn.container.settings
    if turn.in_group:
        _in_group(turn, text)
        return
    first = privacy_notice(turn)
    result = parse(text, "graduate", today=turn.today)
    if turn.memory.flow is Flow.BINDING and result.intent in _MAYBE_BINDING:
        # Only now read it as the rest of a binding: "推荐" or "退订" mid-binding keep their meaning.
        result = parse(text, "graduate", expecting=turn.memory.expect, today=turn.today)
        bare = "".join(normalize(text).text.split())
        if result.intent is not Intent.BIND and _BARE_SECRET.match(bare):
            turn.intent = Intent.BIND.value
            binding.attempt(turn, BindingSlots(secret=bare.upper()))
            return
    turn.intent = result.intent.value
    if result.intent is Intent.BIND and result.binding is not None:
        binding.attempt(turn, result.binding)
        return
    if result.intent is Intent.UNSUBSCRIBE:
        turn.say(texts.UNBOUND_UNSUBSCRIBE)
        return
    if result.intent is Intent.FAQ:
        general.answer_question(turn, result, college_id=None, fallback=texts.FAQ_MISS)
        turn.say(texts.bind_instructions(settings.binding_secret))
        return
    if result.intent is Intent.HELP:
        turn.say(texts.unbound_help(settings.binding_secret))
        return
    if not first and result.intent is not Intent.SMALLTALK:
        turn.say(texts.NEED_BINDING)
    turn.say(texts.bind_instructions(settings.binding_secret))


def _in_group(turn: Turn, text: str) -> None:
    result = parse(text, "graduate", today=turn.today)
    turn.intent = result.intent.value
    if result.intent is Intent.BIND:
        turn.say(texts.GROUP_NO_SECRETS)
    elif result.intent in (Intent.HELP, Intent.FAQ, Intent.SMALLTALK):
        general.general(
            turn, result, help_text=texts.unbound_help(turn.container.settings.binding_secret), college_id=None
        )
    else:
        turn.say(texts.PRIVATE_ONLY)
