"""OneBot, the official QQ bot, the WeCom 智能机器人 and the web chat through the real HTTP app."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.clock import FakeClock
from models import ConversationLog, InboundDedupe, OutboxMessage
from tests.support.channels import (
    ONEBOT,
    QQBOT,
    WECOM_BOT,
    CountingResponder,
    Hooks,
    decrypt_aibot_reply,
    fixture,
    hooks_for,
)


@pytest.fixture
def hooks(db_engine: Engine, clock: FakeClock) -> Iterator[Hooks]:
    with hooks_for(db_engine, clock) as h:
        yield h


def rows(h: Hooks, model: type, **where: object) -> int:
    with h.container.sessions() as s:
        return int(s.execute(sa.select(sa.func.count()).select_from(model).filter_by(**where)).scalar_one())


def outbox(h: Hooks) -> list[OutboxMessage]:
    with h.container.sessions() as s:
        return list(s.execute(sa.select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def test_onebot_quick_reply_and_the_rest_through_the_outbox(hooks: Hooks) -> None:
    responder = CountingResponder("第一条", "第二条")
    hooks.container.responder = responder
    raw = fixture("onebot", "group__at_cq.json")
    answers = [hooks.post(ONEBOT, raw) for _ in range(3)]
    assert all(a.status_code == 200 for a in answers)
    assert answers[0].json() == {"reply": "第一条", "auto_escape": True, "at_sender": True}
    assert answers[1].content == answers[0].content == answers[2].content
    assert responder.calls == 1
    assert [(r.target_kind, r.target_id, r.payload) for r in outbox(hooks)] == [("group", "30001", {"text": "第二条"})]


def test_onebot_meta_events_and_bystander_chatter_are_204_and_not_stored(hooks: Hooks) -> None:
    for name in (
        "heartbeat__meta.json",
        "lifecycle__connect.json",
        "notice__group_increase.json",
        "group__not_at.json",
    ):
        resp = hooks.post(ONEBOT, fixture("onebot", name))
        assert (resp.status_code, resp.content) == (204, b""), name
    assert rows(hooks, InboundDedupe) == rows(hooks, ConversationLog) == 0


def test_qqbot_op13_over_http(hooks: Hooks) -> None:
    resp = hooks.client.post(
        "/hooks/qqbot/official",
        content=fixture("qqbot", "op13__validation.json"),
        headers={"User-Agent": "QQBot-Callback", "X-Bot-Appid": "11111111"},
    )
    assert resp.status_code == 200
    assert resp.json()["signature"].startswith("87befc99c42c651b")


def test_qqbot_message_is_acked_and_replies_wait_in_the_outbox(hooks: Hooks) -> None:
    responder = CountingResponder("为你推荐 3 个岗位", "回复“详情 1”查看")
    hooks.container.responder = responder
    raw = fixture("qqbot", "group_at__plain.json")
    for _ in range(3):
        resp = hooks.post(QQBOT, raw)
        assert (resp.status_code, resp.json()) == (200, {"op": 12})
    assert responder.calls == 1
    queued = outbox(hooks)
    assert [(r.target_kind, r.target_id, r.payload["msg_seq"]) for r in queued] == [
        ("group", "C9F778FE6ADF9D1D1DBE395BF744A33A", 1),
        ("group", "C9F778FE6ADF9D1D1DBE395BF744A33A", 2),
    ]
    assert queued[0].payload["msg_id"].startswith("ROBOT1.0_kbc3")


def test_smart_robot_round_trip(hooks: Hooks) -> None:
    hooks.container.responder = CountingResponder("好的")
    raw = fixture("wecom_bot", "text__group_at.json")
    answers = [decrypt_aibot_reply(WECOM_BOT, hooks.post(WECOM_BOT, raw, nonce=n).content) for n in ("1", "2")]
    assert answers[0]["stream"]["content"] == "好的" and answers[0] == answers[1]
    assert hooks.post(WECOM_BOT, fixture("wecom_bot", "stream__refresh.json")).status_code == 200


def test_web_chat_contract(hooks: Hooks) -> None:
    resp = hooks.client.post("/hooks/web/demo", json={"user_id": "web-1", "text": "帮助"})
    assert resp.status_code == 200
    (reply,) = resp.json()["replies"]
    assert "推荐" in reply


def test_web_chat_retry_with_msg_id_is_answered_once(hooks: Hooks) -> None:
    responder = CountingResponder("一次")
    hooks.container.responder = responder
    body = json.loads(fixture("web", "text__with_msg_id.json"))
    answers = [hooks.client.post("/hooks/web/demo", json=body).json() for _ in range(3)]
    assert answers == [{"replies": ["一次"]}] * 3 and responder.calls == 1
