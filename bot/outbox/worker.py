"""The outbox drain: claim due rows, re-check them, send them concurrently, record the outcomes as they come.

A `Drainer` keeps `concurrency` sends in flight on a thread pool (one shared HTTP client and connection pool):
1. when fewer than half a batch is queued, it claims up to `batch` due rows under a lease (`bot.outbox.claim`:
   SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on SQLite; per-account rate limits are counted in the database, so
   they hold across all workers) while the previous batch is still going out;
2. it re-checks what may have changed since planning (`bot.push.recheck`: 退订, quiet hours, WeChat's 48 h
   window and per-window count) and re-plans or cancels what may no longer go out as queued;
3. it sends through the channel adapters; an expired access token is refreshed and the send retried at once, once;
4. each outcome goes to the `Recorder` (`bot.outbox.recorder`), which writes them in groups as fast as the database
   commits: sent with the platform's answer, retried with exponential back-off and jitter, or parked after
   `settings.outbox_max_attempts` attempts or a permanent error.
On stop, rows claimed but not begun are put back at once (their attempt undone); rows being sent finish.

Delivery guarantees, and the crash between send and record
-----------------------------------------------------------
A row is sent only by the worker holding its lease, and only while at least `lease_margin_s` (at most a quarter
of the lease) of the lease remain. A live worker renews the leases of all rows it holds every third of a lease
(sent rows still waiting for the recorder included), and skips a row whose lease it lost, so two live workers
never send the same row. If a worker dies (SIGKILL, power loss), the rows it claimed stay `sending` until their
lease expires; then any worker claims them again. Among
them may be requests the platform already received whose outcome was never recorded: the worker died after the
platform answered and before the recorder's next commit. Those are sent again: delivery is at-least-once on the
wire. Nothing on our side can close that gap, since none of these platforms can be asked whether a message
arrived. What keeps it exactly-once per idempotency key *for the recipient* is the platform's own deduplication,
fed with a key that is the same on every attempt of a row:
- QQ official bot replies carry `msg_id` + `msg_seq`, fixed when the row was queued; the platform refuses a
  second send of the same pair (code 40054005, 消息被去重), which `bot.outbox.policy` records as delivered;
- WeCom app messages ask for `enable_duplicate_check` (payload `duplicate_check`): the platform drops an
  identical message to the same member within `duplicate_check_interval`;
- WeChat customer-service and template messages, OneBot and the group robot have no such key: after a crash in
  that window a recipient may see a message twice. The window is kept small instead: outcomes are committed
  continuously (group commit), so of a dead worker's rows only those sent during its last commit or still in
  flight are in doubt, not its whole claimed batch; rows it claimed but never began are first sends when reclaimed.
`python -m bench.outbox --crash` measures this against a loopback platform that deduplicates like the QQ bot and
counts every arrival: `duplicated` (a key delivered twice) must be 0; `wire_resends` counts the resends the
platform absorbed.
"""

from __future__ import annotations

import os
import queue
import random
import socket
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import structlog

from bot.channels.base import SendContext, TokenSource
from bot.channels.tokens import TokenStore
from bot.domain import ChannelKind
from bot.errors import TransientSendError, UnknownAccount
from bot.outbox.claim import Claimed, Held, claim, renew
from bot.outbox.policy import Backoff, describe, judge
from bot.outbox.recorder import Outcome, Recorder
from bot.outbox.results import Result
from bot.push.recheck import recheck

if TYPE_CHECKING:
    from bot.container import Container

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class DrainOptions:
    batch: int = 200
    concurrency: int = 16
    lease_s: float = 120.0
    lease_margin_s: float = 15.0
    idle_sleep_s: float = 1.0
    backoff: Backoff = field(default_factory=Backoff)


