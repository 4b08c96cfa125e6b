"""A small world for outbox, push and scheduler tests: channel accounts behind a scriptable fake platform,
a college with graduates, and helpers to bind a graduate to a channel identity."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import httpx
import sqlalchemy as sa

from bot import outbox
from bot.clock import FakeClock
from bot.config import FileConfig, OnebotChannel, QqbotChannel, WebChannel, WechatMpChannel, WecomBotChannel
from bot.container import Container
from bot.domain import ChannelKind, EducationLevel, ReviewState, Role
from bot.outbox.policy import Backoff
from bot.outbox.worker import Drainer, DrainOptions
from models import (
    ChannelIdentity,
    College,
    Employer,
    Graduate,
    Major,
    Match,
    MatchRun,
    OutboxMessage,
    Posting,
    SchoolClass,
    StaffUser,
)
from tests.support.channels import WECOM
from tests.support.containers import make_container
from tests.unit.channels.fakes import FakePlatform

WECHAT = WechatMpChannel(
    kind="wechat_mp",
    account="gzh",
    app_id="wx0000000000000042",
    app_secret="test-app-secret-1a2b3c4d5e6f",
    token="plaintoken",
    api_base="http://wechat.test",
    template_id_matches="TPL-MATCHES",
    template_id_checkin="TPL-CHECKIN",
)
WECHAT_NO_TEMPLATE = WechatMpChannel(
    kind="wechat_mp",
    account="bare",
    app_id="wx0000000000000043",
    app_secret="test-app-secret-9z8y7x6w5v4u",
    token="plaintoken2",
    api_base="http://wechat.test",
)
ROBOT = WecomBotChannel(
    kind="wecom_bot", account="robot", webhook_key="test-webhook-key-9a8b7c", api_base="http://wecom.test"
)
ONEBOT = OnebotChannel(kind="onebot", account="qq", api_base="http://onebot.test", access_token="ob-token-5e4d3c")
QQBOT = QqbotChannel(
    kind="qqbot",
    account="official",
    app_id="11111111",
    app_secret="DG5g3B4j9X2KOErG",
    api_base="http://qqapi.test",
    token_url="http://qqtoken.test/app/getAppAccessToken",
)
FILE_CONFIG = FileConfig(
    channels=[WECHAT, WECHAT_NO_TEMPLATE, WECOM, ROBOT, ONEBOT, QQBOT, WebChannel(kind="web", account="demo")]
)
FAST = DrainOptions(batch=50, concurrency=4, idle_sleep_s=0.01, backoff=Backoff(jitter=0.0))

CS_PATH = "/cgi-bin/message/custom/send"
TEMPLATE_PATH = "/cgi-bin/message/template/send"
WECOM_PATH = "/cgi-bin/message/send"
ROBOT_PATH = "/cgi-bin/webhook/send"
ONEBOT_PATH = "/send_private_msg"


def world(container: Container) -> tuple[Container, FakePlatform]:
    """The container again, on the same database, with every test account and a fake platform behind httpx."""
    assert isinstance(container.clock, FakeClock)
    c = make_container(container.engine, container.clock, FILE_CONFIG)
    platform = FakePlatform()
    for path in (CS_PATH, TEMPLATE_PATH, WECOM_PATH, ROBOT_PATH):
        platform.routes[path] = lambda r: httpx.Response(200, json={"errcode": 0, "errmsg": "ok", "msgid": 1})
    platform.routes[ONEBOT_PATH] = lambda r: httpx.Response(200, json={"status": "ok", "retcode": 0, "data": {}})
    c.http_transport = httpx.MockTransport(platform)
    return c, platform


def drainer(c: Container, name: str = "w1", options: DrainOptions = FAST) -> Drainer:
    return Drainer(c, name, options)


def bodies(platform: FakePlatform, path: str) -> list[dict[str, Any]]:
    return [json.loads(r.content) for r in platform.requests if r.url.path == path]


def school(c: Container, n: int = 3, *, hardship: Iterable[int] = (), counselor: bool = False) -> list[int]:
    """A college, one class (with a counselor if asked) and `n` unplaced graduates; their ids."""
    with c.sessions.begin() as s:
        college = College(code="01", name="信息工程学院")
        s.add(college)
        s.flush()
        major = Major(
            college_id=college.id, code="510201", name="计算机应用技术", class_code="5102",
            class_name="计算机类", category_code="51", category_name="电子与信息大类",
            level=int(EducationLevel.ZHUANKE),
        )  # fmt: skip
        s.add(major)
        s.flush()
        staff_id = None
        if counselor:
            staff = StaffUser(username="fdy1", display_name="王老师", role=Role.COUNSELOR, password_hash="x")
            s.add(staff)
            s.flush()
            staff_id = staff.id
        klass = SchoolClass(
            name="计应2201", college_id=college.id, major_id=major.id, cohort=2026, counselor_id=staff_id
        )
        s.add(klass)
        s.flush()
        ids = []
        for i in range(n):
            g = Graduate(
                student_no=f"20220101{i:02d}", name=f"学生{i}", education=int(EducationLevel.ZHUANKE), cohort=2026,
                college_id=college.id, major_id=major.id, class_id=klass.id, flag_poverty=i in set(hardship),
            )  # fmt: skip
            s.add(g)
            s.flush()
            ids.append(g.id)
        return ids


def bind(
    c: Container,
    graduate_id: int | None,
    channel: ChannelKind,
    account: str,
    user: str,
    *,
    last_inbound_at: datetime | None = None,
    window_sent: int = 0,
    staff_user_id: int | None = None,
) -> int:
    with c.sessions.begin() as s:
        row = ChannelIdentity(
            channel=channel, account=account, platform_user_id=user, graduate_id=graduate_id,
            staff_user_id=staff_user_id, last_inbound_at=last_inbound_at, window_sent=window_sent,
            bound_at=c.clock.now(), created_at=c.clock.now(),
        )  # fmt: skip
        s.add(row)
        s.flush()
        return row.id


def queue(c: Container, key: str, **overrides: Any) -> None:
    args: dict[str, Any] = {
        "idempotency_key": key,
        "channel": "wecom",
        "account": "corp",
        "target_kind": "user",
        "target_id": "zhangsan",
        "payload": {"text": f"消息 {key}"},
        "intent": "reply",
        "now": c.clock.now(),
        **overrides,
    }
    with c.sessions.begin() as s:
        assert outbox.enqueue(s, **args)


def rows(c: Container) -> dict[str, OutboxMessage]:
    with c.sessions() as s:
        return {r.idempotency_key: r for r in s.scalars(sa.select(OutboxMessage))}


def window_sent(c: Container, user: str) -> int:
    with c.sessions() as s:
        return int(
            s.scalar(sa.select(ChannelIdentity.window_sent).where(ChannelIdentity.platform_user_id == user)) or 0
        )


def postings(c: Container, titles: list[str], *, deadline: date | None = None) -> list[int]:
    """Open, approved postings of one employer in 武汉; their ids."""
    with c.sessions.begin() as s:
        employer = Employer(name="华工激光", adcode="420100")
        s.add(employer)
        s.flush()
        ids = []
        for i, title in enumerate(titles):
            p = Posting(
                posting_key=f"P{i}", employer_id=employer.id, title=title, adcode="420100", salary_min=6000,
                salary_max=8000, deadline=deadline, review_state=ReviewState.APPROVED, description="负责设备调试",
            )  # fmt: skip
            s.add(p)
            s.flush()
            ids.append(p.id)
        return ids


def matches(c: Container, graduate_id: int, posting_ids: list[int]) -> list[int]:
    with c.sessions.begin() as s:
        run = MatchRun(trigger="batch", started_at=c.clock.now())
        s.add(run)
        s.flush()
        ids = []
        for rank, pid in enumerate(posting_ids, 1):
            m = Match(
                run_id=run.id, graduate_id=graduate_id, posting_id=pid, rank=rank, score=10.0 - rank, parts={},
                reason=f"专业对口；第 {rank} 名", created_at=c.clock.now(),
            )  # fmt: skip
            s.add(m)
            s.flush()
            ids.append(m.id)
        return ids
