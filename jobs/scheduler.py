"""APScheduler (3.x) running only in the leader, with its jobs in a persistent store on the same database.

`LeaderScheduler.run` loops: a process that is not leading tries to take the leader lock (`jobs.leader`); once it
holds it, it starts a BackgroundScheduler over `SQLAlchemyJobStore` (table `apscheduler_jobs`), adds the jobs
that are missing (an existing job keeps its stored next run time, so a run missed while no leader was up is still
made within its `misfire_grace_time`, once: misfires coalesce), and checks every `poll_s` that it still leads.
If it lost the lock (its database connection dropped), it shuts the scheduler down at once and competes again.
Between losing the lock and noticing, a job may start in two processes; every job only enqueues under
idempotency keys, so that costs work, never a second message.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING, Any

import structlog
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from jobs import tasks
from jobs.leader import LeaderLock, leader_lock_for

if TYPE_CHECKING:
    from bot.config import ScheduleSettings
    from bot.container import Container

log = structlog.get_logger(__name__)
JOB_TABLE = "apscheduler_jobs"
# APScheduler logs every run of the minutely broadcast job at INFO; the jobs log what they did themselves.
logging.getLogger("apscheduler").setLevel(logging.WARNING)


class SharedEngineJobStore(SQLAlchemyJobStore):  # type: ignore[misc]
    """The job store on the container's engine; the stock one disposes its engine at shutdown, which here would
    pull the connections out from under the rest of the process."""

    def shutdown(self) -> None:
        pass


@dataclass(frozen=True, slots=True)
class JobSpec:
    id: str
    func: str  # "module:function", stored by reference
    trigger: Any
    misfire_grace_s: int = 3600
    kwargs: tuple[tuple[str, Any], ...] = ()


def _daily(at: time, tz: str) -> CronTrigger:
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=tz)


def default_jobs(s: ScheduleSettings) -> list[JobSpec]:
    """Nightly matching (its pushes wait for quiet hours to end), check-ins and deadline reminders when quiet hours
    end, the digest at `digest_at` (after the check-ins, so it lists today's phone calls), due broadcasts every
    minute."""
    tz = s.timezone
    return [
        JobSpec("nightly_matching", "jobs.tasks:nightly", _daily(s.nightly_match_at, tz), 6 * 3600),
        JobSpec("checkins", "jobs.tasks:checkins", _daily(s.quiet_end, tz), 6 * 3600),
        JobSpec("deadlines", "jobs.tasks:deadlines", _daily(s.quiet_end, tz), 6 * 3600),
        JobSpec("digest", "jobs.tasks:digest", _daily(s.digest_at, tz), 3 * 3600),
        JobSpec("broadcasts", "jobs.tasks:broadcasts", IntervalTrigger(minutes=1, timezone=tz), 300),
        JobSpec("inbox_sweep", "jobs.tasks:inbox_sweep", IntervalTrigger(minutes=1, timezone=tz), 300),
        JobSpec("inbox_prune", "jobs.tasks:inbox_prune", _daily(time(3, 30), tz), 6 * 3600),
    ]


class LeaderScheduler:
    def __init__(
        self,
        container: Container,
        *,
        jobs: Sequence[JobSpec] | None = None,
        lock: LeaderLock | None = None,
        poll_s: float = 5.0,
        name: str = "scheduler",
        on_change: Callable[[bool], None] | None = None,
    ) -> None:
        self.c = container
        self.jobs = list(jobs) if jobs is not None else default_jobs(container.settings.schedule)
        self.lock = lock or leader_lock_for(container.engine)
        self.poll_s = poll_s
        self.name = name
        self._scheduler: BackgroundScheduler | None = None
        self._on_change = on_change

    @property
    def leading(self) -> bool:
        return self._scheduler is not None

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    self.step()
                except Exception:  # the database may be away for a while: keep trying
                    log.exception("scheduler.step_failed", name=self.name)
                    self._stop_scheduler()
                stop.wait(self.poll_s)
        finally:
            self.close()

    def step(self) -> None:
        """Take the lead if free, or give it up if lost."""
        if self._scheduler is None:
            if self.lock.try_acquire():
                self._start()
        elif not self.lock.still_held():
            log.warning("scheduler.leadership_lost", name=self.name)
            self._stop_scheduler()

    def close(self) -> None:
        self._stop_scheduler()
        self.lock.release()

    def _start(self) -> None:
        tasks.bind(self.c)
        scheduler = BackgroundScheduler(
            jobstores={"default": SharedEngineJobStore(engine=self.c.engine, tablename=JOB_TABLE)},
            executors={"default": ThreadPoolExecutor(2)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone=self.c.settings.schedule.timezone,
        )
        scheduler.start(paused=True)
        wanted = {spec.id for spec in self.jobs}
        for job in scheduler.get_jobs():
            if job.id not in wanted:
                job.remove()  # a job an older version scheduled and this one no longer has
        for spec in self.jobs:
            existing = scheduler.get_job(spec.id)
            same = existing is not None and (existing.func_ref, str(existing.trigger), existing.kwargs) == (
                spec.func,
                str(spec.trigger),
                dict(spec.kwargs),
            )
            if same:
                continue  # keep its stored next run time: a run missed meanwhile is still made (coalesced)
            scheduler.add_job(
                spec.func,
                spec.trigger,
                id=spec.id,
                name=spec.id,
                kwargs=dict(spec.kwargs),
                replace_existing=True,
                misfire_grace_time=spec.misfire_grace_s,
            )
        scheduler.resume()
        self._scheduler = scheduler
        log.info("scheduler.leading", name=self.name, jobs=[s.id for s in self.jobs])
        if self._on_change:
            self._on_change(True)

    def _stop_scheduler(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is None:
            return
        try:
            scheduler.shutdown(wait=False)
        finally:
            self.lock.release()
            if self._on_change:
                self._on_change(False)
