"""GET /chat: the page, its assets (served locally, no CDN), account selection and the end-to-end chat."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from bot.clock import FakeClock
from tests.support.channels import Hooks, hooks_for


@pytest.fixture
def hooks(sqlite_engine: Engine, clock: FakeClock) -> Iterator[Hooks]:
    with hooks_for(sqlite_engine, clock) as h:
        yield h


def test_chat_page_for_the_demo_account(hooks: Hooks) -> None:
    resp = hooks.client.get("/chat")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    html = resp.text
    assert 'data-endpoint="/hooks/web/demo"' in html and "就业助手" in html
    assert 'name="viewport"' in html  # laid out for phones
    assert "script-src 'self'" in resp.headers["content-security-policy"]
    # Offline-safe: every asset is local, nothing loads from another host.
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/"), url
        assert hooks.client.get(url).status_code == 200


def test_assets_are_plain_css_and_js(hooks: Hooks) -> None:
    js = hooks.client.get("/chat/static/chat.js")
    assert js.headers["content-type"].startswith("text/javascript")
    assert "localStorage" in js.text and 'getAttribute("data-endpoint")' in js.text
    assert "innerHTML" not in js.text  # replies are inserted as text nodes
    assert not re.search(r"https?://[a-z0-9-]+\.", js.text)  # no other host is contacted
    css = hooks.client.get("/chat/static/chat.css")
    assert css.headers["content-type"].startswith("text/css") and "@import" not in css.text
    assert hooks.client.get("/chat/static/../../bot/config.py").status_code == 404
    assert hooks.client.get("/chat/static/secret.txt").status_code == 404


def test_unknown_account_page_is_404_in_chinese(hooks: Hooks) -> None:
    resp = hooks.client.get("/chat", params={"account": "nobody"})
    assert resp.status_code == 404 and "聊天账号不存在" in resp.text
    evil = hooks.client.get("/chat", params={"account": '"><script>alert(1)</script>'})
    assert evil.status_code == 404 and "<script>alert(1)" not in evil.text


def test_the_page_endpoint_answers_like_the_page_expects(hooks: Hooks) -> None:
    page = hooks.client.get("/chat").text
    endpoint = re.search(r'data-endpoint="([^"]+)"', page)
    assert endpoint is not None
    resp = hooks.client.post(endpoint.group(1), json={"user_id": "web-0a1b2c", "text": "帮助", "msg_id": "m-1"})
    assert resp.status_code == 200 and resp.json()["replies"]
