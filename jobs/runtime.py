"""The worker: the leader-only scheduler and N outbox drainers on threads, stopped together and cleanly.

`jiuye worker` runs one in the foreground (SIGTERM/SIGINT stop it); `jiuye serve --with-worker` runs one beside
the web server in the same process (the embedded default of `make run`). Stopping sets one event: drainers finish
the round they are in (its results are written, nothing is left half-recorded) and the scheduler shuts down and
releases the leader lock; whatever a drainer had claimed but not begun is released when its lease ends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import structlog

from bot.outbox.worker import Drainer, DrainOptions, worker_id
from jobs.scheduler import JobSpec, LeaderScheduler

if TYPE_CHECKING:
    from bot.container import Container

log = structlog.get_logger(__name__)


@dataclass
class WorkerRuntime:
    container: Container
    drainers: int = 2
    scheduler: bool = True
    drain_options: DrainOptions = field(default_factory=DrainOptions)
    jobs: list[JobSpec] | None = None
    poll_s: float = 5.0
    stop_event: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    leader: LeaderScheduler | None = None

    def start(self) -> None:
        if self.threads:
            raise RuntimeError("worker already started")
        if self.scheduler:
            self.leader = LeaderScheduler(self.container, jobs=self.jobs, poll_s=self.poll_s, name=worker_id())
            self._spawn("scheduler", self.leader.run)
        for i in range(self.drainers):
            drainer = Drainer(self.container, worker_id(i), self.drain_options)
            self._spawn(f"outbox-{i}", drainer.run)
        log.info("worker.started", drainers=self.drainers, scheduler=self.scheduler)

    def _spawn(self, name: str, target: Callable[[threading.Event], None]) -> None:
        thread = threading.Thread(target=target, args=(self.stop_event,), name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def stop(self, timeout_s: float = 30.0) -> bool:
        """Ask every thread to stop and wait for them; False if one did not stop in time."""
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout_s)
        alive = [t.name for t in self.threads if t.is_alive()]
        if alive:
            log.warning("worker.stop_timeout", threads=alive)
        else:
            log.info("worker.stopped")
        return not alive

    def wait(self) -> None:
        """Block until stopped (by a signal handler calling `stop_event.set()`)."""
        while not self.stop_event.wait(1.0):
            pass
