"""What a conversation is waiting for, as a plain value (pure: no storage).

A conversation waits for at most one thing at a time (`flow`): a confirmation of understood wishes or of a status,
a numbered choice, the rest of a binding, or the answer to a check-in the scheduler sent. Independently it keeps
the last list of postings shown, because "详情 3" means the third posting of that list, whichever channel the
graduate answers on and however much later.

The scheduler may set `flow = CHECKIN` on `g:<graduate id>` when it asks "工作有着落了吗？": a bare "没有" is then
read as "not placed yet" rather than a plain no.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from bot.dialogue import Choice, Expect, StatusSlots
from bot.domain import Preference


class Flow(enum.StrEnum):
    CONFIRM_PREFERENCE = "confirm_preference"
    CONFIRM_STATUS = "confirm_status"
    CHOOSE_STATUS = "choose_status"
    BINDING = "binding"
    CHECKIN = "checkin"


CHECKIN = Flow.CHECKIN.value
# A question left open this long is forgotten: an "对" a month later confirms nothing.
PENDING_DAYS = 14

_EXPECT = {
    Flow.CONFIRM_PREFERENCE: Expect.CONFIRM,
    Flow.CONFIRM_STATUS: Expect.CONFIRM,
    Flow.CHOOSE_STATUS: Expect.CHOICE,
    Flow.BINDING: Expect.BINDING,
    Flow.CHECKIN: Expect.STATUS,
}


@dataclass
class Memory:
    flow: Flow | None = None
    pending: dict[str, Any] = field(default_factory=dict)
    shown: list[int] = field(default_factory=list)  # posting ids of the last list, numbered from 1
    offset: int = 0  # where "换一批" continues in the graduate's active list

    @property
    def expect(self) -> Expect | None:
        return _EXPECT.get(self.flow) if self.flow else None

    def wait_for(self, flow: Flow, **pending: Any) -> None:
        self.flow = flow
        self.pending = pending

    def clear(self) -> None:
        self.flow = None
        self.pending = {}

    def posting_at(self, n: int) -> int | None:
        """The posting numbered `n` in the last list shown; None if there is no such number."""
        return self.shown[n - 1] if 1 <= n <= len(self.shown) else None

    def to_data(self) -> dict[str, Any]:
        return {"pending": self.pending, "shown": self.shown, "offset": self.offset}

    @classmethod
    def from_row(
        cls, flow: str | None, data: dict[str, Any] | None, expires_at: datetime | None, now: datetime
    ) -> Memory:
        data = data or {}
        known = flow in Flow._value2member_map_
        live = known and (expires_at is None or expires_at > now)
        return cls(
            flow=Flow(flow) if live and flow else None,
            pending=dict(data.get("pending") or {}) if live else {},
            shown=[int(p) for p in data.get("shown") or []],
            offset=int(data.get("offset") or 0),
        )

    def expires_at(self, now: datetime) -> datetime | None:
        return now + timedelta(days=PENDING_DAYS) if self.flow else None


# ------------------------------------------------------------------------------------ pending values as JSON


def preference_data(pref: Preference) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(pref).items()}


def preference_from(data: dict[str, Any]) -> Preference:
    values: dict[str, Any] = {}
    for f in fields(Preference):
        if f.name in data:
            value = data[f.name]
            values[f.name] = tuple(value) if isinstance(value, list) else value
    return Preference(**values)


def status_data(slots: StatusSlots) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(slots).items()}


def status_from(data: dict[str, Any]) -> StatusSlots:
    values: dict[str, Any] = {}
    for f in fields(StatusSlots):
        if f.name in data:
            value = data[f.name]
            values[f.name] = tuple(value) if isinstance(value, list) else value
    return StatusSlots(**values)


def choice_data(choice: Choice) -> dict[str, Any]:
    return asdict(choice)


def choice_from(data: dict[str, Any]) -> Choice:
    return Choice(**{f.name: data[f.name] for f in fields(Choice) if f.name in data})
