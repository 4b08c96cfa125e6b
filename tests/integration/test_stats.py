"""Statistics and the class board on the demo school (SQLite and PostgreSQL), checked against counts made here
independently from the demo generator's own records, and within each role's scope."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from bot.access.queries import principal_for
from bot.access.rules import StaffPrincipal
from bot.codes import places
from bot.codes.book import CodeBook
from bot.console.class_board import class_board
from bot.container import Container
from bot.demo.generator import generate
from bot.demo.model import DemoGraduate, DemoSchool
from bot.demo.seed import seed_demo
from bot.domain import Role, StatusSource
from bot.errors import Forbidden
from bot.reports.national_export import ExportScope
from bot.reports.stats import NO_REASON, NOT_REPORTED, STUDY_GROUPS, StatsFilter, employment_stats
from bot.reports.stats_export import CLI_PRINCIPAL, export_stats
from bot.services.matching import run_batch
from models import AuditLog, College, Graduate, Match, StaffUser, StatusRecord

TODAY = date(2026, 6, 1)


def seed(container: Container, tmp_path: Path) -> DemoSchool:
    seed_demo(container, today=TODAY, accounts_path=tmp_path / "accounts.json")
    return generate(2026, today=TODAY)


def principal(container: Container, username: str) -> StaffPrincipal:
    with container.sessions() as session:
        user = session.scalars(sa.select(StaffUser).where(StaffUser.username == username)).one()
        return principal_for(session, user)


def placed(book: CodeBook, g: DemoGraduate) -> bool:
    return g.status is not None and book.is_placed(g.status.destination_code)


def employed(book: CodeBook, g: DemoGraduate) -> bool:
    return (
        placed(book, g)
        and g.status is not None
        and book.destinations[g.status.destination_code].group not in STUDY_GROUPS
    )


def test_school_statistics_match_an_independent_count(container: Container, tmp_path: Path) -> None:
    school = seed(container, tmp_path)
    book = container.codebook
    with container.sessions() as session:
        s = employment_stats(session, CLI_PRINCIPAL, book, StatsFilter())
    people = school.graduates
    assert s.total == len(people) == 600
    assert s.placed == sum(placed(book, g) for g in people) and 0 < s.placed < s.total
    assert s.rate == pytest.approx(s.placed / 600)

    names = {c.code: c.name for c in school.colleges}
    expected_colleges = Counter(names[g.college_code] for g in people)
    assert {r.label: r.total for r in s.by_college} == dict(expected_colleges)
    placed_by_college = Counter(names[g.college_code] for g in people if placed(book, g))
    assert {r.label: r.placed for r in s.by_college} == {n: placed_by_college.get(n, 0) for n in expected_colleges}
    by_major = Counter(g.major_code for g in people)
    assert {r.code: r.total for r in s.by_major} == dict(by_major)
    assert {r.code: r.placed for r in s.by_major} == {
        code: sum(placed(book, g) for g in people if g.major_code == code) for code in by_major
    }

    destinations = Counter(g.status.destination_code if g.status else "" for g in people)
    assert {r.code: r.count for r in s.destinations} == dict(destinations)
    assert sum(r.share for r in s.destinations) == pytest.approx(1.0)
    reasons = Counter(
        NOT_REPORTED if g.status is None else (g.status.unplaced_reason or NO_REASON)
        for g in people
        if not placed(book, g)
    )
    assert {r.label: r.count for r in s.unplaced_reasons} == dict(reasons)

    working = [g.status for g in people if employed(book, g) and g.status is not None]
    assert s.employed == len(working) > 0
    provinces = Counter(places.province_of(st.place_adcode) if st.place_adcode else "" for st in working)
    assert {r.code: r.count for r in s.regions} == dict(provinces)
    assert {r.code: r.label for r in s.regions if r.code}["420000"] == "湖北省"
    assert {r.code: r.count for r in s.natures} == dict(Counter(st.employer_nature_code or "" for st in working))
    assert {r.code: r.count for r in s.industries} == dict(Counter(st.industry_code or "" for st in working))
    assert all(r.label == book.industries[r.code] for r in s.industries if r.code)

    hardship = {r.label: (r.total, r.placed) for r in s.hardship}
    poor = [g for g in people if g.is_hardship]
    assert hardship["困难生"] == (len(poor), sum(placed(book, g) for g in poor))
    assert hardship["其他毕业生"] == (600 - len(poor), s.placed - hardship["困难生"][1])


def test_each_role_counts_only_its_scope(container: Container, tmp_path: Path) -> None:
    school = seed(container, tmp_path)
    book = container.codebook
    counselor = next(s for s in school.staff if s.role is Role.COUNSELOR)
    college_user = next(s for s in school.staff if s.role is Role.COLLEGE)
    mine = [g for g in school.graduates if g.class_name in counselor.classes]
    theirs = [g for g in school.graduates if g.college_code == college_user.college_code]
    with container.sessions() as session:
        c_stats = employment_stats(session, principal(container, counselor.username), book, StatsFilter())
        u = principal(container, college_user.username)
        u_stats = employment_stats(session, u, book, StatsFilter())
        foreign = session.scalars(sa.select(College.id).where(College.id != u.college_id)).first()
        assert foreign is not None
        with pytest.raises(Forbidden, match="无权查看该学院"):
            employment_stats(session, u, book, StatsFilter(college_id=foreign))
    assert (c_stats.total, c_stats.placed) == (len(mine), sum(placed(book, g) for g in mine))
    assert {r.code for r in c_stats.by_major} == {g.major_code for g in mine}
    assert len(c_stats.by_college) == 1
    assert sum(r.count for r in c_stats.destinations) == len(mine)
    assert (u_stats.total, u_stats.placed) == (len(theirs), sum(placed(book, g) for g in theirs))
    assert [r.total for r in u_stats.by_college] == [len(theirs)]


def test_filters_and_the_latest_status_row(container: Container, tmp_path: Path) -> None:
    school = seed(container, tmp_path)
    book = container.codebook
    cohort = school.graduates[0].cohort
    target = next(g for g in school.graduates if employed(book, g) and g.status and g.status.place_adcode)
    assert target.status is not None
    with container.sessions() as session:
        same = employment_stats(session, CLI_PRINCIPAL, book, StatsFilter(cohort=cohort))
        none = employment_stats(session, CLI_PRINCIPAL, book, StatsFilter(cohort=cohort + 5))
        before = {r.code: r.count for r in employment_stats(session, CLI_PRINCIPAL, book, StatsFilter()).regions}
    assert same.total == 600 and none.total == 0 and none.destinations == [] and none.rate == 0.0
    # A newer record (moved to Beijing, now a state enterprise) replaces the old one in every table.
    with container.sessions.begin() as session:
        gid = session.scalar(sa.select(Graduate.id).where(Graduate.student_no == target.student_no))
        session.add(
            StatusRecord(
                graduate_id=gid,
                destination_code=target.status.destination_code,
                employer_name="北京某国企",
                employer_nature_code="31",
                industry_code="35",
                place_adcode="110105",
                source=StatusSource.COUNSELOR,
                code_version=book.version,
                created_at=container.clock.now() + timedelta(days=1),
            )
        )
    with container.sessions() as session:
        after = employment_stats(session, CLI_PRINCIPAL, book, StatsFilter())
    regions = {r.code: r.count for r in after.regions}
    old = places.province_of(target.status.place_adcode or "")
    assert regions["110000"] == before.get("110000", 0) + 1
    assert regions.get(old, 0) == before[old] - 1
    assert after.employed == same.employed


def test_the_statistics_workbook_has_one_sheet_per_table(container: Container, tmp_path: Path) -> None:
    seed(container, tmp_path)
    result = export_stats(container, tmp_path / "统计.xlsx", ExportScope(college="DEMO01"), cohort=None)
    book = openpyxl.load_workbook(tmp_path / "统计.xlsx")
    assert book.sheetnames == [
        "总体",
        "按学院",
        "按专业",
        "毕业去向",
        "未就业原因",
        "就业地区",
        "单位性质",
        "单位行业",
        "困难生",
    ]
    overall = list(book["总体"].iter_rows(values_only=True))
    assert overall[1][1:3] == (result.stats.total, result.stats.placed)
    assert overall[1][3] == pytest.approx(result.stats.rate) and book["总体"]["D2"].number_format == "0.00%"
    colleges = list(book["按学院"].iter_rows(values_only=True))[1:]
    assert [(r[0], r[2]) for r in colleges] == [("DEMO01", result.stats.total)] and result.college == "医学院"
    majors = list(book["按专业"].iter_rows(values_only=True))[1:]
    assert sum(r[3] for r in majors) == result.stats.total and all(isinstance(r[1], str) for r in majors)
    with container.sessions() as session:
        audit = session.scalars(sa.select(AuditLog).where(AuditLog.action == "export.stats")).one()
    assert audit.actor == "cli" and audit.detail["college"] == "医学院"


def test_the_class_board_counts_each_class(container: Container, tmp_path: Path) -> None:
    school = seed(container, tmp_path)
    book = container.codebook
    summary = run_batch(container)
    with container.sessions() as session:
        board = class_board(container, session, CLI_PRINCIPAL)
        active = Counter(session.scalars(sa.select(Match.graduate_id).where(Match.active)).all())
        ids = dict(session.execute(sa.select(Graduate.student_no, Graduate.id)).all())
    rows = {r.name: r for r in board.rows}
    assert set(rows) == {c.name for c in school.classes}
    for cls in school.classes:
        people = [g for g in school.graduates if g.class_name == cls.name]
        unplaced = [g for g in people if not placed(book, g)]
        row = rows[cls.name]
        assert (row.total, row.placed) == (len(people), len(people) - len(unplaced)), cls.name
        assert row.hardship_unplaced == sum(g.is_hardship for g in unplaced)
        assert sum(row.unplaced_by_reason.values()) == len(unplaced)
        assert row.few_matches == sum(active[ids[g.student_no]] < board.k for g in unplaced)
    assert board.totals.total == 600 and board.latest_run is not None and board.latest_run.id == summary.run_id
    assert board.totals.shortfall == summary.stats.shortfalls
    assert board.totals.no_reply == 0 and board.phone_list == []
