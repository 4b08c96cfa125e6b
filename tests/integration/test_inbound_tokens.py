"""Access tokens shared through the database on both engines, and `deliver` using them end to end."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.channels.tokens import TokenStore
from bot.clock import FakeClock
from bot.container import Container
from bot.domain import ChannelKind
from bot.errors import TransientSendError
from tests.support.channels import CHANNELS, deliver
from tests.support.containers import make_container
from tests.unit.channels.fakes import FakePlatform, reply

WX = ChannelKind.WECHAT_MP


class Fetcher:
    def __init__(self, lifetime_s: float = 7200, delay_s: float = 0.0) -> None:
        self.calls = 0
        self.lifetime_s = lifetime_s
        self.delay_s = delay_s
        self._lock = threading.Lock()

    def __call__(self) -> tuple[str, float]:
        with self._lock:
            self.calls += 1
            n = self.calls
        time.sleep(self.delay_s)
        return f"TOKEN{n}", self.lifetime_s


def test_token_is_fetched_once_and_shared_by_workers(container: Container) -> None:
    fetch = Fetcher()
    worker_a = TokenStore(container.sessions, container.clock)
    worker_b = TokenStore(container.sessions, container.clock)
    assert worker_a.get(WX, "safe", fetch) == "TOKEN1"
    assert worker_b.get(WX, "safe", fetch) == "TOKEN1"
    assert fetch.calls == 1
    assert worker_b.get(ChannelKind.WECOM, "corp", fetch) == "TOKEN2"  # per channel account


def test_token_is_refreshed_before_it_expires(container: Container) -> None:
    fetch = Fetcher(lifetime_s=7200)
    store = TokenStore(container.sessions, container.clock, refresh_margin_s=300)
    store.get(WX, "safe", fetch)
    container.clock.advance(seconds=7200 - 400)  # type: ignore[attr-defined]
    assert store.get(WX, "safe", fetch) == "TOKEN1"
    container.clock.advance(seconds=200)  # type: ignore[attr-defined]
    assert store.get(WX, "safe", fetch) == "TOKEN2"
    assert store.peek(WX, "safe") == ("TOKEN2", container.clock.now() + timedelta(seconds=7200))


def test_invalidate_only_forgets_the_stale_token(container: Container) -> None:
    fetch = Fetcher()
    store = TokenStore(container.sessions, container.clock)
    store.get(WX, "safe", fetch)
    store.invalidate(WX, "safe", "SOMETHING-ELSE")
    assert store.get(WX, "safe", fetch) == "TOKEN1"
    store.invalidate(WX, "safe", "TOKEN1")
    assert store.get(WX, "safe", fetch) == "TOKEN2"


def test_concurrent_first_fetch_happens_once(container: Container) -> None:
    fetch = Fetcher(delay_s=0.2)
    seen: list[str] = []
    threads = [
        threading.Thread(
            target=lambda: seen.append(TokenStore(container.sessions, container.clock).get(WX, "safe", fetch))
        )
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fetch.calls == 1 and seen == ["TOKEN1"] * 3


@pytest.fixture
def c(db_engine: Engine, clock: FakeClock) -> Container:
    return make_container(db_engine, clock, CHANNELS)


def test_deliver_sends_with_the_stored_token_and_refreshes_after_40001(c: Container) -> None:
    platform = FakePlatform(
        {
            "/cgi-bin/message/custom/send": [
                reply(errcode=0),
                reply(errcode=40001, errmsg="invalid credential"),
                reply(errcode=0),
            ]
        }
    )
    c.http_transport = httpx.MockTransport(platform)
    assert deliver(c, "wechat_mp", "safe", "user", "oUser1", {"text": "一"})["errcode"] == 0
    with pytest.raises(TransientSendError) as err:
        deliver(c, "wechat_mp", "safe", "user", "oUser1", {"text": "二"})
    assert err.value.token_expired
    deliver(c, "wechat_mp", "safe", "user", "oUser1", {"text": "二"})
    used = [r.url.params["access_token"] for r in platform.requests if r.url.path == "/cgi-bin/message/custom/send"]
    assert used == ["T1", "T1", "T2"]
