"""What a conversation remembers (pure): pending questions expire, lists are numbered, values survive JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.conversation.memory import (
    PENDING_DAYS,
    Flow,
    Memory,
    choice_data,
    choice_from,
    preference_data,
    preference_from,
    status_data,
    status_from,
)
from bot.dialogue import Choice, Expect, StatusSlots
from bot.domain import Preference

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


def test_each_flow_tells_the_parser_what_it_waits_for() -> None:
    assert Memory(flow=Flow.CONFIRM_PREFERENCE).expect is Expect.CONFIRM
    assert Memory(flow=Flow.CONFIRM_STATUS).expect is Expect.CONFIRM
    assert Memory(flow=Flow.CHOOSE_STATUS).expect is Expect.CHOICE
    assert Memory(flow=Flow.BINDING).expect is Expect.BINDING
    assert Memory(flow=Flow.CHECKIN).expect is Expect.STATUS
    assert Memory().expect is None


def test_a_pending_question_lives_two_weeks_and_the_list_stays() -> None:
    memory = Memory(shown=[7, 8, 9], offset=3)
    memory.wait_for(Flow.CONFIRM_STATUS, status={"code": "10"})
    row = json.loads(json.dumps(memory.to_data()))  # as the JSON column hands it back
    expires = memory.expires_at(NOW)
    assert expires == NOW + timedelta(days=PENDING_DAYS)
    again = Memory.from_row("confirm_status", row, expires, NOW + timedelta(days=3))
    assert again.flow is Flow.CONFIRM_STATUS and again.pending == {"status": {"code": "10"}}
    assert again.shown == [7, 8, 9] and again.offset == 3
    stale = Memory.from_row("confirm_status", row, expires, NOW + timedelta(days=PENDING_DAYS, seconds=1))
    assert stale.flow is None and stale.pending == {} and stale.shown == [7, 8, 9]


def test_an_unknown_flow_is_ignored_rather_than_failing() -> None:
    memory = Memory.from_row("something_else", {"pending": {"x": 1}}, None, NOW)
    assert memory.flow is None and memory.pending == {}
    assert Memory.from_row(None, None, None, NOW) == Memory()


def test_numbers_refer_to_the_last_list_shown() -> None:
    memory = Memory(shown=[41, 42, 43])
    assert memory.posting_at(1) == 41 and memory.posting_at(3) == 43
    assert memory.posting_at(0) is None and memory.posting_at(4) is None
    memory.clear()
    assert memory.flow is None and memory.shown == [41, 42, 43]


def test_pending_values_round_trip_through_json() -> None:
    pref = Preference(city_adcodes=("420500",), positions=("护士",), salary_min=5000)
    assert preference_from(json.loads(json.dumps(preference_data(pref)))) == pref
    slots = StatusSlots(code=None, candidates=("10", "11"), employer="华工激光")
    assert status_from(json.loads(json.dumps(status_data(slots)))) == slots
    choice = Choice(2, "劳动合同", "11")
    assert choice_from(json.loads(json.dumps(choice_data(choice)))) == choice
