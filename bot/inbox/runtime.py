"""The webhook side of the durable inbox: acknowledge fast, answer passively when cheap, never lose a message.

- Group commit: concurrent webhook requests hand their verified messages to `submit`; one writer stores everything
  that queued up while the previous batch was being written, in one transaction (bot.inbox.store.record). A
  lone request is a batch of one, so nothing waits for company. On SQLite the batch is written on the event loop
  itself when no lock is in the way (store.record_now), otherwise, and always on PostgreSQL, on a worker thread.
- Inline when cheap: if fewer than `inline_limit` messages are being processed and nothing is queued for the
  background, the request processes its message at once and the platform gets the passive reply (WeChat's 5 s
  window, OneBot's quick operation ...). The web chat always waits: its reply is the answer.
- Deferred under load: otherwise the request is acknowledged as soon as its message is stored, and a background
  thread processes it; replies then go out through the outbox (customer-service messages within WeChat's 48 h
  window, app messages, ...). "Never block the ack on an outbound call" holds either way.
- The sweeper re-processes what a crash left behind (stored but never processed), after a grace period.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from dataclasses import dataclass

import structlog

from bot.domain import InboundMessage, OutboundMessage
from bot.inbox import processing, store
from bot.inbox.processing import InboxDeps
from bot.inbox.store import Receipt

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class InboxSettings:
    max_batch: int = 256
    inline_limit: int = 2
    sweep_every_s: float = 15.0
    sweep_older_than_s: float = 30.0
    sweep: bool = True
    # While more than this many webhook requests are in flight, messages are not processed inline.
    busy_above: int = 4
    # During a burst (requests kept arriving while a message was processed), background processing takes at most
    # 1 / (1 + yield_ratio) of the time: after a message that took t it pauses yield_ratio * t (at most
    # `max_pause_s`), so that the acknowledgements, which the platforms time (WeChat: 5 s), keep the GIL.
    yield_ratio: float = 10.0
    max_pause_s: float = 0.1
    # A message that has waited this long is processed at full speed whatever the load: replies are late, not lost.
    max_wait_s: float = 30.0


class InboxRuntime:
    def __init__(self, deps: InboxDeps, settings: InboxSettings | None = None) -> None:
        self.deps = deps
        self.settings = settings or InboxSettings()
        self._waiting: list[tuple[InboundMessage, asyncio.Future[Receipt]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._inline = 0
        self._active = 0  # webhook requests between arrival and answer
        self._arrivals = 0  # webhook requests so far (read by the background thread to tell a burst)
        self._deferred: queue.Queue[tuple[int, float] | None] = queue.Queue()  # (dedupe id, deferred at)
        self._thread: threading.Thread | None = None
        self._thread_lock = threading.Lock()
        self._stopping = threading.Event()
        self.processed_in_background = 0
        self.recorded_on_loop = 0  # batches written on the event loop rather than a worker thread

    # ---------------------------------------------------------------------------------------- request side

    async def handle(self, msg: InboundMessage) -> list[OutboundMessage]:
        """Store the message, then its passive replies (none when processing was deferred)."""
        self._active += 1
        self._arrivals += 1
        try:
            receipt = await self.submit(msg)
            return await self.answer(receipt, msg)
        finally:
            self._active -= 1

    async def submit(self, msg: InboundMessage) -> Receipt:
        """Store the message durably (batched with whatever else is arriving); its receipt."""
        future: asyncio.Future[Receipt] = asyncio.get_running_loop().create_future()
        self._waiting.append((msg, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_batches())
        return await future

    async def answer(self, receipt: Receipt, msg: InboundMessage) -> list[OutboundMessage]:
        """The passive replies for this request: processed now when cheap, else none (the outbox will deliver)."""
        if receipt.processed:
            return receipt.stored
        adapter = self.deps.channels.get(msg.channel, msg.account)
        must_answer = adapter.max_passive_replies is None
        if not must_answer and not self._cheap_now():
            self.defer(receipt.dedupe_id)
            return []
        self._inline += 1
        try:
            replies = await asyncio.to_thread(processing.process, self.deps, receipt.dedupe_id, passive=True)
        finally:
            self._inline -= 1
        if replies is None:  # processed by someone else meanwhile (a platform retry racing the original)
            return await asyncio.to_thread(store.stored_reply, self.deps, receipt.dedupe_id)
        return replies

    def _cheap_now(self) -> bool:
        return (
            self._inline < self.settings.inline_limit
            and self._active <= self.settings.busy_above
            and self._deferred.empty()
        )

    async def _write_batches(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self.settings.max_batch], self._waiting[self.settings.max_batch :]
            msgs = [m for m, _ in batch]
            try:
                # On the loop when nothing is in the way (SQLite, lock free), else on a worker thread.
                receipts = store.record_now(self.deps, msgs)
                if receipts is None:
                    receipts = await asyncio.to_thread(store.record, self.deps, msgs)
                else:
                    self.recorded_on_loop += 1
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), receipt in zip(batch, receipts, strict=True):
                if not future.done():
                    future.set_result(receipt)
            await asyncio.sleep(0)  # let the requests read meanwhile join the next batch

    # ------------------------------------------------------------------------------------- background side

    def defer(self, dedupe_id: int) -> None:
        self._ensure_thread()
        self._deferred.put((dedupe_id, time.monotonic()))

    @property
    def backlog(self) -> int:
        return self._deferred.qsize()

    def start(self) -> None:
        self._ensure_thread()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the message in hand; what is still queued stays stored and is swept later."""
        self._stopping.set()
        self._deferred.put(None)
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _ensure_thread(self) -> None:
        thread = self._thread
        if thread is not None and thread.is_alive():  # every deferred message asks; the lock is for starting it
            return
        with self._thread_lock:
            if self._thread is None or not self._thread.is_alive():
                self._stopping.clear()
                self._thread = threading.Thread(target=self._run, name="jiuye-inbox", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                item = self._deferred.get(timeout=self.settings.sweep_every_s)
            except queue.Empty:
                if self.settings.sweep:
                    self._sweep()
                continue
            try:
                if item is None:
                    break
                self._process_quietly(*item)
            finally:
                self._deferred.task_done()

    def _process_quietly(self, dedupe_id: int, deferred_at: float) -> None:
        arrivals, started = self._arrivals, time.monotonic()
        self.processed_in_background += processing.process_in_background(self.deps, dedupe_id)
        now = time.monotonic()
        pause = yield_pause(self.settings, self._arrivals - arrivals, now - started, now - deferred_at)
        if pause:
            self._stopping.wait(pause)

    def _sweep(self) -> None:
        try:
            self.processed_in_background += processing.sweep(self.deps, older_than_s=self.settings.sweep_older_than_s)
        except Exception as exc:
            log.warning("processing.sweep_failed", error=f"{type(exc).__name__}: {exc}")

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until everything deferred so far is processed (tests and benchmarks); True when drained."""
        waited = 0.0
        while self._deferred.unfinished_tasks:
            if waited >= timeout:
                return False
            self._stopping.wait(0.01)
            waited += 0.01
        return True


def yield_pause(settings: InboxSettings, arrivals: int, took_s: float, waited_s: float) -> float:
    """How long background processing pauses after a message (seconds). The GIL is shared with the event loop:
    while requests keep arriving (more than one during the message), the acknowledgements go first, unless the
    message had already waited `max_wait_s`, in which case the backlog is worked off at full speed."""
    if arrivals <= 1 or waited_s >= settings.max_wait_s:
        return 0.0
    return min(settings.yield_ratio * took_s, settings.max_pause_s)
