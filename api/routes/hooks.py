"""Platform webhooks: `GET|POST /hooks/{kind}/{account}`.

The route stays thin: size-limit the body (413 before any parsing), hand the adapter a `WebhookRequest`, store the
message in the durable inbox (group commit), answer passively when that is cheap (bot/inbox_runtime.py), and write
back the adapter's answer. Channel errors map to
HTTP at the app's edge (UnknownAccount 404, BadSignature 401, BadPayload 400/405/413).
"""

from __future__ import annotations

from datetime import datetime

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from bot.bootstrap import Container
from bot.channels import HttpReply, WebhookRequest
from bot.errors import BadPayload
from bot.inbox_runtime import InboxRuntime
from bot.services import inbox


async def webhook(request: Request) -> Response:
    """GET: the platform's URL verification; POST: a message or event."""
    c: Container = request.app.state.container
    adapter = c.channels.get(request.path_params["kind"], request.path_params["account"])
    if request.method == "GET":
        return _response(adapter.verify_url(_webhook_request(request, b"", c.clock.now())))
    body = await _read_limited(request, c.settings.max_body_bytes)
    outcome = adapter.accept(_webhook_request(request, body, c.clock.now()))
    if isinstance(outcome, HttpReply):
        return _response(outcome)
    msg = outcome.message
    if inbox.ignored(msg):
        return _response(adapter.render(outcome, []))
    replies = await inbox_runtime(request).handle(msg)
    return _response(adapter.render(outcome, replies))


# A plain Starlette route, matched before the API's routes: platform callbacks need none of FastAPI's parameter
# validation or dependency solving, which cost more than verifying and storing the message itself.
routes = [Route("/hooks/{kind}/{account}", webhook, methods=["GET", "POST"], name="webhook")]


def inbox_runtime(request: Request) -> InboxRuntime:
    """The app's inbox runtime (created by the app's lifespan; on first use where no lifespan ran, e.g. tests)."""
    runtime: InboxRuntime | None = getattr(request.app.state, "inbox", None)
    if runtime is None:
        runtime = request.app.state.inbox = InboxRuntime(request.app.state.container)
    return runtime


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            too_big = int(declared) > limit
        except ValueError as exc:
            raise BadPayload("Content-Length 不是数字") from exc
        if too_big:
            raise BadPayload(f"请求体超过 {limit} 字节上限", status=413)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                # Without a trustworthy Content-Length (chunked upload) the stream itself is cut off.
                raise BadPayload(f"请求体超过 {limit} 字节上限", status=413)
            chunks.append(chunk)
    except ClientDisconnect as exc:
        raise BadPayload("客户端在发送请求体时断开了连接") from exc
    return b"".join(chunks)


def _webhook_request(request: Request, body: bytes, now: datetime) -> WebhookRequest:
    return WebhookRequest(
        method=request.method,
        query=dict(request.query_params),
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
        now=now,
    )


def _response(reply: HttpReply) -> Response:
    return Response(content=reply.body, status_code=reply.status, media_type=reply.media_type)
