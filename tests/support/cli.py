"""The `jiuye` command line against a test database: the environment it reads, and a runner that uses it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot.container import Container
from jiuye import context


def env_for(db_engine: Engine, container: Container) -> dict[str, str]:
    """What a `jiuye` process needs to reach the test database with the test container's keys."""
    return {
        "JIUYE_DATABASE_URL": db_engine.url.render_as_string(hide_password=False),
        "JIUYE_SECRET_KEY": container.settings.secret_key_value(),
        "JIUYE_DATA_KEY": container.settings.data_key_value(),
        "JIUYE_CONFIG": "/nonexistent/jiuye.toml",
        "JIUYE_DEMO": "0",
    }


def cli_runner(db_engine: Engine, container: Container, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    for name, value in env_for(db_engine, container).items():
        monkeypatch.setenv(name, value)
    # The CLI would otherwise point the process-wide logging at the runner's short-lived stderr.
    monkeypatch.setattr("bot.logging._configured", True)
    context.container.cache_clear()
    yield CliRunner()
    if context.container.cache_info().currsize:
        context.container().dispose()
    context.container.cache_clear()
