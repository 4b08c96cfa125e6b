"""A real server and a real browser: uvicorn on a free loopback port serving a seeded demo SQLite database, and
Debian's Chromium driven by Playwright (never a downloaded browser). Skipped, saying why, without Chromium."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import uvicorn

from api.app import create_app
from bot.clock import FakeClock
from bot.container import Container
from bot.demo.seed import seed_demo
from bot.domain import ChannelKind
from bot.services.matching import run_batch
from models import Checkin, Graduate, OutboxMessage, OutboxStatus, migrate
from models.db import transaction
from tests.support.containers import make_container
from tests.support.db import sqlite_engine_at

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TODAY = date(2026, 6, 1)
PHONE_LIST = 3  # graduates put on today's phone list by the fixture


@dataclass(frozen=True)
class Console:
    base_url: str
    accounts: dict[str, Any]
    container: Container


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _activity(container: Container) -> None:
    """What the scheduler and the outbox worker would have left: a phone list for today and a parked message."""
    now = container.clock.now()
    with transaction(container.sessions) as session:
        unreported = sa.select(Graduate).where(Graduate.destination_code.is_(None)).order_by(Graduate.id)
        graduates = session.scalars(unreported).all()
        for g in graduates[:PHONE_LIST]:
            session.add(Checkin(graduate_id=g.id, kind="escalation", period_key="e2e", due_at=now, channel=None))
        session.add(
            OutboxMessage(
                idempotency_key="e2e-parked",
                channel=ChannelKind.WEB,
                account="demo",
                target_kind="user",
                target_id="web-e2e",
                graduate_id=graduates[-1].id,
                intent="new_matches",
                payload={"text": "为你找到 10 个新岗位"},
                status=OutboxStatus.PARKED,
                attempts=8,
                last_error="连接超时",
                created_at=now - timedelta(hours=2),
                next_attempt_at=now,
            )
        )


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    folder = tmp_path_factory.mktemp("e2e")
    engine = sqlite_engine_at(str(folder / "jiuye.db"))
    migrate.upgrade(engine)
    container = make_container(engine, FakeClock())
    container.upload_root = folder / "uploads"
    seed_demo(container, today=TODAY, accounts_path=folder / "demo-accounts.json")
    run_batch(container)
    _activity(container)
    accounts = json.loads((folder / "demo-accounts.json").read_text("utf-8"))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(container), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="e2e-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield Console(f"http://127.0.0.1:{port}", accounts, container)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        engine.dispose()
        shutil.rmtree(folder / "uploads", ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests (CI does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()
