"""The inbound pipeline on both databases: exactly-once processing, identities, conversation log, outbox."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.clock import FakeClock
from bot.container import Container
from bot.domain import ChannelKind, InboundKind, InboundMessage, OutboundMessage
from bot.inbox import ResponderContext, handle_inbound
from models import ChannelIdentity, ConversationLog, ConversationState, InboundDedupe, OutboxMessage
from tests.support.channels import CHANNELS, CountingResponder
from tests.support.containers import make_container


@pytest.fixture
def c(db_engine: Engine, clock: FakeClock) -> Container:
    return make_container(db_engine, clock, CHANNELS)


def web_msg(text: str = "你好", key: str = "u1:m1", user: str = "u1") -> InboundMessage:
    return InboundMessage(channel=ChannelKind.WEB, account="demo", user_id=user, text=text, dedupe_key=key)


def count(c: Container, model: type, **where: object) -> int:
    with c.sessions() as s:
        return int(s.execute(sa.select(sa.func.count()).select_from(model).filter_by(**where)).scalar_one())


def test_first_delivery_is_processed_and_logged(c: Container) -> None:
    c.responder = CountingResponder("一", "二")
    assert handle_inbound(c, web_msg()) == [OutboundMessage("一"), OutboundMessage("二")]
    with c.sessions() as s:
        dedupe = s.execute(sa.select(InboundDedupe)).scalar_one()
        identity = s.execute(sa.select(ChannelIdentity)).scalar_one()
        log = s.execute(sa.select(ConversationLog).order_by(ConversationLog.id)).scalars().all()
    assert (dedupe.channel, dedupe.account, dedupe.dedupe_key) == (ChannelKind.WEB, "demo", "u1:m1")
    assert identity.platform_user_id == "u1" and identity.last_inbound_at == c.clock.now()
    assert [(r.direction, r.text, r.identity_id) for r in log] == [
        ("in", "你好", identity.id),
        ("out", "一", identity.id),
        ("out", "二", identity.id),
    ]
    assert count(c, OutboxMessage) == 0  # the web chat carries every reply passively


def test_retries_are_answered_from_the_dedupe_row_without_a_second_side_effect(c: Container) -> None:
    responder = CountingResponder("只回答一次")
    c.responder = responder
    answers = [handle_inbound(c, web_msg()) for _ in range(3)]
    assert answers == [[OutboundMessage("只回答一次")]] * 3
    assert responder.calls == 1
    assert count(c, ConversationLog) == 2 and count(c, InboundDedupe) == 1


def test_concurrent_duplicates_act_once(c: Container) -> None:
    responder = CountingResponder("并发", delay_s=0.3)
    c.responder = responder
    results: list[list[OutboundMessage]] = []
    threads = [threading.Thread(target=lambda: results.append(handle_inbound(c, web_msg()))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert responder.calls == 1
    assert results == [[OutboundMessage("并发")]] * 3
    assert count(c, ConversationLog, direction="in") == 1


def test_replies_beyond_the_passive_answer_go_to_the_outbox(c: Container) -> None:
    c.responder = CountingResponder("第一条", "第二条", "第三条")
    msg = InboundMessage(
        channel=ChannelKind.WECHAT_MP, account="safe", user_id="oUser1", text="推荐", dedupe_key="msg:1"
    )
    assert handle_inbound(c, msg) == [OutboundMessage("第一条")]
    assert handle_inbound(c, msg) == [OutboundMessage("第一条")]
    with c.sessions() as s:
        rows = s.execute(sa.select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        vias = s.execute(sa.select(ConversationLog.data).where(ConversationLog.direction == "out")).scalars().all()
    assert [(r.target_kind, r.target_id, r.intent, r.payload) for r in rows] == [
        ("user", "oUser1", "reply", {"text": "第二条"}),
        ("user", "oUser1", "reply", {"text": "第三条"}),
    ]
    assert all(r.next_attempt_at == c.clock.now() for r in rows)
    assert sorted(v["via"] for v in vias) == ["outbox", "outbox", "passive"]


def test_qqbot_replies_all_go_to_the_outbox_with_their_reply_context(c: Container) -> None:
    c.responder = CountingResponder("a", "b")
    msg = InboundMessage(
        channel=ChannelKind.QQBOT,
        account="official",
        user_id="MEMBER1",
        text="推荐",
        dedupe_key="GROUP_AT_MESSAGE_CREATE:m1",
        group_id="GROUP1",
        reply_context={"msg_id": "m1", "reply_deadline": "2026-06-01T10:05:00+08:00"},
    )
    assert handle_inbound(c, msg) == []
    with c.sessions() as s:
        rows = s.execute(sa.select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
    assert [(r.target_kind, r.target_id, r.payload["msg_id"], r.payload["msg_seq"]) for r in rows] == [
        ("group", "GROUP1", "m1", 1),
        ("group", "GROUP1", "m1", 2),
    ]


def test_group_chatter_not_addressed_to_the_bot_is_not_stored(c: Container) -> None:
    responder = CountingResponder("不应回答")
    c.responder = responder
    msg = InboundMessage(
        channel=ChannelKind.ONEBOT,
        account="qq",
        user_id="20003",
        text="吃饭",
        dedupe_key="1:5",
        group_id="30001",
        to_me=False,
    )
    assert handle_inbound(c, msg) == []
    assert responder.calls == 0
    assert count(c, InboundDedupe) == count(c, ConversationLog) == count(c, ChannelIdentity) == 0


def test_subscription_state_and_the_48h_window_follow_the_user(c: Container) -> None:
    base = InboundMessage(channel=ChannelKind.WECHAT_MP, account="safe", user_id="oU", text="", dedupe_key="e1")
    handle_inbound(c, replace(base, kind=InboundKind.UNSUBSCRIBE))
    with c.sessions() as s:
        s.execute(sa.update(ChannelIdentity).values(window_sent=3))
        s.commit()
    assert c.clock.advance(hours=1)  # type: ignore[attr-defined]
    handle_inbound(c, replace(base, kind=InboundKind.SUBSCRIBE, dedupe_key="e2"))
    with c.sessions() as s:
        identity = s.execute(sa.select(ChannelIdentity)).scalar_one()
    assert identity.subscribed is True and identity.window_sent == 0
    assert identity.last_inbound_at == c.clock.now()
    with c.sessions() as s:
        texts = s.execute(sa.select(ConversationLog.text).where(ConversationLog.direction == "in")).scalars().all()
    assert sorted(texts) == ["[subscribe]", "[unsubscribe]"]


def test_a_failing_responder_keeps_the_message_and_the_retry_succeeds(c: Container) -> None:
    c.responder = CountingResponder("x", fail=True)
    with pytest.raises(RuntimeError):
        handle_inbound(c, web_msg())
    # The message is kept (nothing lost), unprocessed, with the failure counted; its effects rolled back.
    assert count(c, ConversationLog) == count(c, ChannelIdentity) == 0
    with c.sessions() as s:
        row = s.execute(sa.select(InboundDedupe)).scalar_one()
        assert row.processed_at is None and row.attempts == 1 and "RuntimeError" in (row.last_error or "")
    c.responder = CountingResponder("好了")
    assert handle_inbound(c, web_msg()) == [OutboundMessage("好了")]
    assert count(c, InboundDedupe) == 1


def test_default_responder_greets_and_helps(c: Container) -> None:
    (greeting,) = handle_inbound(c, web_msg("在吗", key="k1"))
    (help_text,) = handle_inbound(c, web_msg("帮助", key="k2"))
    assert "发送“帮助”" in greeting.text
    assert "推荐" in help_text.text and "绑定" in help_text.text


class WritingResponder:
    """Uses the ORM session like the dialogue engine will: changes the identity and stores conversation state."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail

    def respond(self, ctx: ResponderContext) -> list[OutboundMessage]:
        ctx.identity.display_name = "张三"
        ctx.session.add(ConversationState(key=f"i:{ctx.identity.id}", flow="binding", data={"step": 1}))
        if self.fail:
            raise RuntimeError("crash after writing")
        return [OutboundMessage("请输入学号")]


