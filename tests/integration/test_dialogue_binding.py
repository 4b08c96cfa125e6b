"""Binding on both databases: the privacy notice, binding in pieces, brute-force locks, one record per account, and
nothing personal for anyone who is not bound."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.clock import FakeClock
from bot.container import Container
from bot.domain import ChannelKind, OutboundMessage
from bot.inbox import Responder, ResponderContext
from models import AuditLog, ChannelIdentity, ConversationLog, Graduate
from tests.support.channels import CHANNELS
from tests.support.containers import make_container
from tests.support.school import NAMES, SECRETS, Chat, School, build

ZHANG = "2022010101"


@pytest.fixture
def c(db_engine: Engine, clock: FakeClock) -> Container:
    return make_container(db_engine, clock, CHANNELS)


@pytest.fixture
def school(c: Container) -> School:
    return build(c)


def identity(c: Container, user: str) -> ChannelIdentity:
    with c.sessions() as s:
        return s.scalars(sa.select(ChannelIdentity).where(ChannelIdentity.platform_user_id == user)).one()


def test_privacy_notice_once_then_binding_in_one_message(c: Container, school: School) -> None:
    chat = Chat(c, "web-1")
    first = chat("你好")
    assert first.startswith("【隐私说明】") and "退订" in first and "绑定 学号 姓名 身份证号后六位" in first
    assert "【隐私说明】" not in chat("在吗")
    reply = chat.bind(ZHANG)
    assert "绑定成功" in reply and "张三" in reply
    who = identity(c, "web-1")
    assert who.graduate_id == school.graduates[ZHANG] and who.bound_at == c.clock.now()
    with c.sessions() as s:
        graduate = s.get(Graduate, school.graduates[ZHANG])
        assert graduate is not None and graduate.consent_at == c.clock.now() and graduate.consent_version
        actions = s.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["binding.success"]


def test_binding_in_pieces_never_remembers_the_secret(c: Container, school: School) -> None:
    chat = Chat(c, "web-2")
    chat("你好")
    assert "还需要你的身份证号后六位" in chat(f"绑定 {ZHANG} 张三")
    assert "绑定成功" in chat(SECRETS[ZHANG])
    with c.sessions() as s:
        states = s.execute(sa.text("SELECT data FROM conversation_states")).scalars().all()
    assert all(SECRETS[ZHANG] not in str(data) for data in states)


def test_an_unbound_user_sees_nothing_personal(c: Container, school: School) -> None:
    chat = Chat(c, "web-3")
    chat("你好")
    names = set(NAMES.values())
    for text in ("推荐", "统计", "详情 1", ZHANG, "困难生", "未回复", "我的就业状态", "不合适 1 太远了", "换一批"):
        reply = chat(text)
        assert "请先绑定学籍" in reply, text
        assert not any(name in reply for name in names), (text, reply)
        assert "岗位（共" not in reply and "落实率" not in reply
    assert identity(c, "web-3").graduate_id is None


def test_wrong_secrets_lock_the_identity_the_right_one_is_refused_and_the_lock_expires(
    c: Container, school: School, clock: FakeClock
) -> None:
    chat = Chat(c, "web-4")
    chat("你好")
    replies = [chat(f"绑定 {ZHANG} 张三 00000{i}") for i in range(5)]
    assert "还可以再试 4 次" in replies[0] and "还可以再试 1 次" in replies[3]
    assert "已暂时锁定" in replies[4]
    assert not any("张三" in r or "学号不存在" in r for r in replies)
    locked = chat.bind(ZHANG)
    assert "已暂时锁定" in locked and identity(c, "web-4").graduate_id is None
    clock.advance(minutes=31)
    assert "绑定成功" in chat.bind(ZHANG)
    with c.sessions() as s:
        failures = s.scalar(sa.select(sa.func.count()).where(AuditLog.action == "binding.failure"))
        locks = s.scalar(sa.select(sa.func.count()).where(AuditLog.action == "binding.locked"))
    assert (failures, locks) == (5, 1)


def test_rotating_identities_against_one_record_is_locked_per_record(
    c: Container, school: School, clock: FakeClock
) -> None:
    for i in range(5):
        attacker = Chat(c, f"attacker-{i}")
        assert "不正确" in attacker(f"绑定 {ZHANG} 张三 99999{i}")
    fresh = Chat(c, "attacker-9")
    assert "这个学号最近的绑定尝试次数过多" in fresh.bind(ZHANG)
    # Another record is not affected, and the record itself opens again once the window has passed.
    assert "绑定成功" in Chat(c, "other").bind("2022010103")
    clock.advance(minutes=31)
    assert "绑定成功" in fresh.bind(ZHANG)


def test_an_unknown_student_number_fails_like_a_wrong_secret(c: Container, school: School) -> None:
    chat = Chat(c, "web-5")
    chat("你好")
    unknown = chat("绑定 2099999999 张三 123456")
    wrong = chat(f"绑定 {ZHANG} 张三 654321")
    assert unknown == "学号、姓名或身份证号后六位不正确，请核对后重新发送（还可以再试 4 次）。"
    assert wrong == "学号、姓名或身份证号后六位不正确，请核对后重新发送（还可以再试 3 次）。"


def test_a_wrong_name_fails(c: Container, school: School) -> None:
    assert "不正确" in Chat(c, "web-6")(f"绑定 {ZHANG} 李四 {SECRETS[ZHANG]}")


def test_one_record_binds_one_identity_per_channel_account(c: Container, school: School) -> None:
    assert "绑定成功" in Chat(c, "web-7").bind(ZHANG)
    second = Chat(c, "web-8").bind(ZHANG)
    assert "已经在本渠道绑定了另一个聊天账号" in second and "辅导员" in second
    assert identity(c, "web-8").graduate_id is None
    # Another channel account is another matter: the same graduate may use QQ as well.
    qq = Chat(c, "20001", channel=ChannelKind.ONEBOT, account="qq")
    assert "绑定成功" in qq.bind(ZHANG)


def test_binding_in_a_group_is_refused_and_nothing_is_bound(c: Container, school: School) -> None:
    group = Chat(c, "20002", channel=ChannelKind.ONEBOT, account="qq", group="555")
    reply = group.bind(ZHANG)
    assert "不要在群里发送" in reply and "绑定成功" not in reply
    assert identity(c, "20002").graduate_id is None
    assert "私聊" in group("推荐")


def test_the_inbound_log_carries_no_reply_with_personal_data_for_strangers(c: Container, school: School) -> None:
    chat = Chat(c, "web-9")
    chat("你好")
    chat("推荐")
    with c.sessions() as s:
        out = s.scalars(sa.select(ConversationLog.text).where(ConversationLog.direction == "out")).all()
    assert out and not any(name in text for text in out for name in NAMES.values())


class Spy:
    """The real responder, noting what it leaves for the pipeline's conversation log."""

    def __init__(self, inner: Responder) -> None:
        self.inner = inner
        self.notes: list[tuple[str | None, str | None]] = []

    def respond(self, ctx: ResponderContext) -> list[OutboundMessage]:
        replies = self.inner.respond(ctx)
        self.notes.append((getattr(ctx, "intent", None), getattr(ctx, "log_text", None)))
        return replies


def test_the_responder_leaves_the_intent_and_a_masked_secret_for_the_log(c: Container, school: School) -> None:
    spy = Spy(c.responder)
    c.responder = spy
    chat = Chat(c, "web-10")
    chat(f"绑定 {ZHANG} 张三")
    chat(SECRETS[ZHANG].lower())
    chat("推荐")
    assert spy.notes == [("bind", None), ("bind", "******"), ("recommend", None)]


def test_the_conversation_log_and_the_inbox_keep_no_binding_secret(c: Container, school: School) -> None:
    chat = Chat(c, "web-11")
    chat(f"绑定 {ZHANG} 张三 {SECRETS[ZHANG]}")
    with c.sessions() as s:
        logged = s.execute(sa.select(ConversationLog.text, ConversationLog.intent)).all()
        payloads = s.execute(sa.text("SELECT payload FROM inbound_dedupe WHERE payload IS NOT NULL")).all()
    assert logged and all(SECRETS[ZHANG].lower() not in text.lower() for text, _ in logged)
    assert ("bind" in {intent for _, intent in logged}) and payloads == []
