"""Role and class scope on every console page: a counselor sees their classes only, everywhere (dashboard, lists,
detail pages, statistics, exports, match runs, outbox); a college user sees their college; admin-only pages refuse."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
from fastapi.testclient import TestClient

from bot.container import Container
from bot.domain import ChannelKind
from models import Checkin, MatchRun, MatchShortfall, OutboxMessage, OutboxStatus
from models.db import transaction
from tests.api.conftest import School, cookie_login

OWN = ("张三", "李四", "王五")  # 计应2201, fdy1's class
FOREIGN = ("赵六", "钱七", "孙八", "周九", "吴十")
FOREIGN_CLASSES = ("计应2202", "护理2201")


def add_activity(container: Container, school: School) -> int:
    """A batch run with shortfalls, check-ins and outbox rows across every class; returns the run id."""
    now = container.clock.now()
    g = school.graduates
    with transaction(container.sessions) as session:
        run = MatchRun(trigger="batch", status="done", started_at=now, finished_at=now, duration_ms=12, graduates=6)
        run.params = {"k": 10, "capacity_factor": 3.0, "max_per_employer": 2, "weights": {"major": 3.0}}
        run.counts = {"graduates_by_step": {"0": 3, "3": 2}, "matches_by_step": {"0": 20}}
        run.shortfalls = 3
        session.add(run)
        session.flush()
        for no, found in (("2022010102", 4), ("2022010202", 2), ("2022020102", 0)):
            session.add(MatchShortfall(run_id=run.id, graduate_id=g[no], found=found, reason="本地岗位太少"))
        session.add_all(
            [
                Checkin(
                    graduate_id=g["2022010102"], kind="checkin", period_key="w1", due_at=now, sent_at=now, channel="web"
                ),
                Checkin(graduate_id=g["2022010103"], kind="checkin", period_key="w1", due_at=now, channel=None),
                Checkin(graduate_id=g["2022020102"], kind="escalation", period_key="e1", due_at=now, channel=None),
                Checkin(
                    graduate_id=g["2022010101"],
                    kind="checkin",
                    period_key="w0",
                    due_at=now - timedelta(days=7),
                    sent_at=now - timedelta(days=7),
                    answered_at=now - timedelta(days=6),
                    channel="web",
                ),
            ]
        )
        for no, status, error in (
            ("2022010102", OutboxStatus.SENT, None),
            ("2022010202", OutboxStatus.PARKED, "errcode 45015：回复时间超过限制"),
        ):
            session.add(
                OutboxMessage(
                    idempotency_key=f"k-{no}",
                    channel=ChannelKind.WEB,
                    account="demo",
                    target_kind="user",
                    target_id=f"u-{no}",
                    graduate_id=g[no],
                    intent="new_matches",
                    payload={"text": f"给 {no} 的新岗位"},
                    status=status,
                    attempts=8 if error else 1,
                    last_error=error,
                    response={"errcode": 0} if error is None else None,
                    created_at=now,
                    next_attempt_at=now,
                )
            )
        return run.id


def assert_only_own(text: str) -> None:
    for name in FOREIGN:
        assert name not in text, name
    for name in FOREIGN_CLASSES:
        assert name not in text, name


def test_a_counselor_sees_only_their_classes_on_every_page(
    client: TestClient, container: Container, school: School
) -> None:
    run_id = add_activity(container, school)
    cookie_login(client, "fdy1")
    pages = [
        "/admin",
        "/admin/graduates",
        "/admin/graduates?status=unplaced",
        "/admin/graduates?follow=noreply",
        "/admin/graduates?follow=shortfall",
        "/admin/graduates?q=2022",
        "/admin/stats",
        f"/admin/match-runs/{run_id}",
        "/admin/outbox",
        "/admin/postings",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_only_own(response.text)
    dashboard = client.get("/admin").text
    assert "计应2201" in dashboard and 'id="kpi-total">3<' in dashboard
    assert 'id="kpi-noreply">1<' in dashboard and 'id="kpi-phone">1<' in dashboard
    listing = client.get("/admin/graduates").text
    assert all(name in listing for name in OWN)
    run = client.get(f"/admin/match-runs/{run_id}").text
    assert "李四" in run and "岗位不足名单（1，仅您负责的范围）" in run
    outbox = client.get("/admin/outbox").text
    assert "给 2022010102 的新岗位" in outbox and "2022010202" not in outbox


def test_a_counselor_is_refused_other_classes_and_admin_pages(client: TestClient, school: School) -> None:
    cookie_login(client, "fdy1")
    refused = [
        f"/admin/graduates/{school.graduates['2022010201']}",  # fdy2's class
        f"/admin/graduates/{school.graduates['2022010999']}",  # no class
        f"/admin/graduates?class_id={school.classes['计应2202']}",
        "/admin/imports",
        "/admin/imports/template/postings",
        "/admin/audit",
        "/admin/postings/review",
    ]
    for url in refused:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "无权访问" in response.text or "权限不足" in response.text, url
    assert "不在您负责的范围内" in client.get(f"/admin/graduates/{school.graduates['2022010201']}").text
    own = client.get(f"/admin/graduates/{school.graduates['2022010101']}")
    assert own.status_code == 200 and "张三" in own.text


def test_statistics_and_exports_stay_inside_the_counselors_classes(client: TestClient, school: School) -> None:
    cookie_login(client, "fdy1")
    page = client.get("/admin/stats").text
    assert 'id="stat-total">3<' in page and 'id="stat-placed">1<' in page
    other_college = client.get("/admin/stats", params={"college_id": school.colleges["02"]}).text
    assert 'id="stat-total">0<' in other_college  # naming another college only narrows
    national = client.get("/admin/stats/national.xlsx")
    assert national.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(national.content)).active.iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {"2022010101", "2022010102", "2022010103"}
    stats = client.get("/admin/stats/export.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(stats.content))
    assert list(book["总体"].iter_rows(values_only=True))[1][:3] == ("全部毕业生", 3, 1)
    colleges = list(book["按学院"].iter_rows(values_only=True))[1:]
    assert [(r[1], r[2]) for r in colleges] == [("信息工程学院", 3)]


def test_a_college_user_sees_their_college_only(client: TestClient, school: School) -> None:
    cookie_login(client, "xy01")
    listing = client.get("/admin/graduates").text
    assert all(name in listing for name in ("张三", "赵六", "孙八")) and "周九" not in listing
    assert client.get(f"/admin/graduates/{school.graduates['2022020101']}").status_code == 403
    assert client.get("/admin/stats", params={"college_id": school.colleges["02"]}).status_code == 403
    national = client.get("/admin/stats/national.xlsx", params={"college_id": school.colleges["02"]})
    assert national.status_code == 403
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/imports").status_code == 200  # postings only
    dashboard = client.get("/admin").text
    assert "计应2202" in dashboard and "护理2201" not in dashboard and "（未分班）" in dashboard


def test_admin_sees_the_whole_school(client: TestClient, container: Container, school: School) -> None:
    add_activity(container, school)
    cookie_login(client, "admin")
    dashboard = client.get("/admin").text
    assert 'id="kpi-total">8<' in dashboard and 'id="kpi-phone">2<' in dashboard
    assert all(name in dashboard for name in ("计应2201", "计应2202", "护理2201"))
    listing = client.get("/admin/graduates").text
    assert all(name in listing for name in (*OWN, *FOREIGN))
    outbox = client.get("/admin/outbox").text
    assert "errcode 45015" in outbox and "重试" in outbox
