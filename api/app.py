"""FastAPI app factory. Routes are thin; the container from `bot.bootstrap` carries everything they use."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import status_for
from api.routes import admin, chat, health, mobile, v1
from api.schemas.validation import validation_body
from api.webhooks import PREFIX as WEBHOOK_PREFIX
from api.webhooks import ROUTE as WEBHOOK_ROUTE
from api.webhooks import WebhookDispatch
from bot import errors
from bot.bootstrap import bootstrap
from bot.container import Container
from bot.inbox import heap
from bot.inbox.runtime import InboxRuntime


class JiuyeApp(FastAPI):
    """FastAPI with a front layer outside its middleware stack: platform webhooks, the hot path, are served there
    without FastAPI's per-request layers (error pages, telemetry, body limit: the webhook layer has its own)."""

    front: Callable[[ASGIApp], ASGIApp] | None = None

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        return self.front(stack) if self.front is not None else stack


def create_app(container: Container | None = None) -> FastAPI:
    container = container or bootstrap()
    app = JiuyeApp(
        lifespan=_lifespan,
        title="就业助手 jiuye",
        description=(
            "就业助手 API：毕业生、岗位、匹配、推送与统计。平台回调地址为 /hooks/{kind}/{account}"
            "（GET 用于平台的 URL 校验，POST 接收消息），协议由各渠道定义，不在此列出。"
        ),
        version="0.1.0",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.state.container = container
    _install_front(app, container)
    _install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(chat.router)
    app.include_router(mobile.router)
    app.include_router(admin.router)
    app.include_router(v1.router)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    heap.warm_and_freeze()
    inbox = app.state.inbox = InboxRuntime(app.state.container)
    inbox.start()
    try:
        yield
    finally:
        inbox.stop()


def _install_error_handlers(app: FastAPI) -> None:
    async def handle(request: Request, exc: Exception) -> Response:
        if isinstance(exc, errors.InvalidInput):
            items = [{"loc": [], "msg": p} for p in exc.problems]
            return JSONResponse({"detail": f"请求有误：{exc}", "errors": items}, status_code=422)
        assert isinstance(exc, errors.JiuyeError)
        status = status_for(exc)
        return JSONResponse({"detail": str(exc) or type(exc).__name__}, status_code=status)

    async def invalid_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return JSONResponse(validation_body(exc.errors()), status_code=422)

    app.add_exception_handler(errors.JiuyeError, handle)
    app.add_exception_handler(RequestValidationError, invalid_request)


def _install_front(app: JiuyeApp, container: Container) -> None:
    requests = Counter(
        "jiuye_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=container.metrics
    )
    latency = Histogram("jiuye_http_request_seconds", "HTTP latency", ["route"], registry=container.metrics)
    # Outermost: every request is measured, webhooks included; then webhooks leave for their own plain layer.
    app.front = lambda inner: MetricsMiddleware(WebhookDispatch(inner, app), requests=requests, latency=latency)


class MetricsMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware) so that the webhook hot path pays almost nothing for it."""

    def __init__(self, app: ASGIApp, *, requests: Counter, latency: Histogram) -> None:
        self.app = app
        self.requests = requests
        self.latency = latency
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = getattr(scope.get("route"), "path", None) or _unrouted_label(scope)
            key = (scope["method"], route, status)
            children = self._children.get(key)
            if children is None:
                # labels() validates and locks on every call; the set of (method, route, status) is small and fixed.
                children = (self.requests.labels(key[0], route, str(status)), self.latency.labels(route))
                if len(self._children) < 1024:
                    self._children[key] = children
            children[0].inc()
            children[1].observe(time.perf_counter() - start)


def _unrouted_label(scope: Scope) -> str:
    return WEBHOOK_ROUTE if scope.get("path", "").startswith(WEBHOOK_PREFIX) else "unmatched"
