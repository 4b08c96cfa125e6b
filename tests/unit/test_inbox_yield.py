"""Background processing of the inbox gives way to acknowledgements during a burst, but not forever."""

from __future__ import annotations

from bot.inbox.runtime import InboxSettings, yield_pause

S = InboxSettings(yield_ratio=10.0, max_pause_s=0.1, max_wait_s=30.0)


def test_no_pause_when_requests_are_not_arriving() -> None:
    assert yield_pause(S, arrivals=0, took_s=0.002, waited_s=0.5) == 0.0
    assert yield_pause(S, arrivals=1, took_s=0.002, waited_s=0.5) == 0.0


def test_during_a_burst_processing_takes_one_part_in_eleven() -> None:
    assert yield_pause(S, arrivals=5, took_s=0.002, waited_s=0.5) == 0.02


def test_a_pause_is_bounded() -> None:
    assert yield_pause(S, arrivals=50, took_s=0.5, waited_s=1.0) == 0.1


def test_a_message_that_waited_too_long_is_worked_off_at_full_speed() -> None:
    assert yield_pause(S, arrivals=50, took_s=0.002, waited_s=29.9) == 0.02
    assert yield_pause(S, arrivals=50, took_s=0.002, waited_s=30.0) == 0.0
