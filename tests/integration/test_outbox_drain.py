"""The outbox drain on both databases: send and record, back-off, parking, token refresh, rate limits, leases."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import httpx
import pytest

from bot import outbox
from bot.clock import FakeClock, SystemClock
from bot.container import Container
from bot.outbox.claim import claim
from bot.outbox.worker import DrainOptions
from models import OutboxStatus
from tests.support.push import (
    FAST,
    ONEBOT_PATH,
    ROBOT_PATH,
    WECOM_PATH,
    bodies,
    drainer,
    queue,
    rows,
    world,
)
from tests.unit.channels.fakes import reply


def test_a_due_row_is_sent_once_and_its_answer_kept(container: Container) -> None:
    c, platform = world(container)
    queue(c, "k1", payload={"text": "你好"})
    queue(c, "later", not_before=c.clock.now() + timedelta(minutes=5))
    assert drainer(c).drain() == 1
    sent = rows(c)["k1"]
    assert (sent.status, sent.attempts, sent.sent_at) == (OutboxStatus.SENT, 1, c.clock.now())
    assert sent.response == {"errcode": 0, "errmsg": "ok", "msgid": 1}
    assert [b["text"]["content"] for b in bodies(platform, WECOM_PATH)] == ["你好"]
    assert rows(c)["later"].status is OutboxStatus.PENDING
    assert drainer(c).drain() == 0  # nothing due, nothing sent twice
    assert len(bodies(platform, WECOM_PATH)) == 1


def test_transient_failures_back_off_exponentially_then_park(container: Container) -> None:
    c, platform = world(container)
    platform.routes[WECOM_PATH] = reply(200, errcode=-1, errmsg="system busy")
    queue(c, "busy")
    clock = c.clock
    assert isinstance(clock, FakeClock)
    delays = []
    for _ in range(c.settings.outbox_max_attempts - 1):
        drainer(c).drain()
        row = rows(c)["busy"]
        assert row.status is OutboxStatus.PENDING and "system busy" in (row.last_error or "")
        delays.append((row.next_attempt_at - clock.now()).total_seconds())
        clock.set(row.next_attempt_at)
    # No jitter in FAST: 30 s, 60 s, 120 s, ... capped at one hour.
    assert delays == [min(30.0 * 2**i, 3600.0) for i in range(len(delays))]
    drainer(c).drain()
    row = rows(c)["busy"]
    assert row.status is OutboxStatus.PARKED
    assert row.attempts == c.settings.outbox_max_attempts
    assert f"已尝试 {row.attempts} 次" in (row.last_error or "")


def test_retry_after_from_the_platform_is_respected(container: Container) -> None:
    c, platform = world(container)
    platform.routes[WECOM_PATH] = lambda r: httpx.Response(429, headers={"Retry-After": "600"}, json={})
    queue(c, "limited")
    drainer(c).drain()
    row = rows(c)["limited"]
    assert row.status is OutboxStatus.PENDING
    assert row.next_attempt_at == c.clock.now() + timedelta(seconds=600)


def test_permanent_error_parks_at_once_and_admin_retry_requeues(container: Container) -> None:
    c, platform = world(container)
    platform.routes[WECOM_PATH] = reply(200, errcode=81013, errmsg="user not found")
    queue(c, "gone")
    drainer(c).drain()
    row = rows(c)["gone"]
    assert (row.status, row.attempts) == (OutboxStatus.PARKED, 1)
    assert "81013" in (row.last_error or "")
    platform.routes[WECOM_PATH] = reply(200, errcode=0, errmsg="ok")
    with c.sessions.begin() as s:
        again = outbox.retry(s, row.id, now=c.clock.now())
        assert (again.status, again.attempts) == (OutboxStatus.PENDING, 0)
    drainer(c).drain()
    assert rows(c)["gone"].status is OutboxStatus.SENT


def test_expired_token_is_refreshed_and_the_send_retried_at_once(container: Container) -> None:
    c, platform = world(container)
    platform.routes[WECOM_PATH] = [reply(200, errcode=42001, errmsg="access_token expired"), reply(200, errcode=0)]
    queue(c, "tok")
    drainer(c).drain()
    row = rows(c)["tok"]
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)
    tokens = [r.url.params.get("access_token") for r in platform.requests if r.url.path == WECOM_PATH]
    assert tokens == ["T1", "T2"]  # the stale token was dropped and a fresh one fetched


def test_unknown_account_is_parked_with_a_reason(container: Container) -> None:
    c, _ = world(container)
    queue(c, "nowhere", account="removed")
    drainer(c).drain()
    row = rows(c)["nowhere"]
    assert row.status is OutboxStatus.PARKED and "未配置的渠道账号" in (row.last_error or "")


def test_group_robot_rate_limit_holds_across_workers(container: Container) -> None:
    c, platform = world(container)
    for i in range(25):
        queue(c, f"r{i}", channel="wecom_bot", account="robot", target_kind="group", target_id="g1")
    queue(c, "other", channel="onebot", account="qq", target_id="10001")
    assert drainer(c, "a").drain() + drainer(c, "b").drain() == 21
    assert len(bodies(platform, ROBOT_PATH)) == 20  # 20 a minute per robot, whoever sends
    assert len(bodies(platform, ONEBOT_PATH)) == 1  # other accounts are not held back
    clock = c.clock
    assert isinstance(clock, FakeClock)
    clock.advance(seconds=30)
    assert drainer(c, "b").drain() == 0
    clock.advance(seconds=31)
    assert drainer(c, "a").drain() == 5
    assert Counter(r.status for r in rows(c).values()) == {OutboxStatus.SENT: 26}


def test_a_dead_workers_rows_are_claimed_again_after_the_lease(container: Container) -> None:
    c, platform = world(container)
    queue(c, "a")
    queue(c, "b")
    now = c.clock.now()
    taken = claim(c, "dead-worker", limit=1, lease_s=120, now=now)
    assert [r.key for r in taken] == ["a"]
    assert drainer(c).drain() == 1  # only b: a's lease is alive
    clock = c.clock
    assert isinstance(clock, FakeClock)
    clock.advance(seconds=121)
    assert drainer(c).drain() == 1
    row = rows(c)["a"]
    assert (row.status, row.attempts, row.claimed_by) == (OutboxStatus.SENT, 2, "w1")
    assert len(bodies(platform, WECOM_PATH)) == 2


def test_a_row_near_the_end_of_its_lease_is_not_sent(container: Container) -> None:
    c, platform = world(container)
    queue(c, "late")
    d = drainer(c)
    rows_ = claim(c, d.name, limit=5, lease_s=10, now=c.clock.now())  # shorter than the 15 s safety margin
    _, result = d._send(rows_[0])
    assert result.verdict == "release" and platform.requests == []


def test_platform_dedupe_answer_counts_as_delivered(container: Container) -> None:
    c, platform = world(container)
    platform.routes["/v2/users/u1/messages"] = reply(400, code=40054005, message="消息被去重，请检查请求msgseq")
    queue(
        c,
        "qq",
        channel="qqbot",
        account="official",
        target_id="u1",
        payload={"text": "hi", "msg_id": "m1", "msg_seq": 1},
    )
    drainer(c).drain()
    row = rows(c)["qq"]
    assert row.status is OutboxStatus.SENT
    assert row.response is not None and row.response["code"] == 40054005 and "平台去重" in row.response["jiuye_note"]


def test_priority_orders_the_claim(container: Container) -> None:
    c, _ = world(container)
    queue(c, "push", priority=-2)
    queue(c, "reply", priority=0)
    queue(c, "hardship", priority=-1)
    order = [claim(c, "w", limit=1, lease_s=60, now=c.clock.now())[0].key for _ in range(3)]
    assert order == ["reply", "hardship", "push"]
    assert claim(c, "w2", limit=3, lease_s=60, now=c.clock.now()) == []


@pytest.mark.parametrize("workers", [3])
def test_concurrent_drainers_send_each_row_once(container: Container, workers: int) -> None:
    c, platform = world(container)
    with c.sessions.begin() as s:
        outbox.enqueue_many(
            s,
            [
                {"idempotency_key": f"m{i}", "channel": "onebot", "account": "qq", "target_id": str(10000 + i),
                 "payload": {"text": f"#{i}"}, "intent": "reply"}
                for i in range(120)
            ],
            now=c.clock.now(),
        )  # fmt: skip
    threads = [threading.Thread(target=drainer(c, f"w{i}", FAST).drain) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    texts = Counter(b["message"] for b in bodies(platform, ONEBOT_PATH))
    assert len(texts) == 120 and set(texts.values()) == {1}
    assert Counter(r.status for r in rows(c).values()) == {OutboxStatus.SENT: 120}


def test_stopping_mid_drain_puts_unsent_rows_back(container: Container) -> None:
    c, platform = world(container)

    def slow(request: httpx.Request) -> httpx.Response:
        time.sleep(0.05)
        return httpx.Response(200, json={"status": "ok", "retcode": 0})

    platform.routes[ONEBOT_PATH] = slow
    with c.sessions.begin() as s:
        rows_ = [
            {"idempotency_key": f"s{i}", "channel": "onebot", "account": "qq", "target_id": str(20000 + i),
             "payload": {"text": f"#{i}"}, "intent": "reply"}
            for i in range(60)
        ]  # fmt: skip
        outbox.enqueue_many(s, rows_, now=c.clock.now())
    stop = threading.Event()
    d = drainer(c, "w", FAST)
    thread = threading.Thread(target=d.run, args=(stop,))
    thread.start()
    time.sleep(0.4)
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    states = Counter(r.status for r in rows(c).values())
    assert states[OutboxStatus.SENDING] == 0  # nothing left claimed: the rest is back in the queue at once
    assert 0 < states[OutboxStatus.SENT] < 60 and states[OutboxStatus.SENT] + states[OutboxStatus.PENDING] == 60
    assert states[OutboxStatus.SENT] == len(bodies(platform, ONEBOT_PATH))
    assert {r.attempts for r in rows(c).values() if r.status is OutboxStatus.PENDING} == {0}
    assert drainer(c).drain() == states[OutboxStatus.PENDING]  # and a worker picks them up straight away


def test_a_live_but_slow_worker_keeps_its_leases(container: Container) -> None:
    c, platform = world(container)
    c.clock = SystemClock()  # leases against real time: this worker takes longer than one lease

    def slow(request: httpx.Request) -> httpx.Response:
        time.sleep(0.25)
        return httpx.Response(200, json={"status": "ok", "retcode": 0})

    platform.routes[ONEBOT_PATH] = slow
    with c.sessions.begin() as s:
        rows_ = [
            {"idempotency_key": f"l{i}", "channel": "onebot", "account": "qq", "target_id": str(30000 + i),
             "payload": {"text": f"#{i}"}, "intent": "reply"}
            for i in range(12)
        ]  # fmt: skip
        outbox.enqueue_many(s, rows_, now=c.clock.now())
    short = DrainOptions(batch=12, concurrency=1, lease_s=1.2, idle_sleep_s=0.05)
    slow_worker = threading.Thread(target=drainer(c, "slow", short).drain)
    slow_worker.start()
    time.sleep(0.1)
    other = drainer(c, "other", short)
    while slow_worker.is_alive():  # another worker keeps trying to take rows whose lease ran out
        other.drain()
        time.sleep(0.1)
    sent = Counter(b["user_id"] for b in bodies(platform, ONEBOT_PATH))
    assert len(sent) == 12 and set(sent.values()) == {1}  # 3 s of work on 1.2 s leases: no row sent twice
    assert {r.claimed_by for r in rows(c).values()} == {"slow"}