class CachedTokens:
    """The shared token store with a short in-process cache in front: one database read per token per `ttl_s`
    instead of one per message. An expired token reported by an adapter is dropped here and in the store."""

    def __init__(self, store: TokenSource, ttl_s: float = 30.0) -> None:
        self._store = store
        self._ttl = ttl_s
        self._cache: dict[tuple[str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, channel: ChannelKind, account: str, fetch: Callable[[], tuple[str, float]]) -> str:
        key = (str(channel), account)
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and hit[1] > time.monotonic():
            return hit[0]
        token = self._store.get(channel, account, fetch)
        with self._lock:
            self._cache[key] = (token, time.monotonic() + self._ttl)
        return token

    def invalidate(self, channel: ChannelKind, account: str, stale: str) -> None:
        with self._lock:
            self._cache.pop((str(channel), account), None)
        self._store.invalidate(channel, account, stale)


def worker_id(index: int = 0) -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{index}"


class ThreadClients:
    """One HTTP client per sending thread, sharing the token cache. httpcore's pool walks all its connections on
    every request and serialises threads on its lock; a client per thread keeps both short."""

    def __init__(self, c: Container) -> None:
        self.c = c
        self._local = threading.local()
        self._clients: list[httpx.Client] = []
        self._lock = threading.Lock()
        self._tokens = CachedTokens(TokenStore(c.sessions, c.clock))

    def context(self) -> SendContext:
        ctx: SendContext | None = getattr(self._local, "ctx", None)
        if ctx is None:
            ctx = SendContext(http=self._client(), tokens=self._tokens, clock=self.c.clock)
            self._local.ctx = ctx
        return ctx

    def _client(self) -> httpx.Client:
        limits = httpx.Limits(max_connections=4, max_keepalive_connections=2)
        kwargs: dict[str, Any] = {"limits": limits}
        if self.c.http_transport is None:
            # Requests are small and many: send each at once rather than let Nagle wait for the previous ACK.
            nodelay = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
            kwargs["transport"] = httpx.HTTPTransport(limits=limits, socket_options=nodelay)
        client = self.c.http_client(**kwargs)
        with self._lock:
            self._clients.append(client)
        return client

    def close(self) -> None:
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            client.close()
        self._local = threading.local()


class Drainer:
    """Keeps `concurrency` sends in flight: claims the next batch while the last one is still going out, hands
    each outcome to the `Recorder` and never waits for the database to commit between sends."""

    def __init__(self, container: Container, name: str | None = None, options: DrainOptions | None = None) -> None:
        self.c = container
        self.name = name or worker_id()
        self.opts = options or DrainOptions()
        self._rng = random.Random()  # noqa: S311 (jitter, not security)
        self.limits = {
            (a.kind.value, a.account): a.capabilities.rate_per_minute
            for a in container.channels
            if a.capabilities.rate_per_minute
        }
        self._slots: set[int] = set()
        # Lease end per row claimed and not yet handed to the recorder; None: the lease passed to another worker.
        self._deadlines: dict[int, datetime | None] = {}
        self._deadlines_lock = threading.Lock()
        self._clients = ThreadClients(container)
        self.sent = 0

    def run(self, stop: threading.Event) -> None:
        """Drain until `stop` is set; rows claimed but not yet begun are put back at once on the way out."""
        self._pump(stop)

    def drain(self) -> int:
        """Until nothing is due and nothing in flight (tests and `jiuye outbox drain`); the rows handled."""
        return self._pump(None)

    def _pump(self, stop: threading.Event | None) -> int:
        recorder = Recorder(self.c, self.name).start()
        claims = Held(self.c)
        handled = 0
        inflight: dict[Future[tuple[Claimed, Result]], Claimed] = {}
        # Completed sends queue up here: waiting on the set of futures instead costs a pass over all of them.
        done: queue.SimpleQueue[Future[tuple[Claimed, Result]]] = queue.SimpleQueue()
        pool = ThreadPoolExecutor(self.opts.concurrency, f"send-{self.name}")
        renew_at = time.monotonic() + self.opts.lease_s / 3
        try:
            while stop is None or not stop.is_set():
                if time.monotonic() >= renew_at:
                    self._renew(claims)
                    renew_at = time.monotonic() + self.opts.lease_s / 3
                got = 0
                if len(inflight) < max(self.opts.concurrency, self.opts.batch // 2):
                    got = self._claim_and_submit(claims, pool, recorder, inflight, done)
                    handled += got
                if not inflight and not got:
                    if stop is None:
                        break
                    stop.wait(self.opts.idle_sleep_s)
                    continue
                try:
                    finished = [done.get(timeout=0.5)]
                except queue.Empty:
                    continue
                while not done.empty():
                    finished.append(done.get_nowait())
                self._record(recorder, [(f, inflight.pop(f)) for f in finished])
            for f in inflight:
                f.cancel()  # not begun: put back; begun: finishes and is recorded
        finally:
            pool.shutdown(wait=True)
            self._record(recorder, [(f, row) for f, row in inflight.items() if f.done()])
            recorder.stop()
            claims.close()
            self._clients.close()
            self.sent += recorder.sent
        return handled

    def _renew(self, claims: Held) -> None:
        """Keep the leases of this worker's rows fresh while it works on them; a row whose lease was lost meanwhile
        (this worker stalled past it) belongs to whoever claimed it next and is not sent here."""
        until = self.c.clock.now() + timedelta(seconds=self.opts.lease_s)
        try:
            mine = renew(claims, self.name, until)
        except Exception:
            log.exception("outbox.renew_failed", worker=self.name)
            return
        with self._deadlines_lock:
            for row_id in self._deadlines:
                self._deadlines[row_id] = until if row_id in mine else None

    def _claim_and_submit(
        self,
        claims: Held,
        pool: ThreadPoolExecutor,
        recorder: Recorder,
        inflight: dict[Future[tuple[Claimed, Result]], Claimed],
        done: queue.SimpleQueue[Future[tuple[Claimed, Result]]],
    ) -> int:
        now = self.c.clock.now()
        try:
            rows = claim(
                claims, self.name, limit=self.opts.batch, lease_s=self.opts.lease_s, now=now, limits=self.limits
            )
            checked = recheck(self.c, rows, now) if rows else None
        except Exception:  # a database hiccup must not kill the worker: log, and the caller waits a round
            log.exception("outbox.claim_failed", worker=self.name)
            return 0
        if checked is None:
            return 0
        self._slots |= checked.slots
        by_id = {r.id: r for r in rows}
        for result in checked.done:
            recorder.put(Outcome(by_id[result.id], result))
        with self._deadlines_lock:
            self._deadlines.update((row.id, row.claimed_until) for row in checked.send)
        for row in checked.send:
            future = pool.submit(self._send, row)
            inflight[future] = row
            future.add_done_callback(done.put)
        return len(rows)

    def _record(self, recorder: Recorder, finished: Iterable[tuple[Future[tuple[Claimed, Result]], Claimed]]) -> None:
        for f, row in finished:
            result = Result(row.id, "release", next_at=self.c.clock.now()) if f.cancelled() else f.result()[1]
            with self._deadlines_lock:
                self._deadlines.pop(row.id, None)
            if result.verdict != "lost":  # another worker holds it now: nothing of ours to record
                recorder.put(Outcome(row, result, row.id in self._slots))
            self._slots.discard(row.id)

    def _send(self, row: Claimed) -> tuple[Claimed, Result]:
        ctx = self._clients.context()
        now = self.c.clock.now()
        margin = min(self.opts.lease_margin_s, self.opts.lease_s / 4)
        with self._deadlines_lock:
            deadline = self._deadlines.get(row.id, row.claimed_until)
        if deadline is None:
            return row, Result(row.id, "lost")
        if now >= deadline - timedelta(seconds=margin):
            # Too close to the lease's end: another worker may claim it any moment, so do not send it here.
            return row, Result(row.id, "release", next_at=now)
        try:
            adapter = self.c.channels.get(row.channel, row.account)
        except UnknownAccount as exc:
            return row, Result(row.id, "park", f"无法发送：{describe(exc)}")
        try:
            try:
                response = adapter.send(ctx, _target(row), row.target_id, _wire(row))
            except TransientSendError as exc:
                if not exc.token_expired:
                    raise
                # The adapter dropped the stale token; the retry fetches a fresh one.
                response = adapter.send(ctx, _target(row), row.target_id, _wire(row))
        except Exception as exc:
            j = judge(
                row.channel,
                exc,
                attempts=row.attempts,
                max_attempts=self.c.settings.outbox_max_attempts,
                backoff=self.opts.backoff,
                rng=self._rng,
            )
            log.info("outbox.send_failed", row=row.id, verdict=j.verdict.value, error=j.error, worker=self.name)
            next_at = self.c.clock.now() + timedelta(seconds=j.delay_s)
            return row, Result(row.id, j.verdict.value, j.error, j.response, next_at)
        return row, Result(row.id, "sent", response=response if isinstance(response, dict) else {})


def _target(row: Claimed) -> Any:
    return "group" if row.target_kind == "group" else "user"


def _wire(row: Claimed) -> dict[str, Any]:
    """The payload as the adapter gets it (our planning keys are harmless to adapters and kept for the record)."""
    return row.payload
