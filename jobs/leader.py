"""Leader election so that exactly one process runs the scheduler.

PostgreSQL: a session-level advisory lock held on a dedicated connection; if that process dies or its connection
drops, the server releases the lock and another worker takes over. SQLite (embedded, one machine): an exclusive
`flock` on a file beside the database, released by the kernel when the process exits.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

# Arbitrary but fixed: "jiuye" as a 63-bit integer key for pg_advisory_lock.
ADVISORY_KEY = int.from_bytes(b"jiuye-ld", "big") & 0x7FFF_FFFF_FFFF_FFFF


class LeaderLock(Protocol):
    def try_acquire(self) -> bool: ...

    def still_held(self) -> bool: ...

    def release(self) -> None: ...


class PostgresLeaderLock:
    def __init__(self, engine: Engine, key: int = ADVISORY_KEY) -> None:
        self._engine = engine
        self._key = key
        self._conn: sa.Connection | None = None

    def try_acquire(self) -> bool:
        if self._conn is not None:
            return self.still_held()
        conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        got = bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}).scalar())
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def still_held(self) -> bool:
        if self._conn is None:
            return False
        try:
            held = self._conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                    "AND granted AND ((classid::bigint << 32) | objid::bigint) = :k"
                ),
                {"k": self._key},
            ).scalar()
        except sa.exc.DBAPIError:
            self._drop()
            return False
        if not held:
            self._drop()
        return bool(held)

    def release(self) -> None:
        if self._conn is None:
            return
        with contextlib.suppress(sa.exc.DBAPIError):
            self._conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
        self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sa.exc.DBAPIError):
                self._conn.close()
        self._conn = None


class FileLeaderLock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._fh: IO[str] | None = None

    def try_acquire(self) -> bool:
        if self._fh is not None:
            return True
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fh = self._path.open("a+")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            return False
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh
        return True

    def still_held(self) -> bool:
        return self._fh is not None

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def leader_lock_for(engine: Engine) -> LeaderLock:
    if engine.dialect.name == "postgresql":
        return PostgresLeaderLock(engine)
    database = engine.url.database or ""
    if not database or database == ":memory:":
        return FileLeaderLock(Path("var") / "jiuye-memory.leader.lock")
    return FileLeaderLock(Path(database).with_suffix(".leader.lock"))
