"""Platform webhooks, `GET|POST /hooks/{kind}/{account}`, served as plain ASGI in front of the app's routes.

Platform callbacks are the hot path and need nothing FastAPI offers (no parameter validation, no dependencies, no
OpenAPI): this layer size-limits the body (413 before any parsing), hands the adapter a `WebhookRequest`, stores the
message in the durable inbox (group commit) and answers passively when that is cheap (bot/inbox/runtime.py), then
writes back the adapter's answer. Channel errors map to HTTP here the same way the app maps them elsewhere
(UnknownAccount 404, BadSignature 401, BadPayload 400/405/413).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import status_for
from bot import inbox
from bot.channels import HttpReply, WebhookRequest
from bot.container import Container
from bot.errors import BadPayload, JiuyeError
from bot.inbox.runtime import InboxRuntime

PREFIX = "/hooks/"
ROUTE = "/hooks/{kind}/{account}"


class WebhookDispatch:
    """Serves `/hooks/{kind}/{account}`; every other request goes on to `inner` (the app's middleware stack).

    It sits in front of that stack, so a webhook skips the layers it does not use; `app` is the application whose
    state (container, inbox runtime) it serves.
    """

    def __init__(self, inner: ASGIApp, app: Any) -> None:
        self.inner = inner
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX):
            parts = scope["path"][len(PREFIX) :].split("/")
            if len(parts) == 2 and all(parts):
                await _serve(self.app, scope, receive, send, parts[0], parts[1])
                return
        await self.inner(scope, receive, send)


async def _serve(app: Any, scope: Scope, receive: Receive, send: Send, kind: str, account: str) -> None:
    try:
        reply = await _handle(app, scope, receive, kind, account)
    except JiuyeError as exc:
        status = exc.status if isinstance(exc, BadPayload) else status_for(exc)
        body = json.dumps({"detail": str(exc) or type(exc).__name__}, ensure_ascii=False).encode("utf-8")
        reply = HttpReply(status, body, "application/json")
    await send(
        {
            "type": "http.response.start",
            "status": reply.status,
            "headers": [
                (b"content-type", reply.media_type.encode("latin-1")),
                (b"content-length", str(len(reply.body)).encode("latin-1")),
            ],
        }
    )
    await send({"type": "http.response.body", "body": reply.body})


async def _handle(app: Any, scope: Scope, receive: Receive, kind: str, account: str) -> HttpReply:
    c: Container = app.state.container
    adapter = c.channels.get(kind, account)
    method = scope["method"]
    if method == "GET":
        return adapter.verify_url(_request(scope, b"", c))
    if method != "POST":
        raise BadPayload("只支持 GET（URL 校验）和 POST（消息）", status=405)
    body = await _read_limited(scope, receive, c.settings.max_body_bytes)
    outcome = adapter.accept(_request(scope, body, c))
    if isinstance(outcome, HttpReply):
        return outcome
    msg = outcome.message
    if inbox.ignored(msg):
        return adapter.render(outcome, [])
    return adapter.render(outcome, await runtime_of(app).handle(msg))


def runtime_of(app: Any) -> InboxRuntime:
    """The app's inbox runtime (created by the app's lifespan; on first use where no lifespan ran, e.g. tests)."""
    runtime: InboxRuntime | None = getattr(app.state, "inbox", None)
    if runtime is None:
        runtime = app.state.inbox = InboxRuntime(app.state.container)
    return runtime


def _request(scope: Scope, body: bytes, c: Container) -> WebhookRequest:
    # ASGI header names are already lower case.
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
    return WebhookRequest(scope["method"], _query(scope["query_string"]), headers, body, c.clock.now())


def _query(raw: bytes) -> dict[str, str]:
    """The query string as a dict (last value wins); a fraction of parse_qsl's cost for the usual plain values."""
    out: dict[str, str] = {}
    if not raw:
        return out
    for pair in raw.decode("latin-1").split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if "%" in pair or "+" in pair:
            name, value = unquote_plus(name), unquote_plus(value)
        out[name] = value
    return out


async def _read_limited(scope: Scope, receive: Receive, limit: int) -> bytes:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                declared = int(value)
            except ValueError as exc:
                raise BadPayload("Content-Length 不是数字") from exc
            if declared > limit:
                raise BadPayload(f"请求体超过 {limit} 字节上限", status=413)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise BadPayload("客户端在发送请求体时断开了连接")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            # Without a trustworthy Content-Length (chunked upload) the stream itself is cut off.
            raise BadPayload(f"请求体超过 {limit} 字节上限", status=413)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