def test_responder_writes_commit_with_the_message(c: Container) -> None:
    c.responder = WritingResponder()
    assert handle_inbound(c, web_msg("绑定")) == [OutboundMessage("请输入学号")]
    with c.sessions() as s:
        identity = s.execute(sa.select(ChannelIdentity)).scalar_one()
        state = s.execute(sa.select(ConversationState)).scalar_one()
    assert identity.display_name == "张三"
    assert (state.key, state.flow, state.data) == (f"i:{identity.id}", "binding", {"step": 1})


def test_responder_writes_roll_back_with_a_failure(c: Container) -> None:
    c.responder = WritingResponder(fail=True)
    with pytest.raises(RuntimeError):
        handle_inbound(c, web_msg("绑定"))
    assert count(c, ConversationState) == count(c, ChannelIdentity) == 0
    assert count(c, InboundDedupe, processed_at=None) == 1  # kept for another try, not lost


def test_long_dedupe_keys_stay_distinct(c: Container) -> None:
    responder = CountingResponder("ok")
    c.responder = responder
    head = "x" * 300
    handle_inbound(c, web_msg(key=head + "a"))
    handle_inbound(c, web_msg(key=head + "b"))
    handle_inbound(c, web_msg(key=head + "a"))
    assert responder.calls == 2 and count(c, InboundDedupe) == 2
