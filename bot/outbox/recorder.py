"""Writing send outcomes back on a thread of their own, in groups (group commit).

Senders hand each outcome to the recorder and go on sending. The recorder writes whatever has accumulated while
its previous transaction committed, in one transaction: on a busy database, a commit costs more than the rows in
it, so the batch grows with the load and the rows sent but not yet recorded stay few (about one commit's worth):
those are the rows whose fate is unknown if the process dies (see `bot.outbox.worker`). On PostgreSQL these commits
do not wait for the WAL flush (`synchronous_commit = off`): a server crash could lose the last of them, and the
rows concerned would then be sent again after their lease, the same outcome as a worker crash, never a loss. A
failed write is retried (the outcomes stay in memory meanwhile) rather than dropped.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

from bot.outbox.claim import Claimed, Held
from bot.outbox.policy import Verdict
from bot.outbox.results import Result, record

if TYPE_CHECKING:
    from bot.container import Container

log = structlog.get_logger(__name__)
MAX_GROUP = 1000
RETRY_S = 1.0


@dataclass(frozen=True, slots=True)
class Outcome:
    row: Claimed
    result: Result
    holds_slot: bool = False


class Recorder:
    def __init__(self, c: Container, worker: str) -> None:
        self.c = c
        self.worker = worker
        self.sent = 0
        self.recorded = 0
        self.commits = 0
        self._queue: queue.Queue[Outcome | None] = queue.Queue()
        self._held = Held(c)
        self._idle = threading.Condition()
        self._waiting = 0
        self._thread = threading.Thread(target=self._loop, name=f"record-{worker}", daemon=True)

    def start(self) -> Recorder:
        self._thread.start()
        return self

    def put(self, outcome: Outcome) -> None:
        with self._idle:
            self._waiting += 1
        self._queue.put(outcome)

    def flush(self) -> None:
        """Block until everything put so far is written."""
        with self._idle:
            self._idle.wait_for(lambda: self._waiting == 0)

    def stop(self) -> None:
        """Write what is left, then end the thread."""
        self._queue.put(None)
        self._thread.join()
        self._held.close()

    def _loop(self) -> None:
        done = False
        while not done:
            first = self._queue.get()
            group: list[Outcome] = []
            if first is None:
                done = True
            else:
                group.append(first)
            while len(group) < MAX_GROUP:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    done = True
                else:
                    group.append(item)
            if group:
                self._write(group)

    def _write(self, group: list[Outcome]) -> None:
        unused = [o.row for o in group if o.holds_slot and o.result.verdict != Verdict.SENT]
        while True:
            try:
                record(self._held, self.worker, [o.result for o in group], self.c.clock.now(), unused_slots=unused)
                break
            except Exception:  # the database is away: keep the outcomes and try again
                log.exception("outbox.record_failed", worker=self.worker, rows=len(group))
                threading.Event().wait(RETRY_S)
        self.commits += 1
        self.recorded += len(group)
        self.sent += sum(1 for o in group if o.result.verdict == Verdict.SENT)
        with self._idle:
            self._waiting -= len(group)
            self._idle.notify_all()
