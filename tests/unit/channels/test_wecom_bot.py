"""WeCom robots: 智能机器人 callback events and replies; the group robot's send-only configuration."""

from __future__ import annotations

import pytest

from bot.channels.base import HttpReply, WebhookRequest
from bot.clock import FakeClock
from bot.domain import ChannelKind, InboundKind, OutboundMessage
from bot.errors import BadPayload
from tests.support.channels import WECOM_BOT, WECOM_HOOK_ONLY, decrypt_aibot_reply, fixture, sign
from tests.unit.channels.conftest import accepted, adapter, inbound, protocol_reply


def test_single_chat_text() -> None:
    msg = inbound(WECOM_BOT, "wecom_bot", "text__single.json")
    assert msg.channel is ChannelKind.WECOM_BOT
    assert (msg.kind, msg.text, msg.user_id, msg.group_id) == (InboundKind.TEXT, "帮助", "zhangsan", None)
    assert msg.dedupe_key == "msg:CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI="
    assert msg.reply_context["response_url"].endswith("RESPONSE_CODE_1")


def test_group_at_message_strips_the_mention() -> None:
    msg = inbound(WECOM_BOT, "wecom_bot", "text__group_at.json")
    assert (msg.text, msg.group_id, msg.to_me) == ("推荐岗位", "wrkSFfCgAAtMQKg4xqDatM5C9IDHFpTw", True)


def test_mixed_message_keeps_its_text() -> None:
    msg = inbound(WECOM_BOT, "wecom_bot", "mixed__group_at.json")
    assert (msg.kind, msg.text) == (InboundKind.TEXT, "这是我的简历")


def test_image_is_other() -> None:
    assert inbound(WECOM_BOT, "wecom_bot", "image__unknown.json").kind is InboundKind.OTHER


def test_enter_chat_event() -> None:
    msg = inbound(WECOM_BOT, "wecom_bot", "event__enter_chat.json")
    assert (msg.kind, msg.event_key) == (InboundKind.OTHER, "enter_chat")


def test_stream_refresh_is_acknowledged_empty() -> None:
    reply = protocol_reply(WECOM_BOT, "wecom_bot", "stream__refresh.json")
    assert (reply.status, reply.body) == (200, b"")


def test_reply_is_an_encrypted_finished_stream() -> None:
    acc = accepted(WECOM_BOT, "wecom_bot", "text__group_at.json")
    reply = adapter(WECOM_BOT).render(acc, [OutboundMessage("为你推荐 3 个岗位")])
    data = decrypt_aibot_reply(WECOM_BOT, reply.body)
    assert data["msgtype"] == "stream"
    assert data["stream"]["finish"] is True and data["stream"]["content"] == "为你推荐 3 个岗位"


def test_event_reply_is_text() -> None:
    acc = accepted(WECOM_BOT, "wecom_bot", "event__enter_chat.json")
    data = decrypt_aibot_reply(WECOM_BOT, adapter(WECOM_BOT).render(acc, [OutboundMessage("欢迎")]).body)
    assert data == {"msgtype": "text", "text": {"content": "欢迎"}}


def test_further_replies_travel_together_to_response_url() -> None:
    msg = inbound(WECOM_BOT, "wecom_bot", "text__single.json")
    payloads = adapter(WECOM_BOT).reply_payloads(msg, [OutboundMessage("二"), OutboundMessage("三")])
    assert payloads == [{"text": "二\n\n三", "response_url": msg.reply_context["response_url"]}]


def test_webhook_only_robot_refuses_callbacks_and_cannot_reply() -> None:
    bot = adapter(WECOM_HOOK_ONLY)
    assert bot.capabilities.passive_reply_window_s is None and bot.capabilities.can_push_group
    assert bot.capabilities.rate_per_minute == 20
    signed = sign(WECOM_BOT, fixture("wecom_bot", "text__single.json"))
    with pytest.raises(BadPayload) as err:
        bot.accept(signed.request())
    assert err.value.status == 405
    with pytest.raises(BadPayload):
        bot.verify_url(WebhookRequest("GET", {}, {}, b"", FakeClock().now()))


def test_callback_without_encrypt_field_is_refused() -> None:
    signed = sign(WECOM_BOT, b"{}")
    request = WebhookRequest("POST", signed.query, {}, b'{"other": 1}', FakeClock().now())
    with pytest.raises(BadPayload, match="encrypt"):
        adapter(WECOM_BOT).accept(request)


def test_no_reply_is_empty() -> None:
    acc = accepted(WECOM_BOT, "wecom_bot", "text__single.json")
    assert adapter(WECOM_BOT).render(acc, []) == HttpReply.text("")
