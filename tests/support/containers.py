"""Containers for tests, built through the composition root with test keys, a fake clock and a web channel."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from bot.bootstrap import bootstrap
from bot.clock import FakeClock
from bot.config import FileConfig, Settings, WebChannel
from bot.container import Container


def make_test_settings(url: str, **overrides: object) -> Settings:
    return Settings(
        database_url=url,
        demo=False,
        secret_key="test-secret-key-0123456789-abcdefghijklmnop",  # type: ignore[arg-type]
        data_key="R3p0dGVzdC1kYXRhLWtleS0zMi1ieXRlcy1sb25nISE=",  # type: ignore[arg-type]
        config=Path("/nonexistent/jiuye.toml"),
        **overrides,  # type: ignore[arg-type]
    )


def make_container(engine: Engine, clock: FakeClock, file_config: FileConfig | None = None) -> Container:
    settings = make_test_settings(engine.url.render_as_string(hide_password=False))
    return bootstrap(
        settings,
        engine=engine,
        clock=clock,
        file_config=file_config or FileConfig(channels=[WebChannel(kind="web", account="demo")]),
        configure_logs=False,
    )
