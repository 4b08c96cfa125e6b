"""Hand-written fakes for outbound tests: an in-memory token store and a scriptable platform behind MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.channels.base import SendContext
from bot.clock import FakeClock
from bot.domain import ChannelKind

Handler = Callable[[httpx.Request], httpx.Response]


class FakeTokens:
    """The TokenSource contract in memory: fetch once, forget a stale token when told."""

    def __init__(self) -> None:
        self.tokens: dict[tuple[ChannelKind, str], str] = {}
        self.fetches = 0
        self.invalidated: list[str] = []

    def get(self, channel: ChannelKind, account: str, fetch: Callable[[], tuple[str, float]]) -> str:
        key = (channel, account)
        if key not in self.tokens:
            self.tokens[key] = fetch()[0]
            self.fetches += 1
        return self.tokens[key]

    def invalidate(self, channel: ChannelKind, account: str, stale: str) -> None:
        if self.tokens.get((channel, account)) == stale:
            del self.tokens[(channel, account)]
        self.invalidated.append(stale)


@dataclass
class FakePlatform:
    """Routes by path; every request is recorded. Token endpoints hand out T1, T2, ... unless overridden."""

    routes: dict[str, Handler | list[Handler]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    issued: int = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        route = self.routes.get(request.url.path)
        if isinstance(route, list):
            route = route.pop(0) if len(route) > 1 else route[0]
        if route is not None:
            return route(request)
        if request.url.path in ("/cgi-bin/token", "/cgi-bin/gettoken", "/app/getAppAccessToken"):
            self.issued += 1
            expires: int | str = "7200" if request.url.path.startswith("/app") else 7200
            return httpx.Response(200, json={"access_token": f"T{self.issued}", "expires_in": expires})
        return httpx.Response(404, json={"message": "no such route"})

    def context(self, clock: FakeClock | None = None, tokens: FakeTokens | None = None) -> SendContext:
        return SendContext(
            httpx.Client(transport=httpx.MockTransport(self)), tokens or FakeTokens(), clock or FakeClock()
        )

    def sent(self, path: str) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests if r.url.path == path]


def reply(http_status: int = 200, /, **body: Any) -> Handler:
    return lambda request: httpx.Response(http_status, json=body)


def raises(exc: Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler
