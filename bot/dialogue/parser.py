"""`parse(text, role)`: the one entry point of the understanding layer (pure; no storage, no network).

The conversation flows pass what they are waiting for (`expecting`), because a bare "没有" means "not placed
yet" after "工作有着落了吗？" and just "no" anywhere else.
"""

from __future__ import annotations

import enum
import re
from datetime import date

from bot.dialogue import binding, counselor
from bot.dialogue.clarify import not_yet_question, status_question
from bot.dialogue.graduate import Reading, classify, is_question
from bot.dialogue.normalize import bare, normalize, strip_punct
from bot.dialogue.result import Intent, ParseResult, StatusSlots
from bot.domain import Role

GRADUATE = "graduate"
# Chat platforms cap a message near this size; anything longer is read only this far (the text is kept whole).
MAX_CHARS = 2000
STAFF_ROLES = frozenset(r.value for r in Role)
# What staff may say besides their commands; the rest of the graduate vocabulary is not theirs.
_STAFF_GENERAL = frozenset({Intent.HELP, Intent.CONFIRM, Intent.DENY, Intent.CHOOSE, Intent.SMALLTALK, Intent.FAQ})


class Expect(enum.StrEnum):
    """What the conversation just asked, if anything."""

    STATUS = "status"  # "工作有着落了吗？"
    CONFIRM = "confirm"  # "我理解的是……，对吗？"
    CHOICE = "choice"  # a numbered list
    BINDING = "binding"  # "请发送学号、姓名和身份证后六位"


def _check_role(role: str) -> str:
    value = str(role)
    if value != GRADUATE and value not in STAFF_ROLES:
        raise ValueError(f"未知角色“{value}”（可用：graduate、counselor、college、admin）")
    return value


def _empty_reading(raw: str, had_symbols: bool) -> Reading:
    if re.fullmatch(r"\s*[?？]+\s*", raw):
        return Reading(Intent.HELP, 0.8)
    return Reading(Intent.SMALLTALK, 0.5) if had_symbols else Reading(Intent.UNKNOWN, 0.0)


def _with_expectation(reading: Reading, text: str, expecting: Expect | None) -> Reading:
    if expecting is Expect.STATUS and reading.intent in {Intent.DENY, Intent.CONFIRM}:
        if reading.intent is Intent.DENY:
            slots = StatusSlots(code=None, candidates=("70", "71", "72"))
            return Reading(Intent.STATUS_UPDATE, 0.6, status=slots, clarification=not_yet_question())
        slots = StatusSlots(code=None, candidates=("10", "11", "70", "80"))
        return Reading(Intent.STATUS_UPDATE, 0.5, status=slots, clarification=status_question(slots.candidates))
    if expecting is Expect.BINDING and reading.intent is not Intent.BIND:
        found = binding.binding_slots(text)
        if found.student_no or found.name:
            return Reading(Intent.BIND, 0.7, binding=found)
    if expecting is Expect.CHOICE and reading.index is not None and len(bare(text)) <= 6:
        return Reading(Intent.CHOOSE, 0.9, index=reading.index)
    return reading


def _staff(text: str, today: date | None) -> tuple[Reading, counselor.Command | None]:
    command = counselor.command(text, today=today)
    if command is not None:
        return Reading(command.intent, 0.95 if command.strong else 0.75), command
    reading = classify(text)
    if reading.intent not in _STAFF_GENERAL:
        return Reading(Intent.UNKNOWN, 0.1), None
    return reading, None


def parse(
    text: str,
    role: str = GRADUATE,
    *,
    expecting: Expect | str | None = None,
    today: date | None = None,
) -> ParseResult:
    """What a chat message says. `role` is "graduate" or a staff role; `today` dates deadlines without a year."""
    role = _check_role(role)
    expect = Expect(expecting) if expecting else None
    normalized = normalize(text[:MAX_CHARS])
    norm = normalized.text
    command: counselor.Command | None = None
    staff_only: Intent | None = None
    if not strip_punct(norm):
        reading = _empty_reading(norm, normalized.had_symbols)
    elif role != GRADUATE:
        reading, command = _staff(norm, today)
    else:
        command = counselor.command(norm, today=today)
        if command is not None and command.strong and not is_question(norm):
            reading, staff_only, command = Reading(Intent.UNKNOWN, 0.9), command.intent, None
        else:
            command = None
            reading = _with_expectation(classify(norm), norm, expect)
    return ParseResult(
        text=text,
        normalized=norm,
        role=role,
        intent=reading.intent,
        confidence=reading.confidence,
        index=reading.index,
        status=reading.status,
        preference=reading.preference,
        reject=reading.reject,
        binding=reading.binding,
        posting=command.posting if command else None,
        broadcast=command.broadcast if command else None,
        scope=command.scope if command else None,
        query=reading.query,
        staff_only=staff_only,
        clarification=reading.clarification,
    )
