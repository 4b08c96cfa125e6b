"""The national upload file on the demo school (SQLite and PostgreSQL): exactly the national columns, one row per
graduate from the latest status, valid codes, scoped and audited; and `jiuye export national|stats|template`."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import jiuye.cmd_export
from bot.access.queries import principal_for
from bot.codes import places
from bot.container import Container
from bot.demo.generator import generate
from bot.demo.model import DemoSchool
from bot.demo.seed import seed_demo
from bot.domain import Role, StatusSource
from bot.errors import Forbidden, InvalidInput, NotFound
from bot.reports.national_export import EDUCATION_NAMES, ExportScope, export_national
from jiuye.cli import app
from models import AuditLog, College, Graduate, StaffUser, StatusRecord

TODAY = date(2026, 6, 1)


def seed(container: Container, tmp_path: Path) -> DemoSchool:
    seed_demo(container, today=TODAY, accounts_path=tmp_path / "accounts.json")
    return generate(2026, today=TODAY)


def read_rows(path: Path) -> list[dict[str, str]]:
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [{str(h): ("" if v is None else v) for h, v in zip(header, row, strict=True)} for row in rows]


def test_the_file_has_the_national_columns_and_every_graduates_latest_status(
    container: Container, tmp_path: Path
) -> None:
    school = seed(container, tmp_path)
    book = container.codebook
    path = tmp_path / "上报.xlsx"
    result = export_national(container, path, ExportScope())
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert tuple(next(sheet.iter_rows(values_only=True))) == book.export_columns
    assert book.export_columns == (
        "学号", "考生号", "姓名", "生源地代码", "专业代码", "学历层次", "毕业去向类别代码", "工作职位类别代码",
        "单位名称", "统一社会信用代码", "单位性质代码", "单位行业代码", "单位所在地代码", "留学国家地区",
    )  # fmt: skip
    rows = read_rows(path)
    assert result.rows == len(rows) == len(school.graduates)
    by_no = {r["学号"]: r for r in rows}
    assert len(by_no) == len(rows)
    for g in school.graduates:
        row, s = by_no[g.student_no], g.status
        assert (row["考生号"], row["姓名"], row["生源地代码"], row["专业代码"]) == (
            g.exam_no, g.name, g.origin_adcode, g.major_code
        )  # fmt: skip
        assert row["学历层次"] == EDUCATION_NAMES[g.education] and row["学历层次"] in book.education_levels
        assert row["工作职位类别代码"] == ""
        assert row["毕业去向类别代码"] == (s.destination_code if s else "")
        assert row["单位名称"] == (s.employer_name or "" if s else "")
        assert row["统一社会信用代码"] == (s.employer_credit_code or "" if s else "")
        assert row["单位性质代码"] == (s.employer_nature_code or "" if s else "")
        assert row["单位行业代码"] == (s.industry_code or "" if s else "")
        assert row["单位所在地代码"] == (s.place_adcode or "" if s else "")
        assert row["留学国家地区"] == (s.study_country or "" if s else "")
    # Every code is one the national lists know, and text cells keep leading zeros.
    for row in rows:
        assert row["毕业去向类别代码"] == "" or row["毕业去向类别代码"] in book.destinations
        assert row["单位性质代码"] == "" or row["单位性质代码"] in book.employer_natures
        assert row["单位行业代码"] == "" or row["单位行业代码"] in book.industries
        assert row["单位所在地代码"] == "" or places.is_valid_adcode(row["单位所在地代码"])
        assert all(isinstance(v, str) for v in row.values())
    assert any(r["留学国家地区"] for r in rows) and any(r["统一社会信用代码"] for r in rows)
    unreported = sum(g.status is None for g in school.graduates)
    assert result.warnings[0] == f"{unreported} 名毕业生尚未登记毕业去向，“毕业去向类别代码”为空"
    with container.sessions() as session:
        audit = session.scalars(sa.select(AuditLog).where(AuditLog.action == "export.national")).one()
    assert audit.detail["rows"] == 600 and audit.detail["file"] == "上报.xlsx" and audit.actor == "cli"


def test_a_newer_status_record_wins_and_formulas_stay_text(container: Container, tmp_path: Path) -> None:
    school = seed(container, tmp_path)
    target = next(g for g in school.graduates if g.status is None)
    with container.sessions.begin() as session:
        gid = session.scalar(sa.select(Graduate.id).where(Graduate.student_no == target.student_no))
        for days, code, name in ((1, "70", None), (2, "11", '=HYPERLINK("http://x")')):
            session.add(
                StatusRecord(
                    graduate_id=gid,
                    destination_code=code,
                    employer_name=name,
                    employer_credit_code="91420100MA4KXXXX1X" if name else None,
                    place_adcode="420111" if name else None,
                    source=StatusSource.SELF_REPORT,
                    code_version="2024",
                    created_at=container.clock.now() + timedelta(days=days),
                )
            )
    path = tmp_path / "n.xlsx"
    export_national(container, path, ExportScope())
    row = next(r for r in read_rows(path) if r["学号"] == target.student_no)
    assert (row["毕业去向类别代码"], row["单位所在地代码"]) == ("11", "420111")
    assert row["单位名称"] == '=HYPERLINK("http://x")'
    cell = next(c for c in openpyxl.load_workbook(path).active.iter_rows() if c[0].value == target.student_no)[8]
    assert cell.data_type == "s"


def test_scope_and_college_filters(container: Container, tmp_path: Path) -> None:
    school = seed(container, tmp_path)
    counselor = next(s for s in school.staff if s.role is Role.COUNSELOR)
    college_user = next(s for s in school.staff if s.role is Role.COLLEGE)
    with container.sessions() as session:
        users = {u.username: principal_for(session, u) for u in session.scalars(sa.select(StaffUser))}
        colleges = dict(session.execute(sa.select(College.code, College.id)).all())
    mine = export_national(container, tmp_path / "c.xlsx", ExportScope(principal=users[counselor.username]))
    expected = {g.student_no for g in school.graduates if g.class_name in counselor.classes}
    assert {r["学号"] for r in read_rows(tmp_path / "c.xlsx")} == expected and mine.rows == len(expected)
    one = export_national(container, tmp_path / "one.xlsx", ExportScope(college="医学院"))
    in_college = {g.student_no for g in school.graduates if g.college_code == "DEMO01"}
    assert {r["学号"] for r in read_rows(tmp_path / "one.xlsx")} == in_college and one.college == "医学院"
    other = next(code for code in colleges if code != college_user.college_code)
    with pytest.raises(Forbidden):
        export_national(
            container,
            tmp_path / "x.xlsx",
            ExportScope(principal=users[college_user.username], college_id=colleges[other]),
        )
    with pytest.raises(NotFound, match="未找到学院“不存在学院”"):
        export_national(container, tmp_path / "y.xlsx", ExportScope(college="不存在学院"))
    with pytest.raises(InvalidInput, match=r"须为 \.xlsx"):
        export_national(container, tmp_path / "z.csv", ExportScope())
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "y.xlsx").exists()
    with container.sessions() as session:
        audits = session.scalars(sa.select(AuditLog).where(AuditLog.action == "export.national")).all()
    assert [a.detail["rows"] for a in audits] == [len(expected), len(in_college)]


def test_cli_exports(container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(container, tmp_path)
    monkeypatch.setattr(jiuye.cmd_export, "container", lambda: container)
    runner = CliRunner()
    national = runner.invoke(app, ["export", "national", str(tmp_path / "n.xlsx"), "--college", "DEMO02"])
    assert national.exit_code == 0, national.output
    assert "已导出信息工程学院毕业生" in national.output and "提示：" in national.output
    stats = runner.invoke(app, ["export", "stats", str(tmp_path / "s.xlsx")])
    assert stats.exit_code == 0 and "毕业生 600 名" in stats.output and "就业率" in stats.output
    assert openpyxl.load_workbook(tmp_path / "s.xlsx").sheetnames[0] == "总体"
    unknown = runner.invoke(app, ["export", "national", str(tmp_path / "u.xlsx"), "--college", "火星学院"])
    assert unknown.exit_code == 2 and "未找到学院“火星学院”" in unknown.output
    wrong = runner.invoke(app, ["export", "stats", str(tmp_path / "s.csv")])
    assert wrong.exit_code == 2 and "导出文件须为 .xlsx" in wrong.output
    template = runner.invoke(app, ["export", "template", "postings", "-o", str(tmp_path / "t.xlsx")])
    assert template.exit_code == 0 and (tmp_path / "t.xlsx").exists()
