"""Batched reads and writes shared by the two ledger stores: one code path for SQLite and PostgreSQL.

Imports compare every row with what is stored before writing, so that a re-import of the same file writes
nothing and says so; the comparison needs the stored rows, fetched by key in chunks (IN lists stay far below
either database's parameter limit). Writes are Core executemany statements in chunks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

CHUNK = 500
INSERT_CHUNK = 2000
WRITE_CHUNK = 5000
T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def begin_write(session: Session) -> None:
    """Start the session's transaction as a writer (SQLite: BEGIN IMMEDIATE, so no lock upgrade dead-lock)."""
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def fetch_by(
    session: Session, columns: Sequence[sa.ColumnElement[Any]], key: sa.ColumnElement[Any], keys: Iterable[Any]
) -> dict[Any, RowMapping]:
    """Stored rows whose `key` is among `keys`, as {key: {column name: value}} (rows, not dict copies)."""
    wanted = sorted(set(keys))
    found: dict[Any, RowMapping] = {}
    for part in chunks(wanted):
        for row in session.execute(sa.select(*columns).where(key.in_(part))):
            mapping = row._mapping
            found[mapping[key]] = mapping
    return found


def insert_rows(session: Session, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (all with the same keys) in executemany chunks.

    No RETURNING: SQLite cannot return ids in parameter order from a multi-row INSERT, so SQLAlchemy would
    fall back to one statement per row; callers that need the new ids select them by their unique key.
    """
    for part in chunks(rows, INSERT_CHUNK):
        session.connection().execute(sa.insert(table), list(part))


def update_rows(
    session: Session, table: sa.Table, changes: Sequence[tuple[Any, dict[str, Any]]], key: str = "id"
) -> None:
    """Apply {column: value} changes to rows by `key`, one executemany per distinct set of changed columns."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row_id, values in changes:
        names = tuple(sorted(values))
        groups[names].append({"_id": row_id, **{f"v_{n}": values[n] for n in names}})
    for names, params in groups.items():
        stmt = (
            sa.update(table)
            .where(table.c[key] == sa.bindparam("_id"))
            .values({n: sa.bindparam(f"v_{n}") for n in names})
        )
        for part in chunks(params, INSERT_CHUNK):
            session.connection().execute(stmt, list(part))
