from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.checkins.cadence import CheckinFacts, Step, cadence_days, decide
from bot.config import ScheduleSettings

CFG = ScheduleSettings()
NOW = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)
BASE = CheckinFacts(
    graduate_id=7,
    placed=False,
    verified=False,
    hardship=False,
    unplaced_reason="求职中",
    last_sent_at=None,
    last_answered_at=None,
    followup_sent=False,
    unanswered=0,
    escalated=False,
)


def test_cadences_by_status() -> None:
    assert cadence_days(BASE, CFG) == 7
    assert cadence_days(replace(BASE, hardship=True), CFG) == 3
    assert cadence_days(replace(BASE, unplaced_reason="签约中"), CFG) == 3
    assert cadence_days(replace(BASE, placed=True), CFG) == 30
    assert cadence_days(replace(BASE, placed=True, verified=True), CFG) is None


def test_first_checkin_is_due_and_keyed_by_period() -> None:
    first = decide(BASE, NOW, CFG)
    assert first.step is Step.CHECKIN and first.key is not None
    # The same period yields the same key, so re-running the scheduler cannot send twice.
    assert decide(BASE, NOW + timedelta(hours=1), CFG).key == first.key


def test_not_due_again_until_cadence_passed() -> None:
    asked = replace(BASE, last_sent_at=NOW, last_answered_at=NOW + timedelta(hours=1))
    assert decide(asked, NOW + timedelta(days=6), CFG).step is Step.NONE
    assert decide(asked, NOW + timedelta(days=7, hours=1), CFG).step is Step.CHECKIN


def test_followup_once_after_silence() -> None:
    asked = replace(BASE, last_sent_at=NOW)
    assert decide(asked, NOW + timedelta(hours=47), CFG).step is Step.NONE
    follow = decide(asked, NOW + timedelta(hours=48), CFG)
    assert follow.step is Step.FOLLOWUP and follow.key == f"followup:7:{int(NOW.timestamp())}"
    assert decide(replace(asked, followup_sent=True), NOW + timedelta(hours=50), CFG).step is Step.NONE


def test_answer_cancels_followup() -> None:
    answered = replace(BASE, last_sent_at=NOW, last_answered_at=NOW + timedelta(hours=2))
    assert decide(answered, NOW + timedelta(hours=49), CFG).step is Step.NONE


def test_escalation_after_two_unanswered() -> None:
    silent = replace(BASE, last_sent_at=NOW, followup_sent=True, unanswered=2)
    assert decide(silent, NOW + timedelta(days=1), CFG).escalate
    assert not decide(replace(silent, escalated=True), NOW + timedelta(days=1), CFG).escalate
    assert not decide(replace(silent, unanswered=1), NOW + timedelta(days=1), CFG).escalate


def test_hardship_asked_every_three_days() -> None:
    hard = replace(BASE, hardship=True, last_sent_at=NOW, last_answered_at=NOW)
    assert decide(hard, NOW + timedelta(days=2), CFG).step is Step.NONE
    assert decide(hard, NOW + timedelta(days=3), CFG).step is Step.CHECKIN
