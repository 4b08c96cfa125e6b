"""Bulk "insert if absent" and upsert of tens of thousands of rows, fast on PostgreSQL and SQLite alike.

PostgreSQL: the rows are COPYed into a temporary table and moved with one `INSERT ... SELECT ... ON CONFLICT`.
A multi-row `INSERT ... VALUES ... RETURNING` would be parsed anew by psycopg for every statement (it only caches
statements with few parameters) and an executemany costs a round of the pipeline per row; COPY is an order of
magnitude cheaper, and `RETURNING` on the `INSERT ... SELECT` names exactly the rows this statement inserted.
SQLite: one statement executed for many parameter sets (SQLAlchemy's "insertmanyvalues"), cheap in-process.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

Rows = Sequence[Mapping[str, Any]]
SetClause = Callable[[Any], Mapping[str, Any]]  # excluded -> SET values of an upsert


def _conn(session: Session | Connection) -> Connection:
    return session.connection() if isinstance(session, Session) else session


def _columns(rows: Rows) -> list[str]:
    return list(rows[0].keys())


def _stage(conn: Connection, table: sa.Table, rows: Rows) -> sa.TableClause:
    """COPY `rows` into a session-local table shaped like the columns of `table` they use (emptied at commit)."""
    cols = _columns(rows)
    name = f"bulk_{table.name}_{len(cols)}"
    listed = ", ".join(f'"{c}"' for c in cols)
    raw = cast(psycopg.Connection[Any], conn.connection.dbapi_connection)
    # Names below come from the table metadata, never from input.
    with raw.cursor() as cur:
        cur.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS "{name}" ON COMMIT DELETE ROWS AS '  # noqa: S608
            f'SELECT {listed} FROM "{table.name}" WITH NO DATA'
        )
        cur.execute(f'TRUNCATE "{name}"')
        with cur.copy(f'COPY "{name}" ({listed}) FROM STDIN') as copy:
            for r in rows:
                copy.write_row([_text(r[c]) for c in cols])
    return sa.table(name, *[sa.column(c) for c in cols])


def _text(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def insert_new(
    session: Session | Connection, table: sa.Table, rows: Rows, keys: Sequence[str], returning: Sequence[str]
) -> list[tuple[Any, ...]]:
    """Insert the rows whose `keys` (a unique constraint) are free; the `returning` columns of those inserted."""
    if not rows:
        return []
    conn = _conn(session)
    out = [table.c[r] for r in returning]
    if conn.dialect.name == "postgresql":
        staged = _stage(conn, table, rows)
        cols = _columns(rows)
        stmt = (
            postgresql.insert(table)
            .from_select(cols, sa.select(*[staged.c[c] for c in cols]))
            .on_conflict_do_nothing(index_elements=list(keys))
            .returning(*out)
        )
        return [tuple(r) for r in conn.execute(stmt)]
    lite = sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys)).returning(*out)
    return [tuple(r) for r in conn.execute(lite, list(rows))]


def upsert(session: Session | Connection, table: sa.Table, rows: Rows, keys: Sequence[str], set_: SetClause) -> None:
    """Insert each row, or update the existing one with `set_(excluded)`."""
    if not rows:
        return
    conn = _conn(session)
    if conn.dialect.name == "postgresql":
        staged = _stage(conn, table, rows)
        cols = _columns(rows)
        pg = postgresql.insert(table).from_select(cols, sa.select(*[staged.c[c] for c in cols]))
        conn.execute(pg.on_conflict_do_update(index_elements=list(keys), set_=dict(set_(pg.excluded))))
        return
    lite = sqlite.insert(table)
    conn.execute(lite.on_conflict_do_update(index_elements=list(keys), set_=dict(set_(lite.excluded))), list(rows))
