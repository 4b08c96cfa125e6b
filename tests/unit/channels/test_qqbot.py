"""Official QQ bot: signed dispatches, op 13, capabilities and reply payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.channels.base import HttpReply
from bot.domain import ChannelKind, InboundKind, OutboundMessage
from bot.errors import BadPayload, BadSignature
from tests.support.channels import QQBOT, Signed, fixture, qqbot_headers, sign
from tests.unit.channels.conftest import accepted, adapter, inbound, protocol_reply


def test_group_at_message() -> None:
    msg = inbound(QQBOT, "qqbot", "group_at__plain.json")
    assert msg.channel is ChannelKind.QQBOT
    assert (msg.kind, msg.text, msg.group_id) == (InboundKind.TEXT, "推荐岗位", "C9F778FE6ADF9D1D1DBE395BF744A33A")
    assert msg.user_id == "E4F4AEA33253A2797FB897C50B81D7ED"
    assert msg.dedupe_key.startswith("GROUP_AT_MESSAGE_CREATE:ROBOT1.0_kbc3")
    assert msg.sent_at == datetime(2026, 6, 1, 1, 59, 50, tzinfo=UTC)
    assert msg.reply_context["reply_deadline"] == "2026-06-01T10:04:50+08:00"  # 5 minutes


def test_c2c_message() -> None:
    msg = inbound(QQBOT, "qqbot", "c2c__plain.json")
    assert (msg.text, msg.group_id, msg.user_id) == ("帮助", None, "E4F4AEA33253A2797FB897C50B81D7ED")
    assert msg.reply_context["reply_deadline"] == "2026-06-01T10:59:51+08:00"  # 60 minutes


def test_op13_validation() -> None:
    reply = protocol_reply(QQBOT, "qqbot", "op13__validation.json")
    assert json.loads(reply.body)["plain_token"] == "Arq0D5A61EgUu4OxUvOp"


def test_other_events_are_acknowledged_with_op12() -> None:
    assert json.loads(protocol_reply(QQBOT, "qqbot", "friend_add__event.json").body) == {"op": 12}


def test_dispatch_is_acknowledged_and_replies_go_to_the_outbox() -> None:
    bot = adapter(QQBOT)
    assert bot.max_passive_replies == 0
    assert not bot.capabilities.can_push_user and not bot.capabilities.can_push_group
    assert bot.capabilities.reply_only_window_s == 300
    acc = accepted(QQBOT, "qqbot", "c2c__plain.json")
    assert json.loads(bot.render(acc, [OutboundMessage("x")]).body) == {"op": 12}
    replies = [OutboundMessage(str(i)) for i in range(7)]
    payloads = bot.reply_payloads(acc.message, replies)
    assert [p["msg_seq"] for p in payloads] == [1, 2, 3, 4, 5]  # the platform allows 5 replies per message
    assert payloads[-1]["text"] == "4\n\n5\n\n6"
    assert {p["msg_id"] for p in payloads} == {acc.message.msg_id}


def test_unsigned_dispatch_is_refused() -> None:
    raw = fixture("qqbot", "c2c__plain.json")
    with pytest.raises(BadSignature):
        adapter(QQBOT).accept(Signed({}, {"Content-Type": "application/json"}, raw).request())


def test_forged_signature_is_refused() -> None:
    raw = fixture("qqbot", "c2c__plain.json")
    headers = qqbot_headers(QQBOT, raw, 1780279200)
    headers["X-Signature-Ed25519"] = headers["X-Signature-Ed25519"][:-2] + "00"
    with pytest.raises(BadSignature):
        adapter(QQBOT).accept(Signed({}, headers, raw).request())


def test_op13_cannot_be_used_as_a_signing_oracle() -> None:
    forged_event = json.dumps({"op": 0, "t": "C2C_MESSAGE_CREATE", "d": {}})
    raw = json.dumps({"op": 13, "d": {"plain_token": forged_event, "event_ts": "1780279200"}}).encode()
    with pytest.raises(BadPayload):
        adapter(QQBOT).accept(Signed({}, {}, raw).request())


def test_wrong_appid_header_is_refused() -> None:
    signed = sign(QQBOT, fixture("qqbot", "c2c__plain.json"))
    with pytest.raises(BadSignature, match="X-Bot-Appid"):
        adapter(QQBOT).accept(Signed({}, {**signed.headers, "X-Bot-Appid": "222"}, signed.body).request())


def test_unknown_op_is_refused() -> None:
    with pytest.raises(BadPayload, match="op"):
        adapter(QQBOT).accept(sign(QQBOT, b'{"op": 7}').request())


def test_protocol_replies_are_json() -> None:
    reply = protocol_reply(QQBOT, "qqbot", "friend_add__event.json")
    assert isinstance(reply, HttpReply) and reply.media_type == "application/json"
