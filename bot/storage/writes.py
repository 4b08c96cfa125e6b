"""Write transactions that behave on both databases: SQLite (one writer) and PostgreSQL.

SQLite has a single writer. A transaction that starts as a reader and then writes must upgrade its lock and may
fail at once if another writer got there first, so writers start with `BEGIN IMMEDIATE`; and this process's
threads queue on one lock (shared with the inbound pipeline) instead of SQLite's busy-sleep back-off. PostgreSQL
needs neither: plain READ COMMITTED transactions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.storage.database import Database
from models.db import SQLITE_BUSY_TIMEOUT_MS


def process_lock(db: Database) -> AbstractContextManager[object]:
    return db.write_lock if db.is_sqlite else nullcontext()


@contextmanager
def writing_now(db: Database) -> Iterator[sa.Connection | None]:
    """`writing`, but only if the transaction can start without waiting; else None, and the caller writes on a
    worker thread instead. For the event loop, which must never block on a lock: on SQLite, this process's write
    lock must be free and no other process (a CLI import, a worker) may hold SQLite's. PostgreSQL: always None,
    since every statement is a network round trip."""
    if not db.is_sqlite:
        yield None
        return
    lock = db.write_lock
    if not lock.acquire(blocking=False):
        yield None
        return
    try:
        with db.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
            # On the driver's connection: through SQLAlchemy the PRAGMA would open the transaction itself.
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.execute("PRAGMA busy_timeout = 0")
            try:
                try:
                    transaction = conn.begin()
                except sa.exc.OperationalError as exc:
                    if not _busy(exc):
                        raise
                    yield None
                    return
                with transaction:
                    yield conn
            finally:
                driver.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        lock.release()


def _busy(exc: sa.exc.OperationalError) -> bool:
    return str(getattr(exc.orig, "sqlite_errorname", "")).startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


@contextmanager
def writing(db: Database) -> Iterator[sa.Connection]:
    """A short write transaction on a connection (the outbox's claims and results)."""
    with process_lock(db), db.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        yield conn


@contextmanager
def write_session(db: Database) -> Iterator[Session]:
    """A short write transaction with an ORM session; commits on success."""
    with writing(db) as conn, db.sessions(bind=conn, join_transaction_mode="rollback_only") as session:
        yield session
        session.flush()


@contextmanager
def job_session(db: Database) -> Iterator[Session]:
    """A scheduler job's transaction: BEGIN IMMEDIATE on SQLite, without holding the process lock for the whole
    job (the API's writers wait on SQLite's busy timeout instead, as they would for another process)."""
    with db.sessions() as session, session.begin():
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        yield session
