"""公众号 and 企业微信 through the real HTTP app: wechatpy plays WeChat on both sides of the round trip."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.channels.wxcrypto import WxCipher, signature
from bot.clock import FakeClock
from models import ChannelIdentity, ConversationLog, InboundDedupe
from tests.support.channels import (
    NOW_TS,
    WECHAT_PLAIN,
    WECHAT_SAFE,
    WECOM,
    CountingResponder,
    Hooks,
    decrypt_wechat_reply,
    fixture,
    hooks_for,
    xml_fields,
)


@pytest.fixture
def hooks(db_engine: Engine, clock: FakeClock) -> Iterator[Hooks]:
    with hooks_for(db_engine, clock) as h:
        yield h


def rows(h: Hooks, model: type, **where: object) -> int:
    with h.container.sessions() as s:
        return int(s.execute(sa.select(sa.func.count()).select_from(model).filter_by(**where)).scalar_one())


def test_safe_mode_round_trip_three_deliveries_one_side_effect(hooks: Hooks) -> None:
    responder = CountingResponder("收到，正在为你查找武汉的岗位")
    hooks.container.responder = responder
    raw = fixture("wechat_mp", "text__plain.xml")
    answers = []
    for nonce in ("111", "222", "333"):  # WeChat's retries carry fresh nonces
        resp = hooks.post(WECHAT_SAFE, raw, nonce=nonce)
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("application/xml")
        answers.append(xml_fields(decrypt_wechat_reply(WECHAT_SAFE, resp.text)))
    assert answers[0]["Content"] == "收到，正在为你查找武汉的岗位"
    assert answers[0]["ToUserName"] == "oUser_zhangsan_0001" and answers[0]["FromUserName"] == "gh_jiuye_test"
    assert answers[1] == answers[0] and answers[2] == answers[0]
    assert responder.calls == 1
    assert rows(hooks, ConversationLog, direction="in") == 1
    assert rows(hooks, ConversationLog, direction="out") == 1
    assert rows(hooks, InboundDedupe) == 1 and rows(hooks, ChannelIdentity) == 1


def test_plaintext_mode_retries_get_byte_identical_answers(hooks: Hooks) -> None:
    raw = fixture("wechat_mp", "text__emoji.xml")
    bodies = [hooks.post(WECHAT_PLAIN, raw, nonce=n).content for n in ("1", "2", "3")]
    assert bodies[0] == bodies[1] == bodies[2]
    assert "<MsgType><![CDATA[text]]></MsgType>" in bodies[0].decode()
    assert rows(hooks, ConversationLog, direction="in") == 1


def test_compatible_mode_is_answered_encrypted(hooks: Hooks) -> None:
    plain = fixture("wechat_mp", "text__plain.xml").decode().strip()
    ts, nonce = str(NOW_TS), "99"
    encrypted = WxCipher(WECHAT_SAFE.encoding_aes_key or "", WECHAT_SAFE.app_id).encrypt(plain)
    body = plain.replace("</xml>", f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>")
    query = {
        "signature": signature(WECHAT_SAFE.token, ts, nonce),
        "timestamp": ts,
        "nonce": nonce,
        "encrypt_type": "aes",
        "msg_signature": signature(WECHAT_SAFE.token, ts, nonce, encrypted),
    }
    resp = hooks.client.post("/hooks/wechat_mp/safe", params=query, content=body.encode())
    assert resp.status_code == 200
    assert xml_fields(decrypt_wechat_reply(WECHAT_SAFE, resp.text))["ToUserName"] == "oUser_zhangsan_0001"


def test_url_verification_over_http(hooks: Hooks) -> None:
    ts = str(NOW_TS)
    query = {"signature": signature("pamtest", ts, "5"), "timestamp": ts, "nonce": "5", "echostr": "7751234"}
    resp = hooks.client.get("/hooks/wechat_mp/safe", params=query)
    assert (resp.status_code, resp.text) == (200, "7751234")
    bad = hooks.client.get("/hooks/wechat_mp/safe", params={**query, "signature": "0" * 40})
    assert bad.status_code == 401 and "签名" in bad.json()["detail"]


def test_subscribe_is_welcomed_and_unsubscribe_is_success(hooks: Hooks) -> None:
    welcome = hooks.post(WECHAT_SAFE, fixture("wechat_mp", "subscribe__plain.xml"))
    assert "欢迎" in xml_fields(decrypt_wechat_reply(WECHAT_SAFE, welcome.text))["Content"]
    bye = hooks.post(WECHAT_SAFE, fixture("wechat_mp", "unsubscribe__plain.xml"))
    assert (bye.status_code, bye.text) == (200, "success")
    with hooks.container.sessions() as s:
        identity = s.execute(sa.select(ChannelIdentity)).scalar_one()
    assert identity.platform_user_id == "oUser_wangwu_0003" and identity.subscribed is False


def test_unknown_message_type_is_acknowledged_and_logged(hooks: Hooks) -> None:
    resp = hooks.post(WECHAT_SAFE, fixture("wechat_mp", "image__unknown.xml"))
    assert resp.status_code == 200
    assert "文字" in xml_fields(decrypt_wechat_reply(WECHAT_SAFE, resp.text))["Content"]
    with hooks.container.sessions() as s:
        logged = s.execute(sa.select(ConversationLog).where(ConversationLog.direction == "in")).scalar_one()
    assert (logged.text, logged.data["kind"]) == ("[other]", "other")


def test_wecom_verification_and_round_trip(hooks: Hooks) -> None:
    ts = str(NOW_TS)
    echostr = WxCipher(WECOM.encoding_aes_key, WECOM.corp_id).encrypt("5927245116")
    query = {
        "msg_signature": signature(WECOM.token, ts, "3", echostr),
        "timestamp": ts,
        "nonce": "3",
        "echostr": echostr,
    }
    assert hooks.client.get("/hooks/wecom/corp", params=query).text == "5927245116"
    responder = CountingResponder("你好，张三")
    hooks.container.responder = responder
    raw = fixture("wecom", "text__plain.xml")
    answers = [xml_fields(decrypt_wechat_reply(WECOM, hooks.post(WECOM, raw, nonce=n).text)) for n in ("1", "2", "3")]
    assert answers[0]["Content"] == "你好，张三" and answers[0]["AgentID"] == "218"
    assert answers[0] == answers[1] == answers[2]
    assert responder.calls == 1 and rows(hooks, ConversationLog) == 2


def test_wecom_verification_survives_an_unescaped_plus(hooks: Hooks) -> None:
    ts = str(NOW_TS)
    cipher = WxCipher(WECOM.encoding_aes_key, WECOM.corp_id)
    echostr = next(e for e in (cipher.encrypt(f"echo{i}") for i in range(200)) if "+" in e)
    sig = signature(WECOM.token, ts, "3", echostr)
    raw_query = f"msg_signature={sig}&timestamp={ts}&nonce=3&echostr={echostr}"  # '+' not percent-encoded
    resp = hooks.client.get(f"/hooks/wecom/corp?{raw_query}")
    assert resp.status_code == 200 and resp.text.startswith("echo")
