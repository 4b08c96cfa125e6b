"""What every channel adapter shares: the request it is handed, what it answers, how it sends.

An adapter owns its platform's protocol end to end: it verifies (signature, timestamp, decryption), parses the
platform's payload into one `InboundMessage` (or answers a protocol-only request such as a URL check or a
heartbeat itself), renders the passive reply the core produced, and sends outbound messages with httpx. No web
framework is imported here: the route hands over a `WebhookRequest` and writes back the `HttpReply`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

import httpx

from bot.clock import Clock
from bot.domain import Capabilities, ChannelKind, InboundMessage, OutboundMessage
from bot.errors import BadPayload, BadSignature

TargetKind = Literal["user", "group"]


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    """One HTTP request to `/hooks/{kind}/{account}`, already size-checked; header names are lower case."""

    method: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    now: datetime


@dataclass(frozen=True, slots=True)
class HttpReply:
    status: int = 200
    body: bytes = b""
    media_type: str = "text/plain; charset=utf-8"

    @classmethod
    def text(cls, text: str, status: int = 200) -> HttpReply:
        return cls(status, text.encode("utf-8"))

    @classmethod
    def xml(cls, text: str) -> HttpReply:
        return cls(200, text.encode("utf-8"), "application/xml; charset=utf-8")

    @classmethod
    def json_bytes(cls, body: bytes, status: int = 200) -> HttpReply:
        return cls(status, body, "application/json")

    @classmethod
    def empty(cls, status: int = 204) -> HttpReply:
        return cls(status, b"", "text/plain")


@dataclass(frozen=True, slots=True)
class Accepted:
    """A verified platform message for the core, plus what the adapter needs later to render its passive reply."""

    message: InboundMessage
    envelope: Mapping[str, Any] = field(default_factory=dict)


Outcome = Accepted | HttpReply


class TokenSource(Protocol):
    """An access token shared by every worker (see `bot.channels.tokens`)."""

    def get(self, channel: ChannelKind, account: str, fetch: Callable[[], tuple[str, float]]) -> str: ...

    def invalidate(self, channel: ChannelKind, account: str, stale: str) -> None: ...


@dataclass(frozen=True, slots=True)
class SendContext:
    """What an adapter needs to talk to its platform: an HTTP client, the shared token store, the time."""

    http: httpx.Client
    tokens: TokenSource
    clock: Clock


class ChannelAdapter(Protocol):
    @property
    def kind(self) -> ChannelKind: ...

    @property
    def account(self) -> str: ...

    @property
    def capabilities(self) -> Capabilities: ...

    @property
    def max_passive_replies(self) -> int | None:
        """How many of the core's replies fit into the passive answer (None: all); the rest go to the outbox."""
        ...

    def verify_url(self, req: WebhookRequest) -> HttpReply:
        """Answer the platform's GET URL check (or refuse: not every platform has one)."""
        ...

    def accept(self, req: WebhookRequest) -> Outcome:
        """Verify and parse a POST; raise BadSignature / BadPayload before anything is stored."""
        ...

    def render(self, accepted: Accepted, replies: Sequence[OutboundMessage]) -> HttpReply:
        """The HTTP answer carrying the passive replies (or the platform's bare acknowledgement)."""
        ...

    def reply_payloads(self, msg: InboundMessage, replies: Sequence[OutboundMessage]) -> list[dict[str, Any]]:
        """Outbox payloads for replies that did not fit into the passive answer (platform reply context added)."""
        ...

    def send(
        self, ctx: SendContext, target_kind: TargetKind, target_id: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Deliver one outbox payload; return the platform's answer or raise a typed SendError."""
        ...

    def check(self, http: httpx.Client) -> str:
        """Check the credentials where the platform allows it; a Chinese one-line result, or raise SendError."""
        ...


class BaseAdapter:
    """Defaults shared by the adapters: no GET check, timestamp skew, header access, plain reply payloads."""

    kind: ChannelKind
    account: str
    capabilities: Capabilities
    max_passive_replies: int | None = 1

    def __init__(self, account: str, max_clock_skew_s: int) -> None:
        self.account = account
        self.max_clock_skew_s = max_clock_skew_s

    @property
    def label(self) -> str:
        return f"{self.kind.value}/{self.account}"

    def verify_url(self, req: WebhookRequest) -> HttpReply:
        raise BadPayload("该渠道没有 GET 校验，请使用 POST 推送事件", status=405)

    def reply_payloads(self, msg: InboundMessage, replies: Sequence[OutboundMessage]) -> list[dict[str, Any]]:
        return [message_payload(r) for r in replies]

    def check_skew(self, timestamp: str | int | None, now: datetime) -> datetime:
        """The platform's timestamp as a datetime; refused when outside max_clock_skew_s (0 disables the check)."""
        if timestamp is None or str(timestamp).strip() == "":
            raise BadSignature("缺少时间戳，拒绝处理")
        try:
            sent = datetime.fromtimestamp(int(str(timestamp).strip()), tz=UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise BadSignature(f"时间戳格式错误：{str(timestamp)[:32]}") from exc
        if self.max_clock_skew_s and abs((now - sent).total_seconds()) > self.max_clock_skew_s:
            raise BadSignature(f"时间戳与服务器时间相差超过 {self.max_clock_skew_s} 秒，可能是重放的请求，已拒绝")
        return sent

    def check(self, http: httpx.Client) -> str:
        return "无需凭据"


def message_payload(msg: OutboundMessage) -> dict[str, Any]:
    """The channel-neutral outbox payload of one message (adapters add their reply context)."""
    out: dict[str, Any] = {"text": msg.text}
    for name in ("title", "url", "markdown"):
        value = getattr(msg, name)
        if value:
            out[name] = value
    return out


def payload_message(payload: Mapping[str, Any]) -> OutboundMessage:
    return OutboundMessage(
        text=str(payload.get("text") or ""),
        title=payload.get("title") or None,
        url=payload.get("url") or None,
        markdown=payload.get("markdown") or None,
    )


def plain_text(msg: OutboundMessage, *, links: bool = True) -> str:
    """A message as plain text for platforms without rich formats: the link on its own line."""
    text = msg.text.strip()
    if links and msg.url and msg.url not in text:
        text = f"{text}\n{msg.url}" if text else msg.url
    return text


def header(req: WebhookRequest, name: str) -> str | None:
    value = req.headers.get(name.lower())
    return value if value else None


def query(req: WebhookRequest, name: str) -> str | None:
    value = req.query.get(name)
    return value if value else None


def require_query(req: WebhookRequest, *names: str) -> list[str]:
    """Query parameters the signature needs; a missing one is a missing signature (401), not a bad body."""
    values = [req.query.get(n) or "" for n in names]
    missing = [n for n, v in zip(names, values, strict=True) if not v]
    if missing:
        raise BadSignature(f"缺少签名参数：{', '.join(missing)}")
    return values


def base64_query_value(value: str) -> str:
    """Base64 from a query string: a `+` the platform left unescaped arrives decoded as a space."""
    return value.replace(" ", "+")


def join_texts(replies: Sequence[OutboundMessage], *, links: bool = True) -> str:
    return "\n\n".join(t for t in (plain_text(r, links=links) for r in replies) if t)


def parse_json_object(raw: bytes | str) -> dict[str, Any]:
    if not raw:
        raise BadPayload("请求体为空")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadPayload(f"JSON 格式错误或不完整：{exc}") from exc
    if not isinstance(data, dict):
        raise BadPayload("JSON 顶层应为对象")
    return data
