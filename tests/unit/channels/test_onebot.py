"""OneBot v11 adapter: message events as CQ strings and segment arrays, meta/notice/request acknowledgements."""

from __future__ import annotations

import json

import pytest

from bot.channels.base import HttpReply
from bot.channels.cqcode import escape, parse_cq, segments_of, text_and_mention, unescape
from bot.domain import ChannelKind, InboundKind, OutboundMessage
from bot.errors import BadPayload, BadSignature
from tests.support.channels import ONEBOT, ONEBOT_OPEN, Signed, fixture, onebot_headers, sign
from tests.unit.channels.conftest import accepted, adapter, inbound, protocol_reply


def test_private_message_as_cq_string() -> None:
    msg = inbound(ONEBOT, "onebot", "private__cq_string.json")
    assert msg.channel is ChannelKind.ONEBOT
    assert (msg.kind, msg.text, msg.user_id, msg.group_id, msg.to_me) == (
        InboundKind.TEXT,
        "你好 想找工作",
        "20001",
        None,
        True,
    )
    assert (msg.dedupe_key, msg.msg_id) == ("10001:1001", "1001")


def test_private_message_as_segments() -> None:
    msg = inbound(ONEBOT, "onebot", "private__segments.json")
    assert (msg.text, msg.user_id) == ("帮助", "20002")


def test_group_at_as_cq_string() -> None:
    msg = inbound(ONEBOT, "onebot", "group__at_cq.json")
    assert (msg.text, msg.group_id, msg.to_me) == ("推荐岗位", "30001", True)


def test_group_at_as_segments() -> None:
    msg = inbound(ONEBOT, "onebot", "group__at_segments.json")
    assert (msg.text, msg.to_me) == ("我签约了", True)


def test_group_message_to_someone_else_is_not_to_me() -> None:
    msg = inbound(ONEBOT, "onebot", "group__not_at.json")
    assert (msg.to_me, msg.text) == (False, "晚上一起吃饭")


def test_group_message_escapes_are_undone() -> None:
    assert inbound(ONEBOT, "onebot", "group__escaped.json").text == "薪资[8k,1万] & 五险一金"


@pytest.mark.parametrize(
    "name",
    [
        "heartbeat__meta.json",
        "lifecycle__connect.json",
        "notice__group_increase.json",
        "request__friend.json",
        "message_sent__self.json",
    ],
)
def test_non_message_events_are_acknowledged_with_204(name: str) -> None:
    assert protocol_reply(ONEBOT, "onebot", name) == HttpReply.empty()


def test_quick_operation_reply() -> None:
    private = adapter(ONEBOT).render(accepted(ONEBOT, "onebot", "private__segments.json"), [OutboundMessage("好")])
    assert json.loads(private.body) == {"reply": "好", "auto_escape": True}
    group = adapter(ONEBOT).render(accepted(ONEBOT, "onebot", "group__at_cq.json"), [OutboundMessage("好")])
    assert json.loads(group.body) == {"reply": "好", "auto_escape": True, "at_sender": True}
    assert adapter(ONEBOT).render(accepted(ONEBOT, "onebot", "group__at_cq.json"), []).status == 204


def test_signature_is_checked_when_a_secret_is_configured() -> None:
    raw = fixture("onebot", "private__segments.json")
    forged = Signed({}, {**onebot_headers(ONEBOT, raw), "X-Signature": "sha1=" + "0" * 40}, raw)
    with pytest.raises(BadSignature):
        adapter(ONEBOT).accept(forged.request())
    missing = Signed({}, {"X-Self-ID": "10001"}, raw)
    with pytest.raises(BadSignature):
        adapter(ONEBOT).accept(missing.request())
    # Without a secret the same unsigned event is accepted.
    assert inbound(ONEBOT_OPEN, "onebot", "private__segments.json").text == "帮助"


def test_self_id_header_must_match_the_event() -> None:
    raw = fixture("onebot", "private__segments.json")
    headers = onebot_headers(ONEBOT, raw, self_id="99999")
    with pytest.raises(BadPayload, match="X-Self-ID"):
        adapter(ONEBOT).accept(Signed({}, headers, raw).request())


def test_malformed_segments_are_refused() -> None:
    raw = json.dumps(
        {
            "time": 1780279200,
            "self_id": 10001,
            "post_type": "message",
            "message_type": "private",
            "message_id": 1,
            "user_id": 2,
            "message": [{"data": {}}],
        }
    ).encode()
    with pytest.raises(BadPayload, match="消息段"):
        adapter(ONEBOT).accept(sign(ONEBOT, raw).request())


def test_cq_code_round_trip_and_params() -> None:
    text = "a[b],c&d"
    assert unescape(escape(text)) == text
    assert unescape(escape(text, in_param=True)) == text
    assert unescape("&amp;#44;") == "&#44;"
    segments = parse_cq("[CQ:image,file=a&#44;b.jpg,url=http://x]尾巴")
    assert (segments[0].type, dict(segments[0].data)) == ("image", {"file": "a,b.jpg", "url": "http://x"})
    assert segments[1].data["text"] == "尾巴"
    assert text_and_mention(segments_of("[CQ:at,qq=all] 全体注意"), "10001") == ("全体注意", False)
    with pytest.raises(BadPayload):
        segments_of(42)
