"""Two scheduler processes on one database: one leads and runs the check-in job; when it is killed with SIGKILL
the other takes over and runs it again, and no graduate is asked twice (the keys hold across processes)."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.container import Container
from bot.domain import ChannelKind
from models import Checkin, OutboxMessage
from tests.integration.test_scheduler_leader import clear_job_store
from tests.support.push import bind, school

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]

SCHEDULER = """
import signal, sys, threading
from pathlib import Path
from apscheduler.triggers.interval import IntervalTrigger
from bot.bootstrap import bootstrap
from bot.config import FileConfig, Settings
from jobs.scheduler import JobSpec, LeaderScheduler
from tests.support.channels import WECOM

settings = Settings(
    database_url=sys.argv[1], secret_key="test-secret-key-0123456789-abcdefghijklmnop",
    data_key="R3p0dGVzdC1kYXRhLWtleS0zMi1ieXRlcy1sb25nISE=", config=Path("/nonexistent/jiuye.toml"),
)
c = bootstrap(settings, file_config=FileConfig(channels=[WECOM]), configure_logs=False)
job = JobSpec("checkins", "jobs.tasks:checkins", IntervalTrigger(seconds=1), 60)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: stop.set())
say = lambda on: print("leading" if on else "stepped down", flush=True)  # noqa: E731
leader = LeaderScheduler(c, jobs=[job], poll_s=0.2, on_change=say)
print("started", flush=True)
leader.run(stop)
"""


class Proc:
    def __init__(self, url: str) -> None:
        self.p = subprocess.Popen(
            [sys.executable, "-c", SCHEDULER, url], cwd=ROOT, stdout=subprocess.PIPE, text=True, env=dict(os.environ)
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.p.stdout is not None
        for line in self.p.stdout:
            self.lines.put(line.strip())

    def expect(self, text: str, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if self.lines.get(timeout=max(deadline - time.monotonic(), 0.01)) == text:
                    return
            except queue.Empty:
                pytest.fail(f"no {text!r} within {timeout_s} s")

    def leads(self) -> bool:
        seen = []
        while not self.lines.empty():
            seen.append(self.lines.get())
        return "leading" in seen

    def stop(self) -> None:
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(20)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        if self.p.stdout is not None:
            self.p.stdout.close()


@pytest.fixture
def procs(container: Container) -> Iterator[list[Proc]]:
    clear_job_store(container)
    started: list[Proc] = []
    yield started
    for p in started:
        p.stop()
    clear_job_store(container)


def counts(c: Container) -> tuple[int, int, int]:
    with c.sessions() as s:
        checkins = s.scalar(sa.select(sa.func.count()).select_from(Checkin)) or 0
        distinct = s.scalar(sa.select(sa.func.count(sa.distinct(Checkin.graduate_id)))) or 0
        rows = s.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) or 0
    return checkins, distinct, rows


def test_one_leader_and_no_duplicate_checkins_across_failover(container: Container, procs: list[Proc]) -> None:
    ids = school(container, 40)
    for i, gid in enumerate(ids[:30]):
        bind(container, gid, ChannelKind.WECOM, "corp", f"u{i}")
    url = container.engine.url.render_as_string(hide_password=False)
    first = Proc(url)
    procs.append(first)
    first.expect("leading")
    second = Proc(url)
    procs.append(second)
    second.expect("started")
    deadline = time.monotonic() + 60
    while counts(container)[0] < 40:
        assert time.monotonic() < deadline, "the leader did not run the check-in job"
        time.sleep(0.2)
    time.sleep(1.5)  # the job runs again every second: nothing new
    assert not second.leads()
    os.kill(first.p.pid, signal.SIGKILL)
    second.expect("leading")
    time.sleep(2.5)  # the new leader runs the job (at once: the stored run time passed) and again a second later
    assert counts(container) == (40, 40, 30)  # every graduate asked once; 30 on WeCom, 10 on the phone list
    with container.sessions() as s:
        keys = s.scalars(sa.select(OutboxMessage.idempotency_key)).all()
    assert len(set(keys)) == 30
