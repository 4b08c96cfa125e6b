"""outbox.enqueue on both databases: idempotent by key, scheduled, validated."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot import outbox
from bot.container import Container
from models import OutboxMessage, OutboxStatus


def add(c: Container, key: str = "k1", **overrides: object) -> bool:
    args: dict[str, object] = {
        "idempotency_key": key,
        "channel": "wecom",
        "account": "corp",
        "target_kind": "user",
        "target_id": "zhangsan",
        "payload": {"text": "3 个新岗位"},
        "intent": "new_matches",
        "now": c.clock.now(),
        **overrides,
    }
    with c.sessions() as s, s.begin():
        return outbox.enqueue(s, **args)  # type: ignore[arg-type]


def test_a_key_is_queued_once(container: Container) -> None:
    assert add(container) is True
    assert add(container, payload={"text": "changed"}) is False
    with container.sessions() as s:
        rows = s.execute(sa.select(OutboxMessage)).scalars().all()
    assert len(rows) == 1
    row = rows[0]
    assert (row.status, row.attempts, row.payload, row.intent) == (
        OutboxStatus.PENDING,
        0,
        {"text": "3 个新岗位"},
        "new_matches",
    )
    assert row.next_attempt_at == container.clock.now()


def test_not_before_and_priority(container: Container) -> None:
    later = container.clock.now() + timedelta(hours=8)
    assert add(container, "k2", not_before=later, priority=5, target_kind="group", target_id="CHAT1")
    with container.sessions() as s:
        row = s.execute(sa.select(OutboxMessage)).scalar_one()
    assert (row.next_attempt_at, row.priority, row.target_kind) == (later, 5, "group")


def test_enqueue_rolls_back_with_its_transaction(container: Container) -> None:
    with pytest.raises(RuntimeError), container.sessions() as s, s.begin():
        outbox.enqueue(
            s,
            idempotency_key="k3",
            channel="web",
            account="demo",
            target_kind="user",
            target_id="u",
            payload={},
            intent="x",
        )
        raise RuntimeError("the change that caused the message failed")
    with container.sessions() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(OutboxMessage)).scalar_one() == 0


@pytest.mark.parametrize(
    "bad", [{"target_kind": "channel"}, {"idempotency_key": ""}, {"idempotency_key": "x" * 193}, {"target_id": ""}]
)
def test_invalid_rows_are_refused(container: Container, bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        add(container, **bad)
