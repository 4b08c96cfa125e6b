"""Bad input at the webhook edge, one test each: the right status, a Chinese reason, and nothing stored."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.channels.wxcrypto import signature
from bot.clock import FakeClock
from bot.config import FileConfig, WechatMpChannel, WecomChannel
from models import ChannelIdentity, ConversationLog, InboundDedupe, OutboxMessage
from tests.support.channels import (
    NOW_TS,
    ONEBOT,
    QQBOT,
    WECHAT_PLAIN,
    WECHAT_SAFE,
    WECOM,
    Hooks,
    fixture,
    hooks_for,
    onebot_headers,
    sign,
)

TEXT = fixture("wechat_mp", "text__plain.xml")


@pytest.fixture
def hooks(db_engine: Engine, clock: FakeClock) -> Iterator[Hooks]:
    with hooks_for(db_engine, clock) as h:
        yield h


def assert_nothing_stored(h: Hooks) -> None:
    with h.container.sessions() as s:
        for model in (InboundDedupe, ConversationLog, ChannelIdentity, OutboxMessage):
            assert s.execute(sa.select(sa.func.count()).select_from(model)).scalar_one() == 0, model.__name__


def plain_query(token: str = WECHAT_PLAIN.token, ts: int = NOW_TS, nonce: str = "1") -> dict[str, str]:
    return {"signature": signature(token, str(ts), nonce), "timestamp": str(ts), "nonce": nonce}


def post_plain(h: Hooks, body: bytes, query: dict[str, str] | None = None) -> httpx.Response:
    return h.client.post("/hooks/wechat_mp/plain", params=query or plain_query(), content=body)


def test_forged_signature_is_401_and_nothing_is_stored(hooks: Hooks) -> None:
    resp = hooks.client.post("/hooks/wechat_mp/plain", params=plain_query(token="guessed"), content=TEXT)
    assert resp.status_code == 401 and "签名" in resp.json()["detail"]
    assert_nothing_stored(hooks)


def test_missing_signature_is_401(hooks: Hooks) -> None:
    resp = hooks.client.post("/hooks/wechat_mp/plain", content=TEXT)
    assert resp.status_code == 401 and "缺少签名参数" in resp.json()["detail"]
    assert_nothing_stored(hooks)


def test_forged_msg_signature_in_safe_mode(hooks: Hooks) -> None:
    signed = sign(WECHAT_SAFE, TEXT)
    resp = hooks.client.post(
        "/hooks/wechat_mp/safe", params={**signed.query, "msg_signature": "0" * 40}, content=signed.body
    )
    assert resp.status_code == 401
    assert_nothing_stored(hooks)


def test_forged_onebot_signature(hooks: Hooks) -> None:
    raw = fixture("onebot", "private__segments.json")
    headers = {**onebot_headers(ONEBOT, raw), "X-Signature": "sha1=" + "ab" * 20}
    resp = hooks.client.post("/hooks/onebot/qq", content=raw, headers=headers)
    assert resp.status_code == 401 and "X-Signature" in resp.json()["detail"]
    assert_nothing_stored(hooks)


def test_forged_qqbot_signature(hooks: Hooks) -> None:
    signed = sign(QQBOT, fixture("qqbot", "c2c__plain.json"))
    headers = {**signed.headers, "X-Signature-Ed25519": "00" * 64}
    resp = hooks.client.post("/hooks/qqbot/official", content=signed.body, headers=headers)
    assert resp.status_code == 401 and "Ed25519" in resp.json()["detail"]
    assert_nothing_stored(hooks)


def test_timestamp_outside_the_allowed_skew(hooks: Hooks) -> None:
    resp = post_plain(hooks, TEXT, plain_query(ts=NOW_TS - 301))
    assert resp.status_code == 401 and "300 秒" in resp.json()["detail"]
    qq = hooks.post(QQBOT, fixture("qqbot", "c2c__plain.json"), ts=NOW_TS + 3600)
    assert qq.status_code == 401
    assert_nothing_stored(hooks)


def test_skew_check_can_be_turned_off(db_engine: Engine, clock: FakeClock) -> None:
    lenient = WechatMpChannel(**{**WECHAT_PLAIN.model_dump(), "max_clock_skew_s": 0})
    with hooks_for(db_engine, clock, config=FileConfig(channels=[lenient])) as h:
        resp = post_plain(h, TEXT, plain_query(ts=NOW_TS - 86400 * 30))
        assert resp.status_code == 200


def test_wrong_aes_key_is_400_with_a_clear_reason(hooks: Hooks) -> None:
    other_key = WechatMpChannel(**{**WECHAT_SAFE.model_dump(), "encoding_aes_key": "B" * 43})
    signed = sign(other_key, TEXT)  # the token (and so the signature) is right, the key is not
    resp = hooks.client.post("/hooks/wechat_mp/safe", params=signed.query, content=signed.body)
    assert resp.status_code == 400 and "EncodingAESKey" in resp.json()["detail"]
    assert_nothing_stored(hooks)


def test_wrong_aes_key_on_wecom(hooks: Hooks) -> None:
    other = WecomChannel(**{**WECOM.model_dump(), "encoding_aes_key": "C" * 43})
    signed = sign(other, fixture("wecom", "text__plain.xml"))
    resp = hooks.client.post("/hooks/wecom/corp", params=signed.query, content=signed.body)
    assert resp.status_code == 400 and "解密失败" in resp.json()["detail"]
    assert_nothing_stored(hooks)


def test_truncated_body(hooks: Hooks) -> None:
    resp = post_plain(hooks, TEXT[: len(TEXT) // 2])
    assert resp.status_code == 400 and "XML" in resp.json()["detail"]
    truncated_json = fixture("onebot", "private__segments.json")[:40]
    resp2 = hooks.client.post(
        "/hooks/onebot/qq", content=truncated_json, headers=onebot_headers(ONEBOT, truncated_json)
    )
    assert resp2.status_code == 400 and "JSON" in resp2.json()["detail"]
    assert_nothing_stored(hooks)


def test_oversized_body_is_413_before_parsing(hooks: Hooks) -> None:
    limit = hooks.container.settings.max_body_bytes
    resp = post_plain(hooks, b"<xml>" + b"a" * limit + b"</xml>")
    assert resp.status_code == 413 and str(limit) in resp.json()["detail"]
    assert_nothing_stored(hooks)


def test_oversized_chunked_body_is_cut_off(hooks: Hooks) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(64):
            yield b"x" * 8192

    resp = hooks.client.post("/hooks/web/demo", content=chunks())
    assert resp.status_code == 413
    assert_nothing_stored(hooks)


def test_malformed_xml(hooks: Hooks) -> None:
    resp = post_plain(hooks, b"<xml><ToUserName>a</FromUserName></xml>")
    assert resp.status_code == 400 and "XML" in resp.json()["detail"]
    assert_nothing_stored(hooks)


def test_malformed_json(hooks: Hooks) -> None:
    resp = hooks.client.post("/hooks/web/demo", content=b'{"user_id": "u1", "text": ')
    assert resp.status_code == 400 and "JSON" in resp.json()["detail"]
    assert_nothing_stored(hooks)


def test_xml_bomb_is_never_expanded(hooks: Hooks) -> None:
    entities = "".join(f'<!ENTITY e{i} "&e{i - 1};&e{i - 1};&e{i - 1};&e{i - 1};">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY e0 "lol">{entities}]><xml><Content>&e9;</Content></xml>'
    resp = post_plain(hooks, bomb.encode())
    assert resp.status_code == 400 and "DTD" in resp.json()["detail"]
    assert_nothing_stored(hooks)


def test_external_entity_is_never_resolved(hooks: Hooks) -> None:
    xxe = b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Content>&x;</Content></xml>'
    resp = post_plain(hooks, xxe)
    assert resp.status_code == 400 and "root:" not in resp.text
    assert_nothing_stored(hooks)


def test_unknown_account_and_kind_are_404(hooks: Hooks) -> None:
    for path in ("/hooks/wechat_mp/nobody", "/hooks/telegram/demo"):
        resp = hooks.client.post(path, content=TEXT)
        assert resp.status_code == 404 and "未配置的渠道账号" in resp.json()["detail"]
    assert hooks.client.get("/hooks/wecom/nobody").status_code == 404
    assert_nothing_stored(hooks)


def test_get_on_a_channel_without_url_check_is_405(hooks: Hooks) -> None:
    resp = hooks.client.get("/hooks/onebot/qq")
    assert resp.status_code == 405 and "POST" in resp.json()["detail"]


def test_bad_web_request_says_what_is_wrong(hooks: Hooks) -> None:
    resp = hooks.client.post("/hooks/web/demo", content=json.dumps({"user_id": "u 1", "text": "x"}))
    assert resp.status_code == 400 and "user_id" in resp.json()["detail"]
    assert_nothing_stored(hooks)
