"""Every fixture file of every channel parses, and each is listed here with what it must become.

A new fixture without an entry fails `test_every_fixture_is_listed`, so the table and the files cannot drift.
"""

from __future__ import annotations

import pytest

from bot.channels.base import Accepted, HttpReply
from bot.config import ChannelConfig
from bot.domain import InboundKind
from tests.support.channels import FIXTURES, ONEBOT, QQBOT, WEB, WECHAT_SAFE, WECOM, WECOM_BOT
from tests.unit.channels.conftest import outcome

CONFIGS: dict[str, ChannelConfig] = {
    "wechat_mp": WECHAT_SAFE,
    "wecom": WECOM,
    "wecom_bot": WECOM_BOT,
    "onebot": ONEBOT,
    "qqbot": QQBOT,
    "web": WEB,
}
T, S, U, C, X = InboundKind.TEXT, InboundKind.SUBSCRIBE, InboundKind.UNSUBSCRIBE, InboundKind.CLICK, InboundKind.OTHER
# file -> InboundKind for a message for the core, or the HTTP status of a protocol-only answer.
EXPECTED: dict[str, InboundKind | int] = {
    "wechat_mp/text__plain.xml": T,
    "wechat_mp/text__emoji.xml": T,
    "wechat_mp/subscribe__plain.xml": S,
    "wechat_mp/subscribe__qrscene.xml": S,
    "wechat_mp/unsubscribe__plain.xml": U,
    "wechat_mp/click__menu.xml": C,
    "wechat_mp/view__menu.xml": X,
    "wechat_mp/image__unknown.xml": X,
    "wechat_mp/voice__unknown.xml": X,
    "wecom/text__plain.xml": T,
    "wecom/subscribe__plain.xml": S,
    "wecom/unsubscribe__plain.xml": U,
    "wecom/click__menu.xml": C,
    "wecom/enter_agent__unknown.xml": X,
    "wecom/image__unknown.xml": X,
    "wecom_bot/text__single.json": T,
    "wecom_bot/text__group_at.json": T,
    "wecom_bot/mixed__group_at.json": T,
    "wecom_bot/image__unknown.json": X,
    "wecom_bot/event__enter_chat.json": X,
    "wecom_bot/stream__refresh.json": 200,
    "onebot/private__cq_string.json": T,
    "onebot/private__segments.json": T,
    "onebot/group__at_cq.json": T,
    "onebot/group__at_segments.json": T,
    "onebot/group__not_at.json": T,
    "onebot/group__escaped.json": T,
    "onebot/heartbeat__meta.json": 204,
    "onebot/lifecycle__connect.json": 204,
    "onebot/notice__group_increase.json": 204,
    "onebot/request__friend.json": 204,
    "onebot/message_sent__self.json": 204,
    "qqbot/group_at__plain.json": T,
    "qqbot/c2c__plain.json": T,
    "qqbot/op13__validation.json": 200,
    "qqbot/friend_add__event.json": 200,
    "web/text__plain.json": T,
    "web/text__with_msg_id.json": T,
}


def fixture_files() -> list[str]:
    files = []
    for channel in CONFIGS:
        for path in sorted((FIXTURES / channel).iterdir()):
            if not path.name.startswith("vectors__"):  # official vectors: tests/unit/channels/test_vectors.py
                files.append(f"{channel}/{path.name}")
    return files


def test_every_fixture_is_listed_and_named_event__variant() -> None:
    files = fixture_files()
    assert set(files) == set(EXPECTED)
    for name in files:
        stem = name.split("/")[1].rsplit(".", 1)[0]
        event, sep, variant = stem.partition("__")
        assert sep and event and variant, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_parses(name: str) -> None:
    channel, filename = name.split("/")
    result = outcome(CONFIGS[channel], channel, filename)
    expected = EXPECTED[name]
    if isinstance(expected, InboundKind):
        assert isinstance(result, Accepted)
        assert result.message.kind is expected
        assert result.message.user_id and result.message.dedupe_key
    else:
        assert isinstance(result, HttpReply)
        assert result.status == expected
