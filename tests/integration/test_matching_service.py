"""The matching service on a real database (SQLite and PostgreSQL): runs, matches, shortfalls, incremental paths."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from bot.container import Container
from bot.domain import FeedbackKind, PostingStatus, ReviewState
from bot.errors import NotFound
from bot.services import matching, users
from jiuye.cli import app
from models import (
    AuditLog,
    College,
    Employer,
    Feedback,
    Graduate,
    GraduatePreference,
    Major,
    Match,
    MatchRun,
    MatchShortfall,
    Posting,
    SchoolClass,
)

WUHAN, YICHANG, SHENZHEN, GUANGZHOU = "420100", "420500", "440300", "440100"


def _school(c: Container) -> dict[str, int]:
    with c.sessions.begin() as s:
        med = College(code="YX", name="医学院")
        it = College(code="JS", name="计算机学院")
        s.add_all([med, it])
        s.flush()
        nursing = Major(college_id=med.id, code="101101", name="护理学", class_code="1011", class_name="护理学类",
                        category_code="10", category_name="医学", level=2)  # fmt: skip
        software = Major(college_id=it.id, code="080902", name="软件工程", class_code="0809", class_name="计算机类",
                         category_code="08", category_name="工学", level=2)  # fmt: skip
        s.add_all([nursing, software])
        s.flush()
        n1 = SchoolClass(name="护理2201", college_id=med.id, major_id=nursing.id, cohort=2026)
        n2 = SchoolClass(name="护理2202", college_id=med.id, major_id=nursing.id, cohort=2026)
        s1 = SchoolClass(name="软件2201", college_id=it.id, major_id=software.id, cohort=2026)
        s.add_all([n1, n2, s1])
        s.flush()
        for i in range(1, 6):
            s.add(Employer(name=f"第{i}医院", industry_code="43"))
        s.add(Employer(name="光谷软件", industry_code="34"))
        s.flush()
        return {"med": med.id, "it": it.id, "nursing": nursing.id, "software": software.id,
                "n1": n1.id, "n2": n2.id, "s1": s1.id}  # fmt: skip


def _graduate(c: Container, school: dict[str, int], no: str, *, cls: str = "n1", **pref: Any) -> int:
    major = "software" if cls == "s1" else "nursing"
    college = "it" if cls == "s1" else "med"
    placed = pref.pop("destination_code", None)
    hardship = pref.pop("hardship", False)
    with c.sessions.begin() as s:
        g = Graduate(student_no=no, name=f"学生{no}", education=2, cohort=2026, college_id=school[college],
                     major_id=school[major], class_id=school[cls], destination_code=placed, flag_dibao=hardship,
                     unplaced_since=date(2026, 3, 1))  # fmt: skip
        s.add(g)
        s.flush()
        if pref:
            s.add(GraduatePreference(graduate_id=g.id, **pref))
        return g.id


def _posting(c: Container, key: str, *, employer: int = 1, adcode: str | None = WUHAN, **kw: Any) -> int:
    values: dict[str, Any] = {
        "posting_key": key, "employer_id": employer, "title": "护士", "description": "病房护理", "adcode": adcode,
        "nationwide": adcode is None, "industry_code": "43", "majors_any": False, "accepted_majors": ["1011"],
        "min_education": 2, "salary_min": 5000, "salary_max": 7000, "headcount": 2,
        "published_on": date(2026, 5, 20), "review_state": ReviewState.APPROVED,
    }  # fmt: skip
    values.update(kw)
    with c.sessions.begin() as s:
        p = Posting(**values)
        s.add(p)
        s.flush()
        return p.id


def _active(c: Container, graduate_id: int) -> list[tuple[int, int, int]]:
    with c.sessions() as s:
        return [(m.posting_id, m.rank, m.relax_step) for m in matching.current_matches(s, graduate_id)]


def test_run_batch_writes_run_matches_and_shortfalls(container: Container) -> None:
    school = _school(container)
    a = _graduate(container, school, "2201001", city_adcodes=[WUHAN], positions=["护士"], salary_min=5000)
    b = _graduate(container, school, "2201002")
    placed = _graduate(container, school, "2201003", destination_code="10")
    sw = _graduate(container, school, "2201004", cls="s1")
    postings = [
        _posting(container, f"p{i}", employer=1 + i % 5, adcode=[WUHAN, YICHANG, None][i % 3]) for i in range(12)
    ]
    _posting(container, "closed", status=PostingStatus.CLOSED)
    _posting(container, "pending", review_state=ReviewState.PENDING)
    _posting(container, "late", deadline=date(2026, 5, 1))

    summary = matching.run_batch(container, actor="cli")

    assert summary.stats.graduates == 3  # the placed graduate is skipped
    assert summary.stats.postings == 12
    with container.sessions() as s:
        run = s.get(MatchRun, summary.run_id)
        assert run is not None
        assert (run.status, run.trigger, run.graduates, run.postings) == ("done", "batch", 3, 12)
        assert run.params["k"] == 10 and set(run.params["weights"]) >= {"major", "place", "text", "feedback"}
        assert run.duration_ms is not None and run.matches == summary.stats.matches
        assert run.counts["graduates_by_step"]["0"] >= 1
        shortfalls = s.scalars(sa.select(MatchShortfall).where(MatchShortfall.run_id == run.id)).all()
        assert {x.graduate_id for x in shortfalls} == {sw}
        assert shortfalls[0].reason == "专业对口岗位不足：软件工程 本科，仅找到 0 个"
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.action == "match.run")) == 1
    got = _active(container, a)
    assert len(got) == 10 and [r for _, r, _ in got] == list(range(1, 11))
    assert {p for p, _, _ in got} <= set(postings)
    assert _active(container, placed) == []
    assert len(_active(container, b)) == 10
    with container.sessions() as s:
        first = matching.current_matches(s, a)[0]
        assert first.reason.startswith("专业对口") or first.reason.startswith("相近专业")
        assert set(first.parts) == {"major", "place", "origin", "industry", "text", "salary", "fresh", "feedback"}
    assert [line.student_no for line in summary.shortfalls] == ["2201004"]


def test_rerun_deactivates_old_matches_and_scopes_by_class(container: Container) -> None:
    school = _school(container)
    a = _graduate(container, school, "2201001", cls="n1")
    b = _graduate(container, school, "2202001", cls="n2")
    for i in range(4):
        _posting(container, f"p{i}", employer=1 + i)
    first = matching.run_batch(container)
    second = matching.run_batch(container, class_name="护理2201")
    assert second.scope == {"class": "护理2201"} and second.stats.graduates == 1
    with container.sessions() as s:

        def runs(gid: int) -> set[tuple[int, bool]]:
            rows = s.execute(sa.select(Match.run_id, Match.active).where(Match.graduate_id == gid))
            return {(r, bool(act)) for r, act in rows}

        assert runs(a) == {(first.run_id, False), (second.run_id, True)}
        assert runs(b) == {(first.run_id, True)}
        assert len(matching.current_matches(s, a)) == 4


def test_unknown_scope_is_a_chinese_not_found_and_writes_nothing(container: Container) -> None:
    _school(container)
    with pytest.raises(NotFound, match="未找到学院"):
        matching.run_batch(container, college="没有这个学院")
    with pytest.raises(NotFound, match="未找到班级"):
        matching.run_batch(container, class_name="无")
    with pytest.raises(NotFound, match="未找到毕业生"):
        matching.run_batch(container, graduate_id=999)
    with container.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(MatchRun)) == 0


def test_college_scope_by_code_or_name(container: Container) -> None:
    school = _school(container)
    _graduate(container, school, "2201001")
    _graduate(container, school, "2201004", cls="s1")
    _posting(container, "p1")
    assert matching.run_batch(container, college="YX").stats.graduates == 1
    assert matching.run_batch(container, college="计算机学院").scope == {"college": "计算机学院"}


def test_capacity_counts_seats_held_outside_the_scope(container: Container) -> None:
    school = _school(container)
    a = _graduate(container, school, "2201001", cls="n1")
    b = _graduate(container, school, "2202001", cls="n2")
    container.settings.matching.capacity_factor = 1.0
    _posting(container, "p1", headcount=1)
    matching.run_batch(container, class_name="护理2201")
    matching.run_batch(container, class_name="护理2202")
    assert len(_active(container, a)) == 1 and _active(container, b) == []


def test_incremental_posting_enters_the_lists_it_improves(container: Container) -> None:
    school = _school(container)
    container.settings.matching.k = 3
    a = _graduate(container, school, "2201001", city_adcodes=[WUHAN], salary_min=6000)
    sw = _graduate(container, school, "2201004", cls="s1")
    for i in range(3):
        _posting(container, f"p{i}", employer=1 + i, salary_min=3000, salary_max=3500)
    matching.run_batch(container)
    new = _posting(container, "new", employer=5, salary_min=8000, salary_max=9000, published_on=date(2026, 6, 1))
    summary = matching.on_posting_changed(container, new)
    assert summary.placed == 1 and summary.trigger == "incremental"
    got = _active(container, a)
    assert got[0][:2] == (new, 1) and len(got) == 3 and [r for _, r, _ in got] == [1, 2, 3]
    assert _active(container, sw) == []
    with container.sessions() as s:
        row = s.scalars(sa.select(Match).where(Match.posting_id == new, Match.active)).one()
        assert row.run_id == summary.run_id and "薪资 8-9千 满足期望" in row.reason


def test_closing_a_posting_refills_its_holders(container: Container) -> None:
    school = _school(container)
    container.settings.matching.k = 2
    a = _graduate(container, school, "2201001")
    pids = [_posting(container, f"p{i}", employer=1 + i) for i in range(3)]
    matching.run_batch(container)
    held = [p for p, _, _ in _active(container, a)]
    with container.sessions.begin() as s:
        posting = s.get(Posting, held[0])
        assert posting is not None
        posting.status = PostingStatus.CLOSED
    matching.on_posting_changed(container, held[0])
    now = [p for p, _, _ in _active(container, a)]
    assert held[0] not in now and len(now) == 2 and set(now) <= set(pids)
    with pytest.raises(NotFound, match="岗位 999 不存在"):
        matching.on_posting_changed(container, 999)


def test_too_far_feedback_lowers_that_place(container: Container) -> None:
    school = _school(container)
    container.settings.matching.k = 4
    a = _graduate(container, school, "2201001")
    sz = [
        _posting(container, f"sz{i}", employer=1 + i, adcode=SHENZHEN, salary_min=9000, salary_max=12000)
        for i in range(3)
    ]
    wh = [_posting(container, f"wh{i}", employer=4 + i % 2, adcode=WUHAN) for i in range(2)]
    matching.run_batch(container)
    assert [p for p, _, _ in _active(container, a)][:2] == sz[:2]  # better paid: first
    with container.sessions.begin() as s:
        s.add(Feedback(graduate_id=a, posting_id=sz[0], kind=FeedbackKind.REJECTED, reason="不合适 太远了"))
    summary = matching.on_preference_changed(container, a)
    order = [p for p, _, _ in _active(container, a)]
    assert sz[0] not in order  # rejected: never again
    assert order[:2] == wh  # the rest of 深圳 now ranks below 武汉
    with container.sessions() as s:
        parts = {m.posting_id: m.parts for m in matching.current_matches(s, a)}
        assert parts[sz[1]]["feedback"] == -1.0 and parts[wh[0]]["feedback"] == 0.0
    assert summary.scope == {"graduate_ids": [a]}


def test_hardship_graduates_are_served_first(container: Container) -> None:
    school = _school(container)
    container.settings.matching.capacity_factor = 1.0
    container.settings.matching.k = 1
    plain = _graduate(container, school, "2201001")
    poor = _graduate(container, school, "2201002", hardship=True)
    _posting(container, "p1", headcount=1)
    matching.run_batch(container)
    assert len(_active(container, poor)) == 1 and _active(container, plain) == []


def test_cli_match_prints_the_summary_in_chinese(cli: CliRunner, container: Container) -> None:
    school = _school(container)
    _graduate(container, school, "2201001")
    _graduate(container, school, "2201004", cls="s1")
    for i in range(12):
        _posting(container, f"p{i}", employer=1 + i % 5)
    result = cli.invoke(app, ["match"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "匹配完成：批次 #1（全部未落实毕业生）" in out
    assert "毕业生 2 人，参与岗位 12 个，推荐 10 条，岗位不足 1 人" in out
    assert "按放宽步骤（人数）：严格匹配 1" in out
    assert "2201004 学生2201004：专业对口岗位不足：软件工程 本科，仅找到 0 个" in out
    result = cli.invoke(app, ["match", "--graduate", "2201001"])
    assert result.exit_code == 0 and "graduate_ids=[1]" in result.output and "毕业生 1 人" in result.output
    result = cli.invoke(app, ["match", "--class", "护理2201"])
    assert result.exit_code == 0 and "class=护理2201" in result.output


def test_cli_match_rejects_unknown_names(cli: CliRunner, container: Container) -> None:
    _school(container)
    for args, message in (
        (["--graduate", "000"], "未找到学号为 000 的毕业生"),
        (["--college", "文学院"], "未找到学院“文学院”"),
        (["--class", "无此班"], "未找到班级“无此班”"),
    ):
        result = cli.invoke(app, ["match", *args])
        assert result.exit_code == 1
        assert message in result.output


def _token(
    c: Container, username: str, role: str, *, college: str | None = None, classes: list[str] | None = None
) -> dict[str, str]:
    with c.sessions.begin() as s:
        users.create_user(s, username=username, password="Kaoshi-2026-pass", role=role, college=college,
                          classes=classes or [])  # fmt: skip
        issued = users.create_api_token(s, username, name="test", now=c.clock.now())
    return {"Authorization": f"Bearer {issued.token}"}


def test_api_runs_and_graduate_matches_with_parts_and_scope(container: Container) -> None:
    school = _school(container)
    a = _graduate(container, school, "2201001", cls="n1")
    b = _graduate(container, school, "2202001", cls="n2")
    sw = _graduate(container, school, "2201004", cls="s1")
    for i in range(12):
        _posting(container, f"p{i}", employer=1 + i % 5)
    summary = matching.run_batch(container)
    admin = _token(container, "admin", "admin")
    fdy = _token(container, "fdy1", "counselor", classes=["护理2201"])
    with TestClient(create_app(container)) as client:
        assert client.get("/api/v1/match-runs").status_code == 401
        page = client.get("/api/v1/match-runs", headers=admin).json()
        assert page["total"] == 1 and page["items"][0]["id"] == summary.run_id
        assert page["items"][0]["matches"] == 20 and page["items"][0]["shortfalls"] == 1
        detail = client.get(f"/api/v1/match-runs/{summary.run_id}", headers=admin).json()
        assert detail["params"]["weights"]["major"] == 3.0 and detail["counts"]["graduates_by_step"]["0"] == 2
        assert [s["graduate_id"] for s in detail["shortfall_list"]] == [sw]
        assert detail["shortfall_list"][0]["reason"].startswith("专业对口岗位不足：软件工程")
        scoped = client.get(f"/api/v1/match-runs/{summary.run_id}", headers=fdy).json()
        assert scoped["shortfall_list"] == []  # 软件2201 is not theirs
        assert client.get("/api/v1/match-runs/999", headers=admin).status_code == 404

        got = client.get(f"/api/v1/graduates/{a}/matches", headers=fdy)
        assert got.status_code == 200, got.text
        items = got.json()
        assert [m["rank"] for m in items] == list(range(1, 11))
        first = items[0]
        assert (
            first["title"] == "护士"
            and first["employer"].startswith("第")
            and first["place"] in ("武汉", "宜昌", "全国")
        )
        assert set(first["parts"]) == {"major", "place", "origin", "industry", "text", "salary", "fresh", "feedback"}
        assert first["relax_name"] == "严格匹配" and first["reason"] and first["active"]
        assert client.get(f"/api/v1/graduates/{b}/matches", headers=fdy).status_code == 403
        assert client.get("/api/v1/graduates/999/matches", headers=admin).status_code == 404
        matching.run_batch(container, graduate_id=a)
        history = client.get(f"/api/v1/graduates/{a}/matches", params={"history": True}, headers=admin).json()
        assert len(history) == 20 and sum(m["active"] for m in history) == 10


def test_concurrent_runs_leave_one_active_list_per_graduate(container: Container) -> None:
    school = _school(container)
    grads = [_graduate(container, school, f"22010{i:02d}") for i in range(6)]
    for i in range(12):
        _posting(container, f"p{i}", employer=1 + i % 5)
    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = list(pool.map(lambda _: matching.run_batch(container), range(3)))
    assert {r.stats.matches for r in runs} == {60}
    with container.sessions() as s:
        for g in grads:
            active = matching.current_matches(s, g)
            assert len(active) == 10 and len({m.run_id for m in active}) == 1
