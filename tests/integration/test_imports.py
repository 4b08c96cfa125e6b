"""Ledger imports against a real database (SQLite and PostgreSQL): every form, every error, nothing lost."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from bot.bootstrap import bootstrap
from bot.clock import FakeClock
from bot.config import FileConfig
from bot.container import Container
from bot.domain import ReviewState
from bot.errors import ImportFileError
from bot.services.imports import ImportOptions, export_template, import_graduates, import_postings
from jiuye import context
from jiuye.cli import app
from models import AuditLog, College, Employer, Graduate, GraduatePreference, Major, Posting, SchoolClass
from tests.support.containers import make_test_settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
GRAD_HEADER = ["学号", "姓名", "学院", "专业", "专业代码", "班级", "学历层次", "手机号", "身份证号", "生源地"]
POST_HEADER = ["岗位名称", "单位名称", "工作地点", "薪资", "学历要求", "专业要求", "截止日期"]
ID_NUMBER = "420500200301010029"


def xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def count(c: Container, model: type) -> int:
    with c.sessions() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def graduates(c: Container) -> dict[str, Graduate]:
    with c.sessions() as s:
        return {g.student_no: g for g in s.scalars(sa.select(Graduate))}


def postings(c: Container) -> dict[str, Posting]:
    with c.sessions() as s:
        return {p.title: p for p in s.scalars(sa.select(Posting))}


def audits(c: Container) -> list[AuditLog]:
    with c.sessions() as s:
        return list(s.scalars(sa.select(AuditLog).order_by(AuditLog.id)))


GOOD_GRADS: list[list[Any]] = [
    [20210101.0, "张三", "计算机学院", "软件工程", "080902", "软件2101", "本科生", 13800138000.0, ID_NUMBER, "宜昌"],
    ["020210102", "李四", "计算机学院", "软件工程", None, "软件2101", "本科", "138 0013 8001", None, "420500"],
]


# ------------------------------------------------------------------------------------------------ graduates


def test_graduates_import_creates_structure_and_encrypts_personal_data(container: Container, tmp_path: Path) -> None:
    report = import_graduates(container, xlsx(tmp_path / "g.xlsx", GRAD_HEADER, GOOD_GRADS))

    assert (report.new, report.updated, report.unchanged, report.errors) == (2, 0, 0, [])
    assert report.counts == {"colleges_created": 1, "majors_created": 1, "classes_created": 1}
    rows = graduates(container)
    assert set(rows) == {"20210101", "020210102"}  # float 学号 lost its ".0", the text one kept its zero
    zhang = rows["20210101"]
    assert (zhang.name, zhang.education, zhang.cohort, zhang.origin_adcode) == ("张三", 2, 2026, "420500")
    assert zhang.phone_enc and "13800138000" not in zhang.phone_enc
    assert container.pii.decrypt(zhang.phone_enc) == "13800138000"
    assert container.pii.decrypt(zhang.id_number_enc) == ID_NUMBER
    assert container.pii.verify_digest(ID_NUMBER[-6:], zhang.bind_secret_digest)
    assert rows["020210102"].bind_secret_digest is None
    with container.sessions() as s:
        major = s.scalars(sa.select(Major)).one()
        assert (major.code, major.class_code, major.class_name, major.category_code, major.category_name) == (
            "080902",
            "0809",
            "计算机类",
            "08",
            "工学",
        )
        klass = s.scalars(sa.select(SchoolClass)).one()
        assert (klass.name, klass.major_id, klass.cohort) == ("软件2101", major.id, 2026)
    [entry] = audits(container)
    assert (entry.actor, entry.action, entry.detail["file"], entry.detail["new"]) == (
        "cli",
        "import.graduates",
        "g.xlsx",
        2,
    )


def test_bad_file_reports_every_bad_row_and_imports_nothing(container: Container, tmp_path: Path) -> None:
    rows = [
        *GOOD_GRADS,
        ["20210103", "", "计算机学院", "网络工程", None, None, "本科生", "1380013800", None, "火星"],
        [None, "无学号", "计算机学院", "软件工程", None, None, "本科生", None, None, None],
        ["20210101", "重复", "计算机学院", "软件工程", None, None, "本科生", None, "420500200301010028", None],
        ["20210105", "王五", "电气学院", "软件工程", None, "软件2101", "学前", None, None, None],
    ]
    report = import_graduates(container, xlsx(tmp_path / "bad.xlsx", GRAD_HEADER, rows))

    assert not report.imported
    got = [(e.row, e.column) for e in report.errors]
    assert got == [
        (4, "姓名"),
        (4, "专业"),
        (4, "手机号"),
        (4, "生源地"),
        (5, "学号"),
        (6, "学号"),
        (6, "身份证号"),
        (7, "专业"),
        (7, "班级"),
        (7, "学历层次"),
    ]
    reasons = {(e.row, e.column): e.reason for e in report.errors}
    assert reasons[(4, "姓名")] == "新学生必须填写此项"
    assert "网络工程" in reasons[(4, "专业")] and "专业代码" in reasons[(4, "专业")]
    assert reasons[(5, "学号")] == "学号不能为空"
    assert reasons[(6, "学号")] == "学号与第 2 行重复"
    assert report.bad_rows == 4 and "整份文件未导入" in report.summary()
    assert count(container, Graduate) == count(container, College) == count(container, Major) == 0
    [entry] = audits(container)
    assert entry.detail["imported"] is False and entry.detail["bad_rows"] == 4


def test_class_of_another_college_is_an_error(container: Container, tmp_path: Path) -> None:
    import_graduates(container, xlsx(tmp_path / "a.xlsx", GRAD_HEADER, GOOD_GRADS))
    row = ["20210109", "周六", "电气学院", "自动化", "080801", "软件2101", "本科生", None, None, None]
    report = import_graduates(container, xlsx(tmp_path / "b.xlsx", GRAD_HEADER, [row]))
    assert [(e.row, e.column) for e in report.errors] == [(2, "班级")]
    assert "属于学院“计算机学院”" in report.errors[0].reason


def test_partial_imports_good_rows_and_writes_an_error_file(container: Container, tmp_path: Path) -> None:
    rows = [*GOOD_GRADS, ["20210103", "王五", "计算机学院", "软件工程", None, None, "本科生", "12345", None, None]]
    source = xlsx(tmp_path / "roster.xlsx", GRAD_HEADER, rows)

    report = import_graduates(container, source, ImportOptions(partial=True))

    assert report.imported and (report.new, report.bad_rows) == (2, 1)
    assert report.error_file == str(tmp_path / "roster.错误行.xlsx")
    sheet = openpyxl.load_workbook(report.error_file).active
    assert sheet is not None
    header, bad = list(sheet.iter_rows(values_only=True))
    assert list(header) == [*GRAD_HEADER, "错误原因"]
    assert bad[:2] == ("20210103", "王五") and bad[-1].startswith("手机号：不是有效的 11 位手机号")
    # The counselor fixes the cell in the error file and imports that file as it is.
    wb = openpyxl.load_workbook(report.error_file)
    assert wb.active is not None
    wb.active["H2"] = "13800138003"
    wb.save(report.error_file)
    again = import_graduates(container, Path(report.error_file))
    assert (again.new, again.errors, again.warnings) == (1, [], ["以下列无法识别，已忽略：错误原因"])
    assert count(container, Graduate) == 3


def test_reimport_of_the_same_file_changes_nothing(container: Container, tmp_path: Path) -> None:
    source = xlsx(tmp_path / "g.xlsx", GRAD_HEADER, GOOD_GRADS)
    import_graduates(container, source)
    before = {k: (g.updated_at, g.phone_enc, g.id_number_enc) for k, g in graduates(container).items()}

    report = import_graduates(container, source)

    assert (report.new, report.updated, report.unchanged) == (0, 0, 2)
    assert report.counts["colleges_created"] == report.counts["majors_created"] == 0
    after = {k: (g.updated_at, g.phone_enc, g.id_number_enc) for k, g in graduates(container).items()}
    assert after == before
    assert len(audits(container)) == 2


def test_upsert_keeps_what_the_sheet_leaves_out(container: Container, tmp_path: Path) -> None:
    header = [*GRAD_HEADER, "意向城市", "期望月薪"]
    import_graduates(container, xlsx(tmp_path / "full.xlsx", header, [[*GOOD_GRADS[0], "武汉、深圳", "6000"]]))
    # A later sheet: fewer columns, some cells blank, one value changed.
    later = [["20210101", "张三丰", None, None, "本科生", "北京", None]]
    report = import_graduates(
        container,
        xlsx(tmp_path / "later.xlsx", ["学号", "姓名", "学院", "专业", "学历层次", "意向城市", "手机号"], later),
    )

    assert (report.new, report.updated, report.unchanged) == (0, 1, 0)
    zhang = graduates(container)["20210101"]
    assert zhang.name == "张三丰"
    assert container.pii.decrypt(zhang.phone_enc) == "13800138000"
    assert container.pii.decrypt(zhang.id_number_enc) == ID_NUMBER
    assert zhang.origin_adcode == "420500" and zhang.class_id is not None
    with container.sessions() as s:
        pref = s.get(GraduatePreference, zhang.id)
        assert pref is not None
        assert (pref.city_adcodes, pref.salary_min, pref.source) == (["110000"], 6000, "import")


def test_preferences_the_graduate_stated_are_not_overwritten(container: Container, tmp_path: Path) -> None:
    import_graduates(container, xlsx(tmp_path / "g.xlsx", GRAD_HEADER, GOOD_GRADS))
    zhang_id = graduates(container)["20210101"].id
    with container.sessions() as s, s.begin():
        s.add(GraduatePreference(graduate_id=zhang_id, city_adcodes=["440300"], source="chat"))
    header = ["学号", "姓名", "学院", "专业", "学历层次", "意向城市"]
    report = import_graduates(
        container, xlsx(tmp_path / "p.xlsx", header, [["20210101", "张三", None, None, None, "宜昌"]])
    )
    assert report.counts["preferences_kept"] == 1
    with container.sessions() as s:
        pref = s.get(GraduatePreference, zhang_id)
        assert pref is not None and pref.city_adcodes == ["440300"]


def test_missing_required_column_is_an_error_for_the_whole_file(container: Container, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="缺少必需的列 学院、学历层次"):
        import_graduates(container, xlsx(tmp_path / "g.xlsx", ["学号", "姓名", "专业"], [["1", "张三", "英语"]]))


def test_gbk_csv(container: Container) -> None:
    report = import_graduates(container, FIXTURES / "graduates_gbk.csv")
    assert (report.new, report.errors) == (3, [])
    rows = graduates(container)
    assert rows["20210302"].flag_poverty and rows["20210302"].hardship_mask == 2
    assert rows["20210303"].origin_adcode == "420111"
    with container.sessions() as s:
        pref = s.get(GraduatePreference, rows["20210303"].id)
        assert pref is not None and pref.any_place


def test_partial_gbk_csv_writes_a_gbk_error_file(container: Container, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_bytes((FIXTURES / "graduates_bad_gbk.csv").read_bytes())
    report = import_graduates(container, source, ImportOptions(partial=True, error_file=tmp_path / "errors.csv"))
    assert report.new == 1 and report.bad_rows == 2
    with open(tmp_path / "errors.csv", encoding="gbk", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0][-1] == "错误原因"
    assert [line[0] for line in lines[1:]] == ["20210402", "20210403"]
    assert "法语" in lines[1][-1] and "学历层次" in lines[2][-1] and "手机号" in lines[2][-1]


def test_binding_code_column_mode(db_engine: sa.Engine, tmp_path: Path) -> None:
    settings = make_test_settings(db_engine.url.render_as_string(hide_password=False), binding_secret="column")
    c = bootstrap(settings, engine=db_engine, clock=FakeClock(), file_config=FileConfig(), configure_logs=False)
    header = [*GRAD_HEADER, "绑定码"]
    report = import_graduates(c, xlsx(tmp_path / "g.xlsx", header, [[*GOOD_GRADS[0], "AB12CD"]]))
    assert report.new == 1
    digest = graduates(c)["20210101"].bind_secret_digest
    assert c.pii.verify_digest("ab12cd", digest) and not c.pii.verify_digest(ID_NUMBER[-6:], digest)


# ------------------------------------------------------------------------------------------------- postings

SALARY_FORMS = [
    ("8千-1.1万", 8000, 11000, None),
    ("0.5-1万/月", 5000, 10000, None),
    ("6000-8000元/月", 6000, 8000, None),
    ("10-15K·13薪", 10000, 15000, 13),
    ("150-200元/天", 3263, 4350, None),
    ("面议", None, None, None),
    ("5k-8k", 5000, 8000, None),
    ("8000以上", 8000, None, None),
    ("3000元", 3000, 3000, None),
    ("年薪12-15万", 10000, 12500, None),
    ("4-6千/月", 4000, 6000, None),
    ("2万+", 20000, None, None),
]
PLACE_FORMS: list[tuple[str, str | None, bool]] = [
    ("上海·虹口", "310109", False),
    ("武汉-洪山区", "420111", False),
    ("湖北省宜昌市", "420500", False),
]
PLACE_FORMS += [("全国", None, True)]


def test_every_salary_and_place_form(container: Container, tmp_path: Path) -> None:
    rows = [
        [f"岗位{i}", "示例科技有限公司", PLACE_FORMS[i % 4][0], salary, "本科", "计算机类", "2026/6/30"]
        for i, (salary, *_) in enumerate(SALARY_FORMS)
    ]
    report = import_postings(container, xlsx(tmp_path / "p.xlsx", POST_HEADER, rows))
    assert (report.new, report.errors) == (len(SALARY_FORMS), [])
    stored = postings(container)
    for i, (text, low, high, months) in enumerate(SALARY_FORMS):
        p = stored[f"岗位{i}"]
        assert (p.salary_text, p.salary_min, p.salary_max, p.salary_months) == (text, low, high, months)
        place, adcode, nationwide = PLACE_FORMS[i % 4]
        assert (p.place_text, p.adcode, p.nationwide) == (place, adcode, nationwide)
        assert (p.accepted_majors, p.majors_any, p.deadline) == (["0809"], False, date(2026, 6, 30))
        assert p.review_state == ReviewState.APPROVED
    assert count(container, Employer) == 1


def test_discriminatory_postings_are_flagged_not_dropped(container: Container, tmp_path: Path) -> None:
    header = [*POST_HEADER, "岗位描述"]
    rows = [
        ["司机", "甲公司", "武汉", "6000", "不限", "不限", None, "限男性，已婚已育优先"],
        ["文员", "甲公司", "武汉", "5000", "不限", "不限", None, "男女不限"],
    ]
    report = import_postings(container, xlsx(tmp_path / "p.xlsx", header, rows), ImportOptions(pending=True))
    assert report.counts["flagged"] == 1
    stored = postings(container)
    assert stored["司机"].review_state == ReviewState.FLAGGED
    assert stored["司机"].flags == {"discrimination": ["限男性", "已婚已育优先"]}
    assert (stored["文员"].review_state, stored["文员"].flags) == (ReviewState.PENDING, {})
    # The employer fixes the text: the flag goes, the posting waits for review like the others.
    rows[0][-1] = "持 C1 驾照"
    import_postings(container, xlsx(tmp_path / "p2.xlsx", header, rows), ImportOptions(pending=True))
    fixed = postings(container)["司机"]
    assert (fixed.review_state, fixed.flags) == (ReviewState.PENDING, {})


def test_reimport_keeps_review_decisions_and_changes_nothing(container: Container, tmp_path: Path) -> None:
    source = xlsx(tmp_path / "p.xlsx", POST_HEADER, [["客服", "乙公司", "全国", "面议", "大专", "不限", "长期有效"]])
    import_postings(container, source)
    with container.sessions() as s, s.begin():
        s.execute(sa.update(Posting).values(review_state=ReviewState.REJECTED, review_note="重复岗位"))
    before = postings(container)["客服"].updated_at

    report = import_postings(container, source)

    assert (report.new, report.updated, report.unchanged) == (0, 0, 1)
    after = postings(container)["客服"]
    assert (after.review_state, after.updated_at) == (ReviewState.REJECTED, before)


def test_posting_number_is_the_upsert_key(container: Container, tmp_path: Path) -> None:
    header = ["岗位编号", *POST_HEADER, "招聘人数"]
    first = [["GW-1", "测试", "丙公司", "上海·虹口", "8千-1万", "本科", "不限", None, "若干"]]
    report = import_postings(container, xlsx(tmp_path / "a.xlsx", header, first))
    assert report.warnings == ["第 2 行：招聘人数“若干”按 1 人计"]
    # Same number, new title and salary, other cells blank: one posting, updated, nothing else lost.
    second = [["GW-1", "高级测试", None, None, "1-1.5万", None, None, None, None]]
    report = import_postings(container, xlsx(tmp_path / "b.xlsx", header, second))
    assert (report.new, report.updated) == (0, 1)
    [p] = postings(container).values()
    assert (p.posting_key, p.title, p.salary_min, p.adcode, p.headcount) == ("GW-1", "高级测试", 10000, "310109", 1)
    assert p.flags == {"notes": ["招聘人数“若干”按 1 人计"]}


def test_employers_upsert_by_credit_code_else_name(container: Container, tmp_path: Path) -> None:
    header = ["岗位名称", "单位名称", "统一社会信用代码", "单位性质", "工作地点"]
    rows = [
        ["开发", "深圳市腾讯计算机系统有限公司", None, "民营企业", "深圳"],
        ["测试", "深圳市腾讯计算机系统有限公司", "91440300708461136T", None, "深圳"],
        ["运维", "腾讯（新名称）", "91440300708461136T", None, "深圳"],
        ["产品", "阿里", "91440300708461136T", None, "杭州"],
    ]
    report = import_postings(container, xlsx(tmp_path / "p.xlsx", header, rows), ImportOptions(partial=True))
    assert [(e.row, e.column) for e in report.errors] == []
    with container.sessions() as s:
        employers = list(s.scalars(sa.select(Employer)))
    # One employer: named first, its code learnt from the second row, found by code on the third and fourth.
    assert [(e.name, e.credit_code, e.nature_code) for e in employers] == [
        ("深圳市腾讯计算机系统有限公司", "91440300708461136T", "39")
    ]
    clash = [["设计", "深圳市腾讯计算机系统有限公司", "91330100716105852F", None, "深圳"]]
    report = import_postings(container, xlsx(tmp_path / "q.xlsx", header, clash))
    assert [(e.row, e.column) for e in report.errors] == [(2, "统一社会信用代码")]


def test_duplicate_rows(container: Container, tmp_path: Path) -> None:
    row = ["客服", "丁公司", "全国", "面议", "不限", "不限", None]
    changed = ["客服", "丁公司", "全国", "5000", "不限", "不限", None]
    report = import_postings(container, xlsx(tmp_path / "p.xlsx", POST_HEADER, [row, row, changed]))
    assert report.warnings == ["第 3 行（共 1 行）与前面的行完全相同，已跳过"]
    assert [(e.row, e.column) for e in report.errors] == [(4, "")]
    assert "与第 2 行是同一岗位" in report.errors[0].line()


def test_utf8_bom_csv_postings(container: Container) -> None:
    report = import_postings(container, FIXTURES / "postings_bom.csv")
    assert (report.new, report.errors) == (2, [])
    stored = postings(container)
    assert (stored["翻译"].accepted_majors, stored["翻译"].industry_code) == (["0502"], "31")
    assert (stored["日语客服"].adcode, stored["日语客服"].deadline, stored["日语客服"].majors_text) == (
        "210200",
        None,
        "日语",
    )


def test_school_majors_resolve_posting_requirements(container: Container, tmp_path: Path) -> None:
    import_graduates(container, xlsx(tmp_path / "g.xlsx", GRAD_HEADER, GOOD_GRADS))
    rows = [["开发", "戊公司", "武汉", "8000", "本科", "软件工程、工学", None]]
    import_postings(container, xlsx(tmp_path / "p.xlsx", POST_HEADER, rows))
    assert postings(container)["开发"].accepted_majors == ["080902", "08"]


# ------------------------------------------------------------------------------------------ template and CLI


def test_template_round_trip(container: Container, tmp_path: Path) -> None:
    path = export_template("graduates", tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["毕业生", "填写说明"]
    ws = wb["毕业生"]
    ws.append(["20210101", "张三", "男", "计算机学院", "软件工程", "080902", "软件2101", "本科生"])
    wb.save(path)
    report = import_graduates(container, path)
    assert (report.new, report.errors, report.warnings) == (1, [], [])
    with pytest.raises(ImportFileError, match="没有“teachers”模板"):
        export_template("teachers", tmp_path / "x.xlsx")


@pytest.fixture
def cli_env(sqlite_engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("JIUYE_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("JIUYE_DEMO", "1")
    monkeypatch.setenv("JIUYE_CONFIG", "/nonexistent/jiuye.toml")
    context.container.cache_clear()
    yield
    context.container.cache_clear()


@pytest.mark.usefixtures("cli_env")
def test_cli_import_and_export(tmp_path: Path) -> None:
    runner = CliRunner()
    template = tmp_path / "模板.xlsx"
    result = runner.invoke(app, ["export", "template", "postings", "-o", str(template)])
    assert result.exit_code == 0 and "模板已生成" in result.output

    bad = xlsx(tmp_path / "bad.xlsx", POST_HEADER, [["客服", "己公司", "月球", "面议", "不限", "不限", None]])
    result = runner.invoke(app, ["import", "postings", str(bad)])
    assert result.exit_code == 1
    assert "第 2 行｜工作地点｜无法识别工作地点“月球”" in result.output

    mixed = xlsx(tmp_path / "mixed.xlsx", POST_HEADER, [["客服", "己公司", "全国", "面议", "不限", "不限", None]])
    result = runner.invoke(app, ["import", "postings", str(mixed), "--pending"])
    assert result.exit_code == 0 and "新增岗位 1 条" in result.output

    result = runner.invoke(app, ["import", "graduates", str(tmp_path / "none.xlsx")])
    assert result.exit_code == 2 and "文件不存在" in result.output
