"""The platforms' official test vectors (tests/fixtures/*/vectors__official.json, sources noted in each file)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from wechatpy.crypto import PrpCrypto

from bot.channels.base import HttpReply, WebhookRequest
from bot.channels.qqbot import QqbotAdapter, signing_key
from bot.channels.wechat_mp import WechatMpAdapter
from bot.channels.wecom import WecomAdapter
from bot.channels.wxcrypto import WxCipher, signature
from bot.clock import FakeClock
from bot.config import QqbotChannel, WechatMpChannel, WecomChannel
from bot.domain import InboundKind
from bot.errors import BadSignature
from tests.support.channels import FIXTURES


def vectors(channel: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / channel / "vectors__official.json").read_text(encoding="utf-8"))
    return data


def request(query: dict[str, str], body: bytes = b"", headers: dict[str, str] | None = None) -> WebhookRequest:
    return WebhookRequest("POST", query, headers or {}, body, FakeClock().now())


def test_wechat_aes_encryption_matches_the_java_sample() -> None:
    v = vectors("wechat_mp")["aes_encrypt"]
    key = base64.b64decode(v["encoding_aes_key"] + "=")
    for case in v["cases"]:
        crypto = PrpCrypto(key)
        crypto.get_random_string = lambda: v["random"]
        assert crypto.encrypt(case["plain"], v["app_id"]).decode() == case["cipher"]
        assert WxCipher(v["encoding_aes_key"], v["app_id"]).decrypt(case["cipher"]) == case["plain"]


def test_wechat_compatible_mode_sample_is_verified_and_decrypted_by_the_adapter() -> None:
    v = vectors("wechat_mp")["decrypt_compatible_mode"]
    cfg = WechatMpChannel(
        kind="wechat_mp",
        account="vec",
        app_id=v["app_id"],
        app_secret="unused",
        token=v["token"],
        encoding_aes_key=v["encoding_aes_key"],
        max_clock_skew_s=0,  # the sample is from 2014
    )
    adapter = WechatMpAdapter(cfg)
    assert (
        WxCipher(v["encoding_aes_key"], v["app_id"]).decrypt(v["body"].split("<Encrypt><![CDATA[")[1].split("]]>")[0])
        == v["plain"]
    )
    query = {
        "signature": signature(v["token"], v["timestamp"], v["nonce"]),
        "timestamp": v["timestamp"],
        "nonce": v["nonce"],
        "encrypt_type": "aes",
        "msg_signature": v["msg_signature"],
    }
    outcome = adapter.accept(request(query, v["body"].encode()))
    assert not isinstance(outcome, HttpReply)
    msg = outcome.message
    assert (msg.user_id, msg.text, msg.msg_id) == ("oyORnuP8q7ou2gfYjqLzSIWZf0rs", "abcdteT", "6054768590064713728")
    assert msg.dedupe_key == "msg:6054768590064713728"
    with pytest.raises(BadSignature):
        adapter.accept(request({**query, "msg_signature": "0" * 40}, v["body"].encode()))


def wecom_adapter() -> WecomAdapter:
    v = vectors("wecom")
    return WecomAdapter(
        WecomChannel(
            kind="wecom",
            account="vec",
            corp_id=v["corp_id"],
            agent_id=218,
            secret="unused",
            token=v["token"],
            encoding_aes_key=v["encoding_aes_key"],
            max_clock_skew_s=0,
        )
    )


def test_wecom_url_verification_sample() -> None:
    u = vectors("wecom")["verify_url"]
    query = {k: u[k] for k in ("msg_signature", "timestamp", "nonce", "echostr")}
    reply = wecom_adapter().verify_url(WebhookRequest("GET", query, {}, b"", FakeClock().now()))
    assert reply.status == 200
    assert reply.body.decode() == u["plain"]


def test_wecom_message_decryption_sample() -> None:
    m = vectors("wecom")["decrypt_message"]
    query = {k: m[k] for k in ("msg_signature", "timestamp", "nonce")}
    outcome = wecom_adapter().accept(request(query, m["body"].encode()))
    assert not isinstance(outcome, HttpReply)
    msg = outcome.message
    assert (msg.user_id, msg.text, msg.msg_id, msg.kind) == (
        m["from_user"],
        m["content"],
        m["msg_id"],
        InboundKind.TEXT,
    )


def test_qqbot_op13_example_from_the_docs() -> None:
    v = vectors("qqbot")["op13"]
    cfg = QqbotChannel(kind="qqbot", account="vec", app_id=v["app_id"], app_secret=v["secret"])
    headers = {"user-agent": "QQBot-Callback", "x-bot-appid": v["app_id"]}
    reply = QqbotAdapter(cfg).accept(request({}, v["body"].encode(), headers))
    assert isinstance(reply, HttpReply)
    assert json.loads(reply.body) == {"plain_token": v["plain_token"], "signature": v["signature"]}


def test_qqbot_key_derivation_and_request_signature_from_the_docs() -> None:
    k = vectors("qqbot")["key_derivation"]
    key = signing_key(k["secret"])
    assert bytes(key) == k["seed"].encode()
    assert list(key.verify_key.encode()) == k["public_key"]
    s = vectors("qqbot")["request_signature"]
    signed = signing_key(s["secret"]).sign((s["timestamp"] + s["body"]).encode()).signature.hex()
    assert signed == s["signature"]


def test_qqbot_adapter_accepts_the_documented_signed_request() -> None:
    s = vectors("qqbot")["request_signature"]
    cfg = QqbotChannel(kind="qqbot", account="vec", app_id="1", app_secret=s["secret"], max_clock_skew_s=0)
    headers = {"x-signature-ed25519": s["signature"], "x-signature-timestamp": s["timestamp"]}
    adapter = QqbotAdapter(cfg)
    reply = adapter.accept(request({}, s["body"].encode(), headers))
    assert isinstance(reply, HttpReply)
    assert json.loads(reply.body) == {"op": 12}
    with pytest.raises(BadSignature):
        adapter.accept(request({}, s["body"].encode() + b" ", headers))
