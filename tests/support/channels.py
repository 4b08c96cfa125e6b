"""Shared helpers for channel tests: test accounts of every kind and requests signed the way each platform signs.

The platforms' side is played by their own tools where they exist (wechatpy encrypts as WeChat does, PyNaCl signs
as the QQ open platform does) so that a test passing here means the adapter speaks the real protocol.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from wechatpy.crypto import WeChatCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto

from bot.channels.base import SendContext, TargetKind, WebhookRequest
from bot.channels.qqbot import signing_key
from bot.channels.tokens import TokenStore
from bot.channels.wxcrypto import WxCipher, signature
from bot.clock import FakeClock
from bot.config import (
    ChannelConfig,
    FileConfig,
    OnebotChannel,
    QqbotChannel,
    WebChannel,
    WechatMpChannel,
    WecomBotChannel,
    WecomChannel,
)
from bot.container import Container
from bot.domain import OutboundMessage
from bot.inbox import ResponderContext
from tests.support.containers import make_container

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NOW_TS = int(FakeClock().now().timestamp())
NONCE = "1372623149"

WECHAT_SAFE = WechatMpChannel(
    kind="wechat_mp",
    account="safe",
    app_id="wxb11529c136998cb6",
    app_secret="test-app-secret-9f8e7d6c5b4a",
    token="pamtest",
    encoding_aes_key="abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    api_base="http://wechat.test",
)
WECHAT_PLAIN = WechatMpChannel(
    kind="wechat_mp",
    account="plain",
    app_id="wx0000000000000001",
    app_secret="test-app-secret-1a2b3c4d5e6f",
    token="plaintoken",
    api_base="http://wechat.test",
)
WECOM = WecomChannel(
    kind="wecom",
    account="corp",
    corp_id="wx5823bf96d3bd56c7",
    agent_id=218,
    secret="test-corp-secret-0a9b8c7d",
    token="QDG6eK",
    encoding_aes_key="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    api_base="http://wecom.test",
)
WECOM_BOT = WecomBotChannel(
    kind="wecom_bot",
    account="robot",
    webhook_key="test-webhook-key-3c2b1a",
    token="QDG6eK",
    encoding_aes_key="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    api_base="http://wecom.test",
)
WECOM_HOOK_ONLY = WecomBotChannel(
    kind="wecom_bot", account="hookonly", webhook_key="test-webhook-key-only", api_base="http://wecom.test"
)
ONEBOT = OnebotChannel(
    kind="onebot", account="qq", api_base="http://onebot.test", access_token="ob-token-5e4d3c", secret="ob-secret-7f6e"
)
ONEBOT_OPEN = OnebotChannel(kind="onebot", account="open", api_base="http://onebot.test")
QQBOT = QqbotChannel(
    kind="qqbot",
    account="official",
    app_id="11111111",
    app_secret="DG5g3B4j9X2KOErG",
    api_base="http://qqapi.test",
    token_url="http://qqtoken.test/app/getAppAccessToken",
)
WEB = WebChannel(kind="web", account="demo")
ALL = [WECHAT_SAFE, WECHAT_PLAIN, WECOM, WECOM_BOT, WECOM_HOOK_ONLY, ONEBOT, ONEBOT_OPEN, QQBOT, WEB]
CHANNELS = FileConfig(channels=ALL)


def fixture(channel: str, name: str) -> bytes:
    return (FIXTURES / channel / name).read_bytes()


@dataclass(frozen=True)
class Signed:
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def request(self, now_ts: int = NOW_TS) -> WebhookRequest:
        clock = FakeClock()
        clock.advance(seconds=now_ts - NOW_TS)
        headers = {k.lower(): v for k, v in self.headers.items()}
        return WebhookRequest("POST", self.query, headers, self.body, clock.now())


def sign(cfg: ChannelConfig, raw: bytes, *, ts: int = NOW_TS, nonce: str = NONCE) -> Signed:
    """The request the platform would send for this plaintext payload."""
    if isinstance(cfg, WechatMpChannel):
        return _sign_wechat(cfg, raw, ts, nonce)
    if isinstance(cfg, WecomChannel):
        return _sign_wecom(cfg, raw, ts, nonce)
    if isinstance(cfg, WecomBotChannel):
        return _sign_aibot(cfg, raw, ts, nonce)
    if isinstance(cfg, OnebotChannel):
        return Signed({}, onebot_headers(cfg, raw), raw)
    if isinstance(cfg, QqbotChannel):
        return Signed({}, qqbot_headers(cfg, raw, ts), raw)
    return Signed({}, {"Content-Type": "application/json"}, raw)


def _sign_wechat(cfg: WechatMpChannel, raw: bytes, ts: int, nonce: str) -> Signed:
    query = {"signature": signature(cfg.token, str(ts), nonce), "timestamp": str(ts), "nonce": nonce, "openid": "o"}
    if not cfg.encoding_aes_key:
        return Signed(query, {"Content-Type": "text/xml"}, raw)
    crypto = WeChatCrypto(cfg.token, cfg.encoding_aes_key, cfg.app_id)
    envelope = _xml_fields(crypto.encrypt_message(raw.decode("utf-8"), nonce, str(ts)))
    body = (
        "<xml><ToUserName><![CDATA[gh_jiuye_test]]></ToUserName>"
        f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"
    )
    query.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"])
    return Signed(query, {"Content-Type": "text/xml"}, body.encode())


def _sign_wecom(cfg: WecomChannel, raw: bytes, ts: int, nonce: str) -> Signed:
    crypto = WeComCrypto(cfg.token, cfg.encoding_aes_key, cfg.corp_id)
    envelope = _xml_fields(crypto.encrypt_message(raw.decode("utf-8"), nonce, str(ts)))
    body = (
        f"<xml><ToUserName><![CDATA[{cfg.corp_id}]]></ToUserName><Encrypt><![CDATA[{envelope['Encrypt']}]]>"
        f"</Encrypt><AgentID><![CDATA[{cfg.agent_id}]]></AgentID></xml>"
    )
    query = {"msg_signature": envelope["MsgSignature"], "timestamp": str(ts), "nonce": nonce}
    return Signed(query, {"Content-Type": "text/xml"}, body.encode())


def _sign_aibot(cfg: WecomBotChannel, raw: bytes, ts: int, nonce: str) -> Signed:
    assert cfg.token and cfg.encoding_aes_key
    encrypted = WxCipher(cfg.encoding_aes_key, "").encrypt(raw.decode("utf-8"))
    query = {"msg_signature": signature(cfg.token, str(ts), nonce, encrypted), "timestamp": str(ts), "nonce": nonce}
    return Signed(query, {"Content-Type": "application/json"}, json.dumps({"encrypt": encrypted}).encode())


def onebot_headers(cfg: OnebotChannel, raw: bytes, *, self_id: str = "10001") -> dict[str, str]:
    headers = {"Content-Type": "application/json", "X-Self-ID": self_id}
    if cfg.secret:
        headers["X-Signature"] = "sha1=" + hmac.new(cfg.secret.encode(), raw, hashlib.sha1).hexdigest()
    return headers


def qqbot_headers(cfg: QqbotChannel, raw: bytes, ts: int) -> dict[str, str]:
    sig = signing_key(cfg.app_secret).sign(str(ts).encode() + raw).signature.hex()
    return {
        "Content-Type": "application/json",
        "User-Agent": "QQBot-Callback",
        "X-Bot-Appid": cfg.app_id,
        "X-Signature-Ed25519": sig,
        "X-Signature-Timestamp": str(ts),
    }


def _xml_fields(xml: str) -> dict[str, str]:
    from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

    return {child.tag: child.text or "" for child in fromstring(xml)}


def decrypt_wechat_reply(cfg: WechatMpChannel | WecomChannel, reply: str) -> str:
    """Decrypt a passive reply the way WeChat/WeCom would (signature checked by wechatpy)."""
    fields = _xml_fields(reply)
    crypto: Any
    if isinstance(cfg, WecomChannel):
        crypto = WeComCrypto(cfg.token, cfg.encoding_aes_key, cfg.corp_id)
    else:
        crypto = WeChatCrypto(cfg.token, cfg.encoding_aes_key, cfg.app_id)
    plain: str = crypto.decrypt_message(reply, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"])
    return plain


def decrypt_aibot_reply(cfg: WecomBotChannel, body: bytes) -> dict[str, Any]:
    assert cfg.token and cfg.encoding_aes_key
    envelope = json.loads(body)
    expected = signature(cfg.token, str(envelope["timestamp"]), envelope["nonce"], envelope["encrypt"])
    assert expected == envelope["msgsignature"]
    data: dict[str, Any] = json.loads(WxCipher(cfg.encoding_aes_key, "").decrypt(envelope["encrypt"]))
    return data


def xml_fields(xml: str) -> dict[str, str]:
    return _xml_fields(xml)


class CountingResponder:
    """Answers with fixed replies and counts how often it was really asked."""

    def __init__(self, *replies: str, delay_s: float = 0.0, fail: bool = False) -> None:
        self.replies = [OutboundMessage(r) for r in replies]
        self.calls = 0
        self.delay_s = delay_s
        self.fail = fail
        self._lock = threading.Lock()

    def respond(self, ctx: ResponderContext) -> list[OutboundMessage]:
        with self._lock:
            self.calls += 1
        time.sleep(self.delay_s)
        if self.fail:
            raise RuntimeError("dialogue crashed")
        return list(self.replies)


@dataclass
class Hooks:
    """A TestClient on the real app plus the container behind it."""

    client: TestClient
    container: Container

    def post(self, cfg: ChannelConfig, raw: bytes, **kwargs: Any) -> httpx.Response:
        signed = sign(cfg, raw, **kwargs)
        return self.client.post(
            f"/hooks/{cfg.kind}/{cfg.account}", params=signed.query, headers=signed.headers, content=signed.body
        )


@contextmanager
def hooks_for(
    engine: Engine, clock: FakeClock, transport: httpx.BaseTransport | None = None, config: FileConfig = CHANNELS
) -> Iterator[Hooks]:
    from api.app import create_app  # the unit tests share this module without needing the web app

    container = make_container(engine, clock, config)
    container.http_transport = transport
    with TestClient(create_app(container)) as client:
        yield Hooks(client, container)


def send_context(container: Container) -> SendContext:
    """An HTTP client and the database-backed token store; close `ctx.http` when done."""
    return SendContext(
        http=container.http_client(),
        tokens=TokenStore(container.sessions, container.clock),
        clock=container.clock,
    )


def deliver(
    container: Container,
    channel: str,
    account: str,
    target_kind: TargetKind,
    target_id: str,
    payload: Mapping[str, Any],
) -> dict[str, Any]:
    """Send one outbox payload now, as the outbox worker would for one row; typed SendErrors propagate."""
    adapter = container.channels.get(channel, account)
    ctx = send_context(container)
    try:
        return adapter.send(ctx, target_kind, target_id, payload)
    finally:
        ctx.http.close()
