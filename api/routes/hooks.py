"""Platform webhooks: `GET|POST /hooks/{kind}/{account}`.

The route stays thin: size-limit the body (413 before any parsing), hand the adapter a `WebhookRequest`, run the
inbound pipeline in the thread pool for a message, and write back the adapter's answer. Channel errors map to
HTTP at the app's edge (UnknownAccount 404, BadSignature 401, BadPayload 400/405/413).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from api.deps import ContainerDep
from bot.channels import HttpReply, WebhookRequest
from bot.errors import BadPayload
from bot.services.inbound import handle_inbound

router = APIRouter(tags=["webhooks"])


@router.get("/hooks/{kind}/{account}", summary="平台回调 URL 校验")
async def verify_url(kind: str, account: str, request: Request, c: ContainerDep) -> Response:
    adapter = c.channels.get(kind, account)
    reply = adapter.verify_url(_webhook_request(request, b"", c.clock.now()))
    return _response(reply)


@router.post("/hooks/{kind}/{account}", summary="接收平台推送的消息和事件")
async def receive(kind: str, account: str, request: Request, c: ContainerDep) -> Response:
    adapter = c.channels.get(kind, account)
    body = await _read_limited(request, c.settings.max_body_bytes)
    outcome = adapter.accept(_webhook_request(request, body, c.clock.now()))
    if isinstance(outcome, HttpReply):
        return _response(outcome)
    replies = await run_in_threadpool(handle_inbound, c, outcome.message)
    return _response(adapter.render(outcome, replies))


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
