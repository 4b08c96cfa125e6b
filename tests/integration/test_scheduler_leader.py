"""Leader-only scheduling: of two schedulers on one database only the leader runs jobs; the other takes over."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from apscheduler.triggers.interval import IntervalTrigger

from bot.container import Container
from jobs.scheduler import JobSpec, LeaderScheduler, default_jobs

RUNS: list[str] = []
_runs_lock = threading.Lock()


def tick(who: str) -> None:
    with _runs_lock:
        RUNS.append(who)


def spec(who: str) -> JobSpec:
    return JobSpec("tick", f"{__name__}:tick", IntervalTrigger(seconds=0.3), 60, (("who", who),))


def wait_until(predicate: object, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def _empty_job_store(container: Container) -> Iterator[None]:
    """The job store is not one of the models' tables, so the database fixtures do not empty it."""
    clear_job_store(container)
    yield
    clear_job_store(container)


def clear_job_store(c: Container) -> None:
    if sa.inspect(c.engine).has_table("apscheduler_jobs"):
        with c.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM apscheduler_jobs"))


@pytest.fixture
def pair(container: Container) -> Iterator[tuple[LeaderScheduler, LeaderScheduler]]:
    RUNS.clear()
    a = LeaderScheduler(container, jobs=[spec("a")], poll_s=0.1, name="a")
    b = LeaderScheduler(container, jobs=[spec("b")], poll_s=0.1, name="b")
    yield a, b
    a.close()
    b.close()


def test_only_the_leader_runs_jobs_and_the_other_takes_over(pair: tuple[LeaderScheduler, LeaderScheduler]) -> None:
    a, b = pair
    a.step()
    b.step()
    assert a.leading and not b.leading
    wait_until(lambda: len(RUNS) >= 3)
    b.step()
    assert not b.leading
    assert set(RUNS) == {"a"}
    a.close()  # the leader goes away
    seen = len(RUNS)
    b.step()
    assert b.leading
    wait_until(lambda: RUNS.count("b") >= 2)
    assert set(RUNS[seen:]) <= {"a", "b"} and "a" not in RUNS[seen + 1 :]


def test_run_loop_stops_cleanly_and_releases(container: Container) -> None:
    RUNS.clear()
    a = LeaderScheduler(container, jobs=[spec("a")], poll_s=0.05, name="a")
    stop = threading.Event()
    thread = threading.Thread(target=a.run, args=(stop,))
    thread.start()
    wait_until(lambda: "a" in RUNS)
    stop.set()
    thread.join(10)
    assert not thread.is_alive() and not a.leading
    b = LeaderScheduler(container, jobs=[spec("b")], poll_s=0.05, name="b")
    b.step()
    assert b.leading  # the lock was released on the way out
    b.close()


def test_jobs_are_stored_persistently_and_kept_across_leaders(container: Container) -> None:
    jobs = default_jobs(container.settings.schedule)
    a = LeaderScheduler(container, jobs=jobs, name="a")
    a.step()
    try:
        with container.engine.connect() as conn:
            stored = dict(conn.execute(sa.text("SELECT id, next_run_time FROM apscheduler_jobs")).all())
        assert set(stored) == {
            "nightly_matching",
            "checkins",
            "deadlines",
            "digest",
            "broadcasts",
            "inbox_sweep",
            "inbox_prune",
        }
    finally:
        a.close()
    b = LeaderScheduler(container, jobs=jobs, name="b")
    b.step()
    try:
        with container.engine.connect() as conn:
            again = dict(conn.execute(sa.text("SELECT id, next_run_time FROM apscheduler_jobs")).all())
        # The next leader keeps the stored run times (a run missed in between is made late, once).
        assert again["digest"] == stored["digest"] and again["checkins"] == stored["checkins"]
    finally:
        b.close()


def test_default_times_come_from_settings(container: Container) -> None:
    jobs = {j.id: j for j in default_jobs(container.settings.schedule)}
    assert str(jobs["digest"].trigger) == "cron[hour='8', minute='30']"
    assert str(jobs["nightly_matching"].trigger) == "cron[hour='2', minute='0']"
    assert str(jobs["checkins"].trigger) == "cron[hour='8', minute='0']"


def test_every_job_runs_on_a_small_school(container: Container) -> None:
    from bot.domain import ChannelKind
    from jobs import tasks
    from models import Checkin, MatchRun
    from tests.support.push import bind, school, world

    c, _ = world(container)
    ids = school(c, 3, counselor=True)
    bind(c, ids[0], ChannelKind.WECOM, "corp", "u0")
    tasks.bind(c)
    for job in (tasks.nightly, tasks.checkins, tasks.deadlines, tasks.digest, tasks.broadcasts):
        job()
    with c.sessions() as s:
        assert s.scalars(sa.select(MatchRun.trigger)).all() == ["nightly"]
        assert s.scalar(sa.select(sa.func.count()).select_from(Checkin)) == 3
