"""Test databases: a migrated SQLite file copied per test, and a PostgreSQL database per session.

PostgreSQL tests read the server URL from JIUYE_TEST_DATABASE_URL, create their own database and drop it at the
end; without that variable they are skipped with a reason (never silently passed).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from bot.config import normalise_database_url
from models import Base
from models.db import make_engine

PG_ENV = "JIUYE_TEST_DATABASE_URL"
PG_SKIP_REASON = f"{PG_ENV} is not set: PostgreSQL variant skipped (CI sets it)"


def pg_admin_url() -> str | None:
    raw = os.environ.get(PG_ENV)
    return normalise_database_url(raw) if raw else None


@contextmanager
def scratch_pg_database(prefix: str = "jiuye_test") -> Iterator[str]:
    """Create a uniquely named database on the test server; drop it afterwards."""
    admin = pg_admin_url()
    if admin is None:
        pytest.skip(PG_SKIP_REASON)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin_engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


def truncate_all(engine: Engine) -> None:
    tables = [t.name for t in Base.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in reversed(tables):
                conn.execute(sa.text(f'DELETE FROM "{t}"'))


def sqlite_engine_at(path: str) -> Engine:
    return make_engine(f"sqlite:///{path}")
