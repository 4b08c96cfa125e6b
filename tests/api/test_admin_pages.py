"""The console's pages with data in them: a graduate's dossier (why, what was sent, what came back), the reveal of
personal data, posting review, the outbox retry, the audit log, and bad input answered with a Chinese page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.deps import CSRF_COOKIE
from bot.container import Container
from bot.domain import ChannelKind, FeedbackKind, ReviewState, StatusSource
from models import (
    AuditLog,
    ChannelIdentity,
    ConversationLog,
    Feedback,
    Graduate,
    Match,
    MatchRun,
    OutboxMessage,
    OutboxStatus,
    Posting,
    StatusRecord,
)
from models.db import transaction
from tests.api.conftest import School, cookie_login
from tests.api.test_admin_auth import add_posting
from tests.api.test_admin_scope import add_activity

pytestmark = pytest.mark.usefixtures("school")


def csrf(client: TestClient) -> str:
    return client.cookies[CSRF_COOKIE]


def add_dossier(container: Container, school: School) -> int:
    """李四 (计应2201) with a match, feedback, an identity, a conversation and a status history; returns the id."""
    posting_id = add_posting(container, review=ReviewState.APPROVED)
    gid = school.graduates["2022010102"]
    now = container.clock.now()
    with transaction(container.sessions) as session:
        run = MatchRun(trigger="batch", status="done", started_at=now, finished_at=now)
        session.add(run)
        session.flush()
        session.add(
            Match(
                run_id=run.id,
                graduate_id=gid,
                posting_id=posting_id,
                rank=1,
                score=7.25,
                parts={"major": 1.0, "place": 0.5, "feedback": 0.0},
                relax_step=1,
                reason="专业对口：计算机应用技术；工作地：武汉",
                active=True,
                created_at=now,
            )
        )
        session.add(Feedback(graduate_id=gid, posting_id=posting_id, kind=FeedbackKind.INTERESTED, created_at=now))
        session.add(
            ChannelIdentity(
                channel=ChannelKind.WEB, account="demo", platform_user_id="web-lisi", graduate_id=gid, bound_at=now
            )
        )
        session.add_all(
            [
                ConversationLog(channel="web", account="demo", graduate_id=gid, direction="in", text="想去武汉做开发"),
                ConversationLog(channel="web", account="demo", graduate_id=gid, direction="out", text="好的，已记下"),
            ]
        )
        session.add(
            StatusRecord(
                graduate_id=gid,
                destination_code="70",
                unplaced_reason="求职中",
                source=StatusSource.SELF_REPORT,
                code_version="2024",
                created_at=now,
            )
        )
    return gid


def test_a_graduates_page_explains_matches_messages_and_answers(
    client: TestClient, container: Container, school: School
) -> None:
    add_activity(container, school)
    gid = add_dossier(container, school)
    cookie_login(client, "fdy1")
    page = client.get(f"/admin/graduates/{gid}")
    assert page.status_code == 200
    text = page.text
    assert "李四" in text and "脱贫家庭" in text
    assert "专业对口：计算机应用技术；工作地：武汉" in text and "7.25" in text and "专业 1.00" in text
    assert "城市放宽到省内" in text and "感兴趣" in text
    assert "给 2022010102 的新岗位" in text and "errcode" in text  # what was sent, and the platform's answer
    assert "想去武汉做开发" in text and "好的，已记下" in text
    assert "网页聊天（demo）" in text and "本人报告" in text and "求职中" in text
    assert "查看完整手机号" not in text  # only admins may reveal


def test_reveal_shows_personal_data_to_admins_only_and_is_audited(
    client: TestClient, container: Container, school: School
) -> None:
    gid = school.graduates["2022010101"]
    cookie_login(client, "fdy1")
    masked = client.get(f"/admin/graduates/{gid}").text
    assert "138****5678" in masked and "13812345678" not in masked and "420102200301011234" not in masked
    assert client.post(f"/admin/graduates/{gid}/reveal", data={"csrf_token": csrf(client)}).status_code == 403
    cookie_login(client, "admin")
    assert client.post(f"/admin/graduates/{gid}/reveal", data={}).status_code == 403  # no CSRF value
    shown = client.post(f"/admin/graduates/{gid}/reveal", data={"csrf_token": csrf(client)})
    assert shown.status_code == 200 and "13812345678" in shown.text and "420102200301011234" in shown.text
    with container.sessions() as session:
        rows = session.scalars(sa.select(AuditLog).where(AuditLog.action == "graduate.reveal_pii")).all()
    assert [(r.actor, r.object_id, r.detail["via"]) for r in rows] == [("admin", str(gid), "admin")]


def test_review_decisions_are_saved_and_audited(client: TestClient, container: Container) -> None:
    flagged = add_posting(container, review=ReviewState.FLAGGED, flags=("限男性",))
    cookie_login(client, "xy01")
    queue = client.get("/admin/postings", params={"review_state": "queue"}).text
    assert "疑似歧视：“限男性”" in queue and "激光设备工程师" in queue
    detail = client.get(f"/admin/postings/{flagged}").text
    assert "疑似就业歧视" in detail and "限男性" in detail
    url = f"/admin/postings/{flagged}/review"
    no_reason = client.post(url, data={"decision": "reject", "note": "  ", "csrf_token": csrf(client)})
    assert no_reason.status_code == 422 and "驳回岗位时请填写原因" in no_reason.text
    unknown = client.post(url, data={"decision": "delete", "note": "x", "csrf_token": csrf(client)})
    assert unknown.status_code == 422 and "未知的审核决定" in unknown.text
    rejected = client.post(
        url, data={"decision": "reject", "note": "限定性别，请修改", "csrf_token": csrf(client)}, follow_redirects=False
    )
    assert rejected.status_code == 303 and rejected.headers["location"] == f"/admin/postings/{flagged}?done=reject"
    assert "审核结果已保存：已驳回" in client.get(rejected.headers["location"]).text
    back = client.post(url, data={"decision": "approve", "back": "queue", "csrf_token": csrf(client)})
    assert back.status_code == 200 and "已处理" in back.text
    with container.sessions() as session:
        assert session.get_one(Posting, flagged).review_state is ReviewState.APPROVED
        audits = session.scalars(sa.select(AuditLog).where(AuditLog.action == "posting.review")).all()
    assert [(a.actor, a.detail["from"], a.detail["to"]) for a in audits] == [
        ("xy01", "flagged", "rejected"),
        ("xy01", "rejected", "approved"),
    ]
    assert audits[0].detail["note"] == "限定性别，请修改"


def test_a_counselor_reads_postings_but_cannot_review(client: TestClient, container: Container) -> None:
    posting = add_posting(container)
    cookie_login(client, "fdy1")
    page = client.get(f"/admin/postings/{posting}").text
    assert "岗位审核由学院就业负责人或管理员进行" in page and 'name="decision"' not in page
    response = client.post(
        f"/admin/postings/{posting}/review", data={"decision": "approve", "csrf_token": csrf(client)}
    )
    assert response.status_code == 403 and "权限不足" in response.text
    with container.sessions() as session:
        assert session.get_one(Posting, posting).review_state is ReviewState.PENDING


def test_admin_retries_a_parked_message(client: TestClient, container: Container, school: School) -> None:
    add_activity(container, school)
    with container.sessions() as session:
        parked = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PARKED)).one()
        sent = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENT)).one()
    cookie_login(client, "fdy2")  # parked row is for fdy2's graduate, but retrying is an admin's job
    assert client.post(f"/admin/outbox/{parked.id}/retry", data={"csrf_token": csrf(client)}).status_code == 403
    cookie_login(client, "admin")
    done = client.post(f"/admin/outbox/{parked.id}/retry", data={"csrf_token": csrf(client)}, follow_redirects=False)
    assert done.status_code == 303
    assert "已重新排队" in client.get(done.headers["location"]).text
    again = client.post(f"/admin/outbox/{sent.id}/retry", data={"csrf_token": csrf(client)})
    assert again.status_code == 409 and "只有已搁置或已取消的记录可以重试" in again.text
    assert client.post("/admin/outbox/999999/retry", data={"csrf_token": csrf(client)}).status_code == 404
    with container.sessions() as session:
        row = session.get_one(OutboxMessage, parked.id)
        assert row.status is OutboxStatus.PENDING and row.attempts == 0
        assert row.next_attempt_at == container.clock.now()
        audit = session.scalars(sa.select(AuditLog).where(AuditLog.action == "outbox.retry")).one()
    assert audit.object_id == str(parked.id) and audit.detail["from"] == "parked"


def test_the_audit_log_page_filters_and_is_admin_only(client: TestClient, container: Container) -> None:
    posting = add_posting(container)
    cookie_login(client, "admin")
    client.post(
        f"/admin/postings/{posting}/review", data={"decision": "flag", "note": "再核实", "csrf_token": csrf(client)}
    )
    page = client.get("/admin/audit", params={"action": "posting."})
    assert page.status_code == 200 and "<code>posting.review</code>" in page.text
    assert "<code>login.success</code>" not in page.text and "共 1 条" in page.text
    everything = client.get("/admin/audit", params={"days": 7}).text
    assert "<code>login.success</code>" in everything


BAD_INPUT = [
    ("/admin/graduates?status=99", "未知的去向筛选"),
    ("/admin/graduates?follow=nobody", "未知的跟进筛选"),
    ("/admin/graduates?page=abc", "参数"),
    ("/admin/postings?review_state=maybe", "未知的审核状态"),
    ("/admin/outbox?status=lost", "未知的推送状态"),
    ("/admin/graduates/999999", "找不到毕业生"),
    ("/admin/match-runs/999999", "找不到匹配批次"),
    ("/admin/imports/template/teachers", "没有“teachers”模板"),
]


def test_bad_input_gets_a_chinese_page(client: TestClient) -> None:
    cookie_login(client, "admin")
    for url, expected in BAD_INPUT:
        response = client.get(url)
        assert response.status_code in (404, 422), url
        assert response.headers["content-type"].startswith("text/html"), url
        assert expected in response.text, url


def test_the_dashboard_breaks_unplaced_down_by_reason(client: TestClient, container: Container, school: School) -> None:
    with transaction(container.sessions) as session:
        for no, reason in (("2022010102", "求职中"), ("2022020102", "签约中")):
            session.get_one(Graduate, school.graduates[no]).unplaced_reason = reason
    cookie_login(client, "admin")
    page = client.get("/admin").text
    assert "求职中 1" in page and "签约中 1" in page and "尚未登记去向 2" in page and "未填写原因 1" in page
    assert 'id="kpi-placed">3 <small>37.5%</small>' in page
    by_reason = client.get("/admin/graduates", params={"reason": "尚未登记去向"}).text
    assert "王五" in by_reason and "孙八" in by_reason and "李四" not in by_reason


def hidden_csrf(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]*)"', html))


def test_every_form_on_the_pages_carries_the_sessions_csrf_value(
    client: TestClient, container: Container, school: School
) -> None:
    add_activity(container, school)
    posting = add_posting(container, review=ReviewState.FLAGGED, flags=("限男性",))
    cookie_login(client, "admin")
    pages = [
        "/admin",
        f"/admin/graduates/{school.graduates['2022010101']}",
        f"/admin/postings/{posting}",
        "/admin/postings?review_state=queue",
        "/admin/outbox",
        "/admin/imports",
    ]
    for url in pages:
        html = client.get(url).text
        assert hidden_csrf(html) == {csrf(client)}, url
    # Posting the page's own form as a browser would: the hidden value is enough.
    html = client.get(f"/admin/graduates/{school.graduates['2022010101']}").text
    (value,) = hidden_csrf(html)
    assert (
        client.post(f"/admin/graduates/{school.graduates['2022010101']}/reveal", data={"csrf_token": value}).status_code
        == 200
    )
