"""公众号 adapter: one test per event fixture, URL verification, passive replies in every mode."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.channels.base import HttpReply, WebhookRequest
from bot.channels.wxcrypto import signature
from bot.clock import FakeClock
from bot.domain import ChannelKind, InboundKind, OutboundMessage
from bot.errors import BadPayload, BadSignature
from tests.support.channels import (
    NOW_TS,
    WECHAT_PLAIN,
    WECHAT_SAFE,
    decrypt_wechat_reply,
    fixture,
    sign,
    xml_fields,
)
from tests.unit.channels.conftest import accepted, adapter, inbound


@pytest.mark.parametrize("cfg", [WECHAT_PLAIN, WECHAT_SAFE], ids=["plaintext", "safe"])
def test_text(cfg: object) -> None:
    msg = inbound(cfg, "wechat_mp", "text__plain.xml")  # type: ignore[arg-type]
    assert msg.channel is ChannelKind.WECHAT_MP
    assert (msg.kind, msg.text, msg.user_id) == (InboundKind.TEXT, "你好，想找武汉的工作", "oUser_zhangsan_0001")
    assert (msg.msg_id, msg.dedupe_key) == ("24608000000000001", "msg:24608000000000001")
    assert msg.sent_at == datetime.fromtimestamp(1780279190, tz=UTC)
    assert msg.to_me and msg.group_id is None


def test_text_keeps_markup_characters_and_emoji() -> None:
    assert inbound(WECHAT_SAFE, "wechat_mp", "text__emoji.xml").text == "签了三方😀 <华工激光> & 武汉"


def test_subscribe() -> None:
    msg = inbound(WECHAT_SAFE, "wechat_mp", "subscribe__plain.xml")
    assert msg.kind is InboundKind.SUBSCRIBE
    assert msg.dedupe_key == "evt:oUser_wangwu_0003:1780279192:subscribe"
    assert msg.text == "" and msg.msg_id is None


def test_subscribe_by_qr_scene_carries_the_scene() -> None:
    msg = inbound(WECHAT_PLAIN, "wechat_mp", "subscribe__qrscene.xml")
    assert (msg.kind, msg.event_key) == (InboundKind.SUBSCRIBE, "class2026")


def test_unsubscribe() -> None:
    msg = inbound(WECHAT_SAFE, "wechat_mp", "unsubscribe__plain.xml")
    assert msg.kind is InboundKind.UNSUBSCRIBE
    assert msg.dedupe_key == "evt:oUser_wangwu_0003:1780279194:unsubscribe"


def test_menu_click() -> None:
    msg = inbound(WECHAT_SAFE, "wechat_mp", "click__menu.xml")
    assert (msg.kind, msg.event_key) == (InboundKind.CLICK, "MENU_RECOMMEND")
    assert msg.dedupe_key == "evt:oUser_zhangsan_0001:1780279195:click"


def test_menu_view_is_another_event() -> None:
    assert inbound(WECHAT_SAFE, "wechat_mp", "view__menu.xml").kind is InboundKind.OTHER


@pytest.mark.parametrize("name", ["image__unknown.xml", "voice__unknown.xml"])
def test_image_and_voice_are_acknowledged_as_other(name: str) -> None:
    msg = inbound(WECHAT_SAFE, "wechat_mp", name)
    assert msg.kind is InboundKind.OTHER
    assert msg.dedupe_key.startswith("msg:2460800000000000")


def test_url_verification_echoes_echostr() -> None:
    ts = str(NOW_TS)
    query = {"signature": signature("pamtest", ts, "42"), "timestamp": ts, "nonce": "42", "echostr": "4075181314"}
    reply = adapter(WECHAT_SAFE).verify_url(WebhookRequest("GET", query, {}, b"", FakeClock().now()))
    assert reply.body == b"4075181314"
    with pytest.raises(BadSignature):
        adapter(WECHAT_SAFE).verify_url(
            WebhookRequest("GET", {**query, "signature": "f" * 40}, {}, b"", FakeClock().now())
        )


def test_plaintext_reply_is_a_text_message_back_to_the_user() -> None:
    acc = accepted(WECHAT_PLAIN, "wechat_mp", "text__plain.xml")
    reply = adapter(WECHAT_PLAIN).render(acc, [OutboundMessage("收到]]>，谢谢"), OutboundMessage("第二条")])
    fields = xml_fields(reply.body.decode())
    assert fields["ToUserName"] == "oUser_zhangsan_0001" and fields["FromUserName"] == "gh_jiuye_test"
    assert fields["MsgType"] == "text"
    assert fields["Content"] == "收到]]>，谢谢"  # a CDATA terminator in the text cannot break the XML


def test_safe_mode_reply_is_encrypted_and_wechat_can_decrypt_it() -> None:
    acc = accepted(WECHAT_SAFE, "wechat_mp", "text__plain.xml")
    reply = adapter(WECHAT_SAFE).render(acc, [OutboundMessage("岗位详情", title="华工激光", url="https://x.test/m/1")])
    assert "<Encrypt>" in reply.body.decode()
    content = xml_fields(decrypt_wechat_reply(WECHAT_SAFE, reply.body.decode()))["Content"]
    assert content == '岗位详情\n<a href="https://x.test/m/1">华工激光</a>'


def test_no_reply_is_success() -> None:
    acc = accepted(WECHAT_SAFE, "wechat_mp", "unsubscribe__plain.xml")
    assert adapter(WECHAT_SAFE).render(acc, []) == HttpReply.text("success")


def test_encrypted_message_to_an_account_without_key_is_refused() -> None:
    signed = sign(WECHAT_SAFE, fixture("wechat_mp", "text__plain.xml"))
    query = {
        **signed.query,
        "signature": signature(WECHAT_PLAIN.token, signed.query["timestamp"], signed.query["nonce"]),
    }
    with pytest.raises(BadPayload, match="未配置 encoding_aes_key"):
        adapter(WECHAT_PLAIN).accept(WebhookRequest("POST", query, {}, signed.body, FakeClock().now()))


def test_message_without_msgtype_is_refused() -> None:
    raw = b"<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime></xml>"
    with pytest.raises(BadPayload, match="MsgType"):
        adapter(WECHAT_PLAIN).accept(sign(WECHAT_PLAIN, raw).request())
