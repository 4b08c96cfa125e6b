"""The durable inbox: stored before the ack, processed exactly once, inline when cheap, deferred under load."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot import inbox
from bot.clock import FakeClock
from bot.container import Container
from bot.domain import ChannelKind, InboundKind, InboundMessage, OutboundMessage
from bot.inbox.runtime import InboxRuntime, InboxSettings
from bot.storage.writes import process_lock
from models import ConversationLog, InboundDedupe, OutboxMessage
from models.db import SQLITE_BUSY_TIMEOUT_MS, make_engine
from tests.support.channels import CHANNELS, CountingResponder
from tests.support.containers import make_container


@pytest.fixture
def c(db_engine: Engine, clock: FakeClock) -> Container:
    container = make_container(db_engine, clock, CHANNELS)
    container.responder = CountingResponder("收到")
    return container


def wechat(n: int, user: str = "oUser1") -> InboundMessage:
    return InboundMessage(
        channel=ChannelKind.WECHAT_MP,
        account="safe",
        user_id=user,
        text=f"第{n}条",
        dedupe_key=f"msg:{n}",
        msg_id=str(n),
        sent_at=datetime(2026, 6, 1, 2, 0, tzinfo=UTC),
        reply_context={"me": "gh_x"},
    )


def web(n: int) -> InboundMessage:
    return InboundMessage(channel=ChannelKind.WEB, account="demo", user_id="w1", text="你好", dedupe_key=f"w:{n}")


def count(c: Container, model: type, *where: sa.ColumnElement[bool]) -> int:
    with c.sessions() as s:
        return int(s.execute(sa.select(sa.func.count()).select_from(model).where(*where)).scalar_one())


def test_payload_round_trip_covers_every_field() -> None:
    msg = dataclasses.replace(wechat(1), kind=InboundKind.CLICK, group_id="g1", to_me=False, event_key="MENU_1")
    payload = inbox.to_payload(msg)
    assert set(payload) == {f.name for f in dataclasses.fields(InboundMessage)}
    assert inbox.from_payload(payload) == msg


def test_record_is_one_row_per_message_and_finds_duplicates(c: Container) -> None:
    first = inbox.record(c, [wechat(1), wechat(2), wechat(1)])
    assert [(r.new, r.processed) for r in first] == [(True, False), (True, False), (False, False)]
    assert first[0].dedupe_id == first[2].dedupe_id != first[1].dedupe_id
    assert inbox.process(c, first[0].dedupe_id, passive=True) == [OutboundMessage("收到")]
    again = inbox.record(c, [wechat(1), wechat(3)])
    assert (again[0].new, again[0].processed, again[0].stored) == (False, True, [OutboundMessage("收到")])
    assert again[1].new
    assert count(c, InboundDedupe) == 3


def test_a_large_batch_is_stored_in_chunks_with_the_columns_the_orm_reads(c: Container, clock: FakeClock) -> None:
    msgs = [wechat(n, user=f"u{n % 7}") for n in range(600)] + [wechat(5), wechat(599)]
    receipts = inbox.record(c, msgs)
    assert [r.new for r in receipts] == [True] * 600 + [False, False]
    assert len({r.dedupe_id for r in receipts}) == 600
    assert receipts[600].dedupe_id == receipts[5].dedupe_id and receipts[601].dedupe_id == receipts[599].dedupe_id
    with c.sessions() as s:
        row = s.get(InboundDedupe, receipts[123].dedupe_id)
        assert row is not None
        assert (row.channel, row.account, row.dedupe_key) == (ChannelKind.WECHAT_MP, "safe", "msg:123")
        assert row.received_at == clock.now() and row.attempts == 0 and row.processed_at is None
        assert row.payload is not None and inbox.from_payload(row.payload) == msgs[123]
    assert count(c, InboundDedupe) == 600


def test_record_now_writes_only_when_nothing_is_in_the_way(c: Container) -> None:
    if c.engine.dialect.name != "sqlite":
        # Every PostgreSQL statement is a network round trip: never on the event loop.
        assert inbox.record_now(c, [wechat(1)]) is None
        assert count(c, InboundDedupe) == 0
        return
    (receipt,) = inbox.record_now(c, [wechat(1)]) or []
    assert receipt.new and count(c, InboundDedupe) == 1
    # The connection goes back to the pool with SQLite's usual patience.
    with c.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == SQLITE_BUSY_TIMEOUT_MS

    # Another thread of this process is writing: step aside at once.
    with process_lock(c.db):
        assert inbox.record_now(c, [wechat(2)]) is None

    # Another process holds SQLite's write lock (a CLI import, say): step aside at once, do not wait 30 s.
    other = make_engine(c.engine.url.render_as_string(hide_password=False))
    try:
        with other.connect().execution_options(sqlite_begin="IMMEDIATE") as holder, holder.begin():
            began = time.monotonic()
            assert inbox.record_now(c, [wechat(2)]) is None
            assert time.monotonic() - began < SQLITE_BUSY_TIMEOUT_MS / 1000 / 2
    finally:
        other.dispose()
    assert count(c, InboundDedupe) == 1
    with c.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == SQLITE_BUSY_TIMEOUT_MS

    # Nothing in the way again: the same message is stored once, a duplicate is found.
    again = inbox.record_now(c, [wechat(2), wechat(1)])
    assert again is not None and [r.new for r in again] == [True, False]
    assert again[1].dedupe_id == receipt.dedupe_id and count(c, InboundDedupe) == 2


def test_the_runtime_writes_on_a_worker_thread_when_the_lock_is_taken(c: Container) -> None:
    runtime = InboxRuntime(c, InboxSettings(inline_limit=0, sweep=False))

    async def burst(first: int) -> list[list[OutboundMessage]]:
        return await asyncio.gather(*(runtime.handle(wechat(n, user=f"u{n}")) for n in range(first, first + 10)))

    try:
        assert asyncio.run(burst(0)) == [[] for _ in range(10)]
        on_loop = runtime.recorded_on_loop
        assert on_loop >= (1 if c.engine.dialect.name == "sqlite" else 0)
        if c.engine.dialect.name == "sqlite":
            with process_lock(c.db):
                # The loop must not wait for this thread, which holds the lock until the batch has been handed over.
                task = threading.Thread(target=lambda: asyncio.run(burst(100)))
                task.start()
                time.sleep(0.3)
            task.join(30)
            assert not task.is_alive()
            assert runtime.recorded_on_loop == on_loop  # the second burst went through a worker thread
        assert runtime.drain(30)
    finally:
        runtime.stop()
    expected = 20 if c.engine.dialect.name == "sqlite" else 10
    assert count(c, InboundDedupe, InboundDedupe.processed_at.is_not(None)) == expected


def test_processing_happens_once_whoever_claims_first(c: Container) -> None:
    (receipt,) = inbox.record(c, [wechat(1)])
    assert inbox.process(c, receipt.dedupe_id, passive=True) == [OutboundMessage("收到")]
    assert inbox.process(c, receipt.dedupe_id, passive=False) is None
    assert c.responder.calls == 1  # type: ignore[attr-defined]
    assert count(c, OutboxMessage) == 0


def test_under_load_the_ack_comes_first_and_replies_go_through_the_outbox(c: Container) -> None:
    runtime = InboxRuntime(c, InboxSettings(inline_limit=0, sweep=False))

    async def burst() -> list[list[OutboundMessage]]:
        return await asyncio.gather(*(runtime.handle(wechat(n, user=f"u{n}")) for n in range(20)))

    try:
        answers = asyncio.run(burst())
        assert answers == [[] for _ in range(20)]  # acknowledged with "success", nothing passive
        assert runtime.drain(30)
    finally:
        runtime.stop()
    assert count(c, InboundDedupe, InboundDedupe.processed_at.is_not(None)) == 20
    with c.sessions() as s:
        rows = s.execute(sa.select(OutboxMessage)).scalars().all()
    assert sorted(r.target_id for r in rows) == sorted(f"u{n}" for n in range(20))
    assert {r.intent for r in rows} == {"reply"} and all(r.payload["text"] == "收到" for r in rows)
    assert count(c, ConversationLog, ConversationLog.direction == "out") == 20


def test_web_chat_always_answers_in_the_response(c: Container) -> None:
    runtime = InboxRuntime(c, InboxSettings(inline_limit=0, sweep=False))
    try:
        assert asyncio.run(runtime.handle(web(1))) == [OutboundMessage("收到")]
    finally:
        runtime.stop()


def test_when_cheap_the_platform_gets_the_passive_reply(c: Container) -> None:
    runtime = InboxRuntime(c, InboxSettings(sweep=False))
    try:
        assert asyncio.run(runtime.handle(wechat(1))) == [OutboundMessage("收到")]
        # The platform's retry is answered with the same reply, not processed again.
        assert asyncio.run(runtime.handle(wechat(1))) == [OutboundMessage("收到")]
    finally:
        runtime.stop()
    assert c.responder.calls == 1  # type: ignore[attr-defined]


def test_the_sweeper_processes_what_a_crash_left_behind(c: Container, clock: FakeClock) -> None:
    inbox.record(c, [wechat(1), wechat(2)])  # stored and acknowledged, then the process died
    assert inbox.pending(c, older_than_s=30) == []  # within the grace period the original may still be at it
    clock.advance(seconds=31)
    runtime = InboxRuntime(c, InboxSettings(sweep_older_than_s=30))
    try:
        runtime._sweep()
    finally:
        runtime.stop()
    assert count(c, InboundDedupe, InboundDedupe.processed_at.is_(None)) == 0
    assert count(c, OutboxMessage) == 2  # their HTTP requests are long gone: replies go out actively


def test_a_poison_message_is_retried_a_bounded_number_of_times(c: Container, clock: FakeClock) -> None:
    c.responder = CountingResponder(fail=True)
    (receipt,) = inbox.record(c, [wechat(1)])
    for _ in range(inbox.MAX_ATTEMPTS):
        with pytest.raises(RuntimeError):
            inbox.process(c, receipt.dedupe_id, passive=False)
    clock.advance(minutes=5)
    assert inbox.pending(c, older_than_s=30) == []
    with c.sessions() as s:
        row = s.get(InboundDedupe, receipt.dedupe_id)
        assert row is not None and row.attempts == inbox.MAX_ATTEMPTS and "dialogue crashed" in (row.last_error or "")


class SecretResponder:
    def respond(self, ctx):  # type: ignore[no-untyped-def]
        ctx.intent = "bind"
        ctx.log_text = ctx.msg.text.replace("01123X", "******")
        return [OutboundMessage("绑定成功")]


def test_a_processed_message_keeps_no_secret_only_the_masked_log(c: Container) -> None:
    c.responder = SecretResponder()
    msg = dataclasses.replace(wechat(1), text="绑定 2022001 李雷 01123X")
    (receipt,) = inbox.record(c, [msg])
    with c.sessions() as s:
        assert s.get(InboundDedupe, receipt.dedupe_id).payload["text"].endswith("01123X")  # type: ignore[union-attr]
    inbox.process(c, receipt.dedupe_id, passive=True)
    with c.sessions() as s:
        assert s.get(InboundDedupe, receipt.dedupe_id).payload is None  # type: ignore[union-attr]
        logged = s.execute(sa.select(ConversationLog).where(ConversationLog.direction == "in")).scalar_one()
    assert (logged.text, logged.intent) == ("绑定 2022001 李雷 ******", "bind")


def test_prune_forgets_processed_messages_past_retention_only(c: Container, clock: FakeClock) -> None:
    old = inbox.record(c, [wechat(1), wechat(2)])
    inbox.process(c, old[0].dedupe_id, passive=True)  # processed; old[1] stays unprocessed
    clock.advance(days=31)
    (recent,) = inbox.record(c, [wechat(3)])
    inbox.process(c, recent.dedupe_id, passive=True)
    assert inbox.prune(c, older_than_days=30) == 1
    with c.sessions() as s:
        left = set(s.execute(sa.select(InboundDedupe.id)).scalars())
    assert left == {old[1].dedupe_id, recent.dedupe_id}  # never drop what is still to be processed


def test_sweep_service_processes_and_counts(c: Container, clock: FakeClock) -> None:
    inbox.record(c, [wechat(1), wechat(2), wechat(3)])
    clock.advance(minutes=2)
    assert inbox.sweep(c, older_than_s=60) == 3
    assert inbox.sweep(c, older_than_s=60) == 0
