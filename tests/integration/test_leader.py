"""One scheduler leader: a second contender is refused until the first releases or dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from jobs.leader import FileLeaderLock, PostgresLeaderLock, leader_lock_for

HOLDER = """
import sys, time
from models.db import make_engine
from jobs.leader import leader_lock_for
lock = leader_lock_for(make_engine(sys.argv[1]))
assert lock.try_acquire()
print("held", flush=True)
time.sleep(120)
"""


def test_only_one_leader(db_engine: Engine) -> None:
    first, second = leader_lock_for(db_engine), leader_lock_for(db_engine)
    assert first.try_acquire()
    try:
        assert not second.try_acquire()
        assert first.still_held()
    finally:
        first.release()
    assert second.try_acquire()
    second.release()


def test_leadership_passes_on_when_the_leader_is_killed(db_engine: Engine) -> None:
    url = db_engine.url.render_as_string(hide_password=False)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2]
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        contender = leader_lock_for(db_engine)
        assert not contender.try_acquire()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 20
        while not contender.try_acquire():
            assert time.monotonic() < deadline, "the lock was not released after the holder died"
            time.sleep(0.2)
        contender.release()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def test_lock_kinds_follow_the_database(db_engine: Engine) -> None:
    lock = leader_lock_for(db_engine)
    expected = PostgresLeaderLock if db_engine.dialect.name == "postgresql" else FileLeaderLock
    assert isinstance(lock, expected)


@pytest.mark.parametrize("n", [3])
def test_file_lock_is_exclusive_within_one_process(tmp_path: Path, n: int) -> None:
    locks = [FileLeaderLock(tmp_path / "x.lock") for _ in range(n)]
    assert [lock.try_acquire() for lock in locks] == [True] + [False] * (n - 1)
    locks[0].release()
    assert locks[1].try_acquire()
    locks[1].release()
