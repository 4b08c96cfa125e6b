"""A bound graduate's message: first what the conversation waits for (a confirmation, a numbered choice, a
check-in answer), then what the message asks for.

A pending question survives whatever does not answer it (the graduate may look at a posting or ask something
before answering; help, FAQ and small talk repeat the question) and is replaced only by a new question: other
wishes or another status. In a group, only general answers are given; everything personal is for a private chat.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.conversation import general, pending, preferences, recommend, status, texts
from bot.conversation.memory import Flow
from bot.conversation.turn import Turn
from bot.dialogue import Intent, ParseResult, parse
from bot.domain import FeedbackKind

_GENERAL = frozenset({Intent.HELP, Intent.SMALLTALK, Intent.FAQ, Intent.UNKNOWN})


def handle(turn: Turn, text: str) -> None:
    result = parse(text, "graduate", expecting=turn.memory.expect, today=turn.today)
    turn.intent = (result.staff_only or result.intent).value
    if result.staff_only is not None:
        turn.say(texts.STAFF_ONLY)
        return
    if turn.in_group:
        if result.intent not in _GENERAL or not general.general(
            turn, result, help_text=texts.GRADUATE_HELP, college_id=general.college_of(turn)
        ):
            turn.say(texts.PRIVATE_ONLY)
        return
    if _answers_pending(turn, result):
        return
    if result.intent in _GENERAL:
        general.general(turn, result, help_text=texts.GRADUATE_HELP, college_id=general.college_of(turn))
        _remind(turn)
        return
    _act(turn, result)


def _answers_pending(turn: Turn, result: ParseResult) -> bool:
    """Handle the message as the answer the conversation waits for; False if it is not one."""
    flow, intent = turn.memory.flow, result.intent
    if flow is Flow.CONFIRM_PREFERENCE:
        actions: dict[Intent, Callable[[], None]] = {
            Intent.CONFIRM: lambda: preferences.confirm(turn),
            Intent.DENY: lambda: preferences.deny(turn),
            Intent.SET_PREFERENCE: lambda: preferences.propose(turn, result.preference, result.text),
        }
    elif flow is Flow.CONFIRM_STATUS:
        actions = {
            Intent.CONFIRM: lambda: status.confirm(turn),
            Intent.DENY: lambda: status.deny(turn),
            Intent.STATUS_UPDATE: lambda: status.propose(turn, result.status, result.clarification),
        }
    elif flow is Flow.CHOOSE_STATUS:
        actions = {
            Intent.CHOOSE: lambda: status.choose(turn, result.index),
            Intent.STATUS_UPDATE: lambda: status.propose(turn, result.status, result.clarification),
            Intent.DENY: lambda: _cancel(turn),
        }
    else:
        return False
    action = actions.get(intent)
    if action is None and flow is Flow.CONFIRM_PREFERENCE and intent is Intent.RECOMMEND and result.preference:
        action = actions[Intent.SET_PREFERENCE]
    if action is None:
        return False
    action()
    return True


def _cancel(turn: Turn) -> None:
    turn.memory.clear()
    turn.say(texts.OK)


def _remind(turn: Turn) -> None:
    if turn.memory.flow in (Flow.CONFIRM_PREFERENCE, Flow.CONFIRM_STATUS, Flow.CHOOSE_STATUS):
        asked = pending.question(turn.memory, turn.container.codebook)
        if asked:
            turn.say("（还在等你确认）" + asked)


def _act(turn: Turn, result: ParseResult) -> None:
    intent = result.intent
    if intent is Intent.SET_PREFERENCE:
        preferences.propose(turn, result.preference, result.text)
    elif intent is Intent.RECOMMEND:
        if result.preference is not None and not result.preference.empty:
            preferences.propose(turn, result.preference, result.text)
        else:
            recommend.show(turn)
    elif intent is Intent.MORE:
        recommend.more(turn)
    elif intent in (Intent.DETAIL, Intent.CHOOSE):
        recommend.detail(turn, result.index)
    elif intent is Intent.INTERESTED:
        recommend.feedback(turn, result.index, FeedbackKind.INTERESTED)
    elif intent is Intent.APPLIED:
        recommend.feedback(turn, result.index, FeedbackKind.APPLIED)
    elif intent is Intent.REJECT:
        recommend.feedback(turn, result.index, FeedbackKind.REJECTED, result.reject)
    elif intent is Intent.STATUS_UPDATE:
        status.propose(turn, result.status, result.clarification)
    elif intent is Intent.UNSUBSCRIBE:
        general.subscription(turn, subscribe=False)
    elif intent is Intent.RESUBSCRIBE:
        general.subscription(turn, subscribe=True)
    elif intent is Intent.BIND:
        turn.say(texts.ALREADY_BOUND)
    else:  # CONFIRM / DENY with nothing pending
        turn.say(texts.OK)
