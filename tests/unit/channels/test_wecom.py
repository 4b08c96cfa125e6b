"""企业微信 app adapter: one test per event fixture, URL verification, encrypted passive replies."""

from __future__ import annotations

import pytest

from bot.channels.base import WebhookRequest
from bot.channels.wxcrypto import WxCipher, signature
from bot.clock import FakeClock
from bot.domain import ChannelKind, InboundKind, OutboundMessage
from bot.errors import BadPayload, BadSignature
from tests.support.channels import NOW_TS, WECOM, decrypt_wechat_reply, xml_fields
from tests.unit.channels.conftest import accepted, adapter, inbound


def test_text() -> None:
    msg = inbound(WECOM, "wecom", "text__plain.xml")
    assert msg.channel is ChannelKind.WECOM
    assert (msg.kind, msg.text, msg.user_id) == (InboundKind.TEXT, "帮助", "zhangsan")
    assert msg.dedupe_key == "msg:4561255354251345930"


def test_subscribe() -> None:
    msg = inbound(WECOM, "wecom", "subscribe__plain.xml")
    assert (msg.kind, msg.user_id, msg.dedupe_key) == (InboundKind.SUBSCRIBE, "lisi", "evt:lisi:1780279191:subscribe")


def test_unsubscribe() -> None:
    assert inbound(WECOM, "wecom", "unsubscribe__plain.xml").kind is InboundKind.UNSUBSCRIBE


def test_menu_click() -> None:
    msg = inbound(WECOM, "wecom", "click__menu.xml")
    assert (msg.kind, msg.event_key) == (InboundKind.CLICK, "MENU_STATUS")


def test_enter_agent_is_other() -> None:
    assert inbound(WECOM, "wecom", "enter_agent__unknown.xml").kind is InboundKind.OTHER


def test_image_is_other() -> None:
    msg = inbound(WECOM, "wecom", "image__unknown.xml")
    assert (msg.kind, msg.dedupe_key) == (InboundKind.OTHER, "msg:4561255354251345931")


def test_url_verification_decrypts_echostr() -> None:
    ts = str(NOW_TS)
    echostr = WxCipher(WECOM.encoding_aes_key, WECOM.corp_id).encrypt("8723468723")
    query = {
        "msg_signature": signature(WECOM.token, ts, "7", echostr),
        "timestamp": ts,
        "nonce": "7",
        "echostr": echostr,
    }
    assert adapter(WECOM).verify_url(WebhookRequest("GET", query, {}, b"", FakeClock().now())).body == b"8723468723"
    with pytest.raises(BadSignature):
        adapter(WECOM).verify_url(WebhookRequest("GET", {**query, "nonce": "8"}, {}, b"", FakeClock().now()))


def test_url_verification_from_another_corp_fails_to_decrypt() -> None:
    ts = str(NOW_TS)
    echostr = WxCipher(WECOM.encoding_aes_key, "wwOTHERCORP").encrypt("8723468723")
    query = {
        "msg_signature": signature(WECOM.token, ts, "7", echostr),
        "timestamp": ts,
        "nonce": "7",
        "echostr": echostr,
    }
    with pytest.raises(BadPayload, match="解密失败"):
        adapter(WECOM).verify_url(WebhookRequest("GET", query, {}, b"", FakeClock().now()))


def test_reply_is_encrypted_with_the_agent_id() -> None:
    acc = accepted(WECOM, "wecom", "text__plain.xml")
    reply = adapter(WECOM).render(acc, [OutboundMessage("你好")])
    fields = xml_fields(decrypt_wechat_reply(WECOM, reply.body.decode()))
    assert (fields["Content"], fields["ToUserName"], fields["AgentID"]) == ("你好", "zhangsan", "218")


def test_no_reply_is_an_empty_200() -> None:
    reply = adapter(WECOM).render(accepted(WECOM, "wecom", "unsubscribe__plain.xml"), [])
    assert (reply.status, reply.body) == (200, b"")
