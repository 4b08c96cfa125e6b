"""Shared fixtures: databases on both engines, a container built through the composition root, a fake clock."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot.clock import FakeClock
from bot.container import Container
from models import migrate
from models.db import make_engine
from tests.support.cli import cli_runner
from tests.support.containers import make_container
from tests.support.db import scratch_pg_database, sqlite_engine_at, truncate_all

os.environ.setdefault("JIUYE_DEMO", "0")

DB_KINDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = sqlite_engine_at(str(path))
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_engine() -> Iterator[Engine]:
    with scratch_pg_database() as url:
        engine = make_engine(url, pool_size=5)
        migrate.upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture(params=DB_KINDS)
def db_engine(request: pytest.FixtureRequest, tmp_path: Path, _sqlite_template: Path) -> Iterator[Engine]:
    """A migrated, empty database: SQLite file, or the session's PostgreSQL database truncated."""
    if request.param == "sqlite":
        path = tmp_path / "jiuye.db"
        shutil.copy(_sqlite_template, path)
        engine = sqlite_engine_at(str(path))
        yield engine
        engine.dispose()
    else:
        engine = request.getfixturevalue("_pg_engine")
        truncate_all(engine)
        yield engine


@pytest.fixture
def sqlite_engine(tmp_path: Path, _sqlite_template: Path) -> Iterator[Engine]:
    """SQLite only, for tests whose subject is not the database."""
    path = tmp_path / "jiuye.db"
    shutil.copy(_sqlite_template, path)
    engine = sqlite_engine_at(str(path))
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def container(db_engine: Engine, clock: FakeClock) -> Container:
    return make_container(db_engine, clock)


@pytest.fixture
def sqlite_container(sqlite_engine: Engine, clock: FakeClock) -> Container:
    return make_container(sqlite_engine, clock)


@pytest.fixture
def cli(db_engine: Engine, container: Container, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A runner whose `jiuye` reaches the test database with the test container's keys."""
    yield from cli_runner(db_engine, container, monkeypatch)
