"""Web chat adapter: the JSON contract and its validation."""

from __future__ import annotations

import json

import pytest

from bot.domain import ChannelKind, InboundKind, OutboundMessage
from bot.errors import BadPayload, PermanentSendError
from tests.support.channels import WEB, sign
from tests.unit.channels.conftest import accepted, adapter, inbound


def test_text() -> None:
    msg = inbound(WEB, "web", "text__plain.json")
    assert (msg.channel, msg.kind, msg.user_id, msg.text) == (ChannelKind.WEB, InboundKind.TEXT, "web-7f3a2c", "你好")
    assert msg.dedupe_key.startswith("auto:")  # no msg_id: every post is a new message


def test_text_with_msg_id_is_deduplicated_by_it() -> None:
    msg = inbound(WEB, "web", "text__with_msg_id.json")
    assert msg.dedupe_key == "web-7f3a2c:m-0001"


def test_all_replies_come_back_at_once() -> None:
    acc = accepted(WEB, "web", "text__plain.json")
    reply = adapter(WEB).render(acc, [OutboundMessage("一"), OutboundMessage("二", url="https://x.test/m/2")])
    assert json.loads(reply.body) == {"replies": ["一", "二\nhttps://x.test/m/2"]}
    assert adapter(WEB).max_passive_replies is None


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"text": "hi"}, "user_id"),
        ({"user_id": "bad id!", "text": "hi"}, "user_id"),
        ({"user_id": "u1", "text": "   "}, "text"),
        ({"user_id": "u1", "text": "长" * 2001}, "太长"),
        ({"user_id": "u1", "text": "hi", "msg_id": 5}, "msg_id"),
        (["not", "an", "object"], "对象"),
    ],
)
def test_bad_bodies_are_refused_with_a_reason(body: object, error: str) -> None:
    with pytest.raises(BadPayload, match=error):
        adapter(WEB).accept(sign(WEB, json.dumps(body).encode()).request())


def test_web_cannot_push() -> None:
    with pytest.raises(PermanentSendError):
        adapter(WEB).send(None, "user", "u1", {"text": "hi"})  # type: ignore[arg-type]
