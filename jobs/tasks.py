"""The scheduler's jobs: thin wrappers over `bot.services` calls that only decide and enqueue (the outbox sends).

The persistent job store keeps each job as a reference to one of these functions ("jobs.tasks:checkins"), never
a pickled container: the process that leads binds its container here before its scheduler starts.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, is_dataclass
from typing import TYPE_CHECKING, Any

import structlog

if TYPE_CHECKING:
    from bot.container import Container

log = structlog.get_logger(__name__)
_bound: Container | None = None
_lock = threading.Lock()


def bind(container: Container) -> None:
    global _bound
    with _lock:
        _bound = container


def current() -> Container:
    if _bound is None:
        raise RuntimeError("jobs.tasks is not bound to a container (call jobs.tasks.bind first)")
    return _bound


def _done(job: str, result: Any, *, quiet_if_idle: bool = False) -> None:
    detail = asdict(result) if is_dataclass(result) and not isinstance(result, type) else dict(result)
    figures = {k: v for k, v in detail.items() if not isinstance(v, list | dict)}
    if quiet_if_idle and not any(figures.values()):
        return
    log.info("job.done", job=job, **figures)


def nightly() -> None:
    """Nightly matching over every unplaced graduate, then "new matches for you" (held until quiet hours end)."""
    from bot.services import matching, reminders

    c = current()
    summary = matching.run_batch(c, trigger="nightly", actor="scheduler")
    log.info("job.done", job="nightly_matching", run_id=summary.run_id, matches=summary.stats.matches)
    _done("new_matches", reminders.push_new_matches(c))


def checkins() -> None:
    """Today's status check-ins, follow-ups and escalations."""
    from bot.checkins import daily as checkin_job

    _done("checkins", checkin_job.run(current()))


def deadlines() -> None:
    from bot.services import reminders

    _done("deadlines", reminders.remind_deadlines(current()))


def digest() -> None:
    from bot.services import digest as digest_service

    _done("digest", digest_service.send_all(current()))


def broadcasts() -> None:
    """Broadcasts counselors scheduled whose time has come."""
    from bot.services import broadcasts as broadcast_service

    _done("broadcasts", broadcast_service.send_due(current()), quiet_if_idle=True)


def inbox_sweep() -> None:
    """Messages stored but never processed (their web process died after the ack): process them now."""
    from bot import inbox

    c = current()
    done = inbox.sweep(c, older_than_s=60)
    if done:
        log.info("job.done", job="inbox_sweep", processed=done)


def inbox_prune() -> None:
    """Processed inbound messages past the retention period (settings.inbox_retention_days) are forgotten."""
    from bot import inbox

    c = current()
    _done("inbox_prune", {"deleted": inbox.prune(c, older_than_days=c.settings.inbox_retention_days)})
