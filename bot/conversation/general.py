"""Answers anyone may get: help, small talk, FAQ, unknown text; and a bound graduate's 退订 / 恢复推送."""

from __future__ import annotations

from bot.conversation import faq, texts
from bot.conversation.turn import Turn
from bot.dialogue import Intent, ParseResult
from bot.security import audit


def college_of(turn: Turn) -> int | None:
    if turn.graduate is not None:
        return turn.graduate.college_id
    return None


def answer_question(turn: Turn, result: ParseResult, *, college_id: int | None, fallback: str) -> None:
    """The FAQ's best answer to the message, or `fallback`."""
    query = result.query or result.normalized
    hits = faq.search(turn.container, turn.session, college_id, query) if query.strip() else []
    turn.say(faq.answer(hits) if hits else fallback)


def general(
    turn: Turn, result: ParseResult, *, help_text: str, college_id: int | None, smalltalk: str = texts.SMALLTALK
) -> bool:
    """Help, small talk, questions and unknown text; False if the message is none of these."""
    if result.intent is Intent.HELP:
        turn.say(help_text)
    elif result.intent is Intent.SMALLTALK:
        turn.say(smalltalk)
    elif result.intent is Intent.FAQ:
        answer_question(turn, result, college_id=college_id, fallback=texts.FAQ_MISS)
    elif result.intent is Intent.UNKNOWN:
        # Unknown words may still be a question the FAQ answers ("报到证" alone).
        answer_question(turn, result, college_id=college_id, fallback=texts.UNKNOWN)
    elif result.intent in (Intent.CONFIRM, Intent.DENY):
        turn.say(texts.OK)
    else:
        return False
    return True


def subscription(turn: Turn, subscribe: bool) -> None:
    """退订 (answers only, no pushes) or 恢复推送, for a bound graduate; recorded like a staff change."""
    graduate = turn.graduate
    assert graduate is not None
    if graduate.unsubscribed != (not subscribe):
        graduate.unsubscribed = not subscribe
        audit.record(
            turn.session,
            actor=turn.actor,
            action="graduate.resubscribe" if subscribe else "graduate.unsubscribe",
            object_type="graduate",
            object_id=graduate.id,
            detail={"channel": turn.identity.channel.value},
            at=turn.now,
        )
    turn.say(texts.RESUBSCRIBED if subscribe else texts.UNSUBSCRIBED)
