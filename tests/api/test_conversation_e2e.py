"""End to end through the real app: the web chat (`POST /hooks/web/demo`) from binding to a self-reported status,
then the same graduate on QQ (a signed OneBot webhook), continuing where the web conversation left off."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from bot.clock import FakeClock
from bot.container import Container
from bot.domain import FeedbackKind, StatusSource
from models import ChannelIdentity, Feedback, GraduatePreference, Posting, StatusRecord
from tests.support.channels import CHANNELS, NOW_TS, ONEBOT, Hooks
from tests.support.containers import make_container
from tests.support.school import SECRETS, School, build

ZHANG = "2022010101"
_ids = itertools.count(5000)


@pytest.fixture
def hooks(db_engine: Engine, clock: FakeClock) -> Iterator[Hooks]:
    container = make_container(db_engine, clock, CHANNELS)
    with TestClient(create_app(container)) as client:
        yield Hooks(client, container)


@pytest.fixture
def school(hooks: Hooks) -> School:
    return build(hooks.container)


def web(hooks: Hooks, text: str, user: str = "web-e2e") -> str:
    resp = hooks.client.post("/hooks/web/demo", json={"user_id": user, "text": text})
    assert resp.status_code == 200, resp.text
    replies = resp.json()["replies"]
    assert len(replies) == 1  # one message per turn: what every channel's passive reply can carry
    return str(replies[0])


def qq(hooks: Hooks, text: str, user: int = 20001) -> str:
    event = {
        "time": NOW_TS, "self_id": 10001, "post_type": "message", "message_type": "private", "sub_type": "friend",
        "message_id": next(_ids), "user_id": user, "message": text, "raw_message": text, "font": 0,
        "sender": {"user_id": user, "nickname": "张三"},
    }  # fmt: skip
    resp = hooks.post(ONEBOT, json.dumps(event, ensure_ascii=False).encode())
    assert resp.status_code == 200, resp.text
    return str(resp.json()["reply"])


def numbered(reply: str) -> list[str]:
    return [line for line in reply.splitlines() if line[:1].isdigit() and ". " in line[:4]]


def test_bind_wishes_recommendations_feedback_and_status(hooks: Hooks, school: School) -> None:
    c: Container = hooks.container
    assert web(hooks, "你好").startswith("【隐私说明】")
    assert "绑定成功" in web(hooks, f"绑定 {ZHANG} 张三 {SECRETS[ZHANG]}")

    understood = web(hooks, "想回湖北宜昌，做护士，月薪五千以上")
    assert "地点：宜昌；岗位：护士；月薪：5000元以上。对吗？" in understood
    listing = web(hooks, "对")
    items = numbered(listing)
    assert len(items) >= 10
    with c.sessions() as s:
        pref = s.get(GraduatePreference, school.graduates[ZHANG])
        assert pref is not None and pref.source == "chat" and pref.confirmed_at is not None

    second_title = items[1].split(" · ")[0].removeprefix("2. ")
    assert "不再推荐" in web(hooks, "不合适 2 太远了")
    with c.sessions() as s:
        feedback = s.scalars(sa.select(Feedback)).one()
        posting = s.get(Posting, feedback.posting_id)
    assert feedback.kind is FeedbackKind.REJECTED and feedback.reason_tags == ["too_far"]
    assert posting is not None and posting.title == second_title

    asked = web(hooks, "签了三方，华工激光")
    assert asked.startswith("你是说：签就业协议形式就业（10），单位：华工激光。对吗？")
    assert "已登记" in web(hooks, "对")
    with c.sessions() as s:
        record = s.scalars(sa.select(StatusRecord)).one()
    assert record.source is StatusSource.SELF_REPORT and record.source.value == "self-report"
    assert (record.graduate_id, record.destination_code, record.employer_name) == (
        school.graduates[ZHANG],
        "10",
        "华工激光",
    )


def test_a_second_channel_continues_the_conversation(hooks: Hooks, school: School) -> None:
    web(hooks, f"绑定 {ZHANG} 张三 {SECRETS[ZHANG]}")
    listing = numbered(web(hooks, "推荐"))
    third = listing[2].split(" · ")[0].removeprefix("3. ")
    web(hooks, "签了劳动合同，在武汉")

    bound = qq(hooks, f"绑定 {ZHANG} 张三 {SECRETS[ZHANG]}")
    assert "绑定成功" in bound and "你之前还有一个问题没回答" in bound and "签劳动合同形式就业（11）" in bound
    assert qq(hooks, "详情 3").startswith(f"【3】{third}")
    assert "已登记" in qq(hooks, "对")
    with hooks.container.sessions() as s:
        record = s.scalars(sa.select(StatusRecord)).one()
        identities = s.scalars(
            sa.select(ChannelIdentity.channel).where(ChannelIdentity.graduate_id == school.graduates[ZHANG])
        ).all()
    assert record.destination_code == "11" and record.place_adcode == "420100"
    assert sorted(i.value for i in identities) == ["onebot", "web"]
    # Back on the web, the question is answered: a "对" there confirms nothing more.
    assert "已登记" not in web(hooks, "对")
