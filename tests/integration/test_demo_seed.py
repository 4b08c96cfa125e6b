"""`jiuye demo` on a real database (SQLite and PostgreSQL): seeds once, changes nothing the second time,
writes an accounts file whose secrets really work, and keeps personal data encrypted."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import jiuye.cmd_demo
from bot.container import Container
from bot.demo.generator import generate
from bot.demo.seed import seed_demo
from bot.domain import StatusSource
from bot.errors import Conflict
from bot.security.passwords import verify_password
from jiuye.cli import app
from models import (
    AuditLog,
    Base,
    College,
    Employer,
    FaqEntry,
    Graduate,
    GraduatePreference,
    Major,
    Posting,
    SchoolClass,
    StaffUser,
    StatusRecord,
)

TODAY = date(2026, 6, 1)


def table_counts(container: Container) -> dict[str, int]:
    with container.engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def content_hash(container: Container) -> str:
    """Every row of every table, in primary-key order."""
    digest = hashlib.sha256()
    with container.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            digest.update(f"{table.name}:{[tuple(r) for r in rows]!r}".encode())
    return digest.hexdigest()


def test_seeds_once_and_the_second_run_changes_nothing(container: Container, tmp_path: Path) -> None:
    accounts = tmp_path / "var" / "demo-accounts.json"
    first = seed_demo(container, seed=2026, today=TODAY, accounts_path=accounts)
    assert first.created
    counts = table_counts(container)
    school = generate(2026, today=TODAY)
    assert counts["colleges"] == 3 and counts["majors"] == len(school.majors) and counts["classes"] == 20
    assert counts["graduates"] == 600 and counts["employers"] == 150 and counts["postings"] == 800
    assert counts["staff_users"] == len(school.staff) and counts["faq"] >= 12
    assert counts["graduate_preferences"] == sum(g.stated is not None for g in school.graduates)
    assert counts["status_history"] == sum(g.status is not None for g in school.graduates)
    assert counts["audit_log"] == 1
    before = content_hash(container)
    file_before = accounts.read_bytes()

    # Another day, another seed asked for: still the same school, nothing written, same accounts file.
    second = seed_demo(container, seed=99, today=date(2026, 6, 20), accounts_path=accounts)
    assert not second.created and second.notes
    assert table_counts(container) == counts
    assert content_hash(container) == before
    assert accounts.read_bytes() == file_before


def test_accounts_file_secrets_work_against_the_database(container: Container, tmp_path: Path) -> None:
    path = tmp_path / "demo-accounts.json"
    seed_demo(container, today=TODAY, accounts_path=path)
    accounts: dict[str, Any] = json.loads(path.read_text("utf-8"))
    assert accounts["web_chat"] == {"url": "/chat", "account": "demo"}
    logins = [accounts["admin"], *accounts["college"], *accounts["counselors"]]
    with container.sessions() as session:
        users = {u.username: u for u in session.scalars(sa.select(StaffUser))}
        for login in logins:
            user = users[login["username"]]
            assert verify_password(user.password_hash, login["password"]), login["username"]
        admin = accounts["admin"]
        assert not verify_password(users[admin["username"]].password_hash, admin["password"] + "x")
        for counselor in accounts["counselors"]:
            owned = session.scalars(
                sa.select(SchoolClass.name).where(SchoolClass.counselor_id == users[counselor["username"]].id)
            ).all()
            assert sorted(owned) == sorted(counselor["classes"])
        assert any(item["hardship"] for item in accounts["graduates"])
        for item in accounts["graduates"]:
            g = session.scalars(sa.select(Graduate).where(Graduate.student_no == item["student_no"])).one()
            assert g.name == item["name"] and g.school_class is not None and g.school_class.name == item["class"]
            assert g.is_hardship == item["hardship"]
            assert container.pii.verify_digest(item["binding_secret"], g.bind_secret_digest)
            assert not container.pii.verify_digest("000000", g.bind_secret_digest)


def test_personal_data_is_encrypted_and_rows_are_consistent(container: Container, tmp_path: Path) -> None:
    seed_demo(container, today=TODAY, accounts_path=tmp_path / "a.json")
    school = generate(2026, today=TODAY)
    secrets = {g.phone for g in school.graduates} | {g.id_number for g in school.graduates}
    with container.engine.connect() as conn:
        for raw in conn.execute(sa.select(Graduate.__table__)).all():
            assert not any(str(v) in secrets for v in raw if v is not None)
    with container.sessions() as session:
        graduates = {g.student_no: g for g in session.scalars(sa.select(Graduate))}
        for demo in school.graduates:
            row = graduates[demo.student_no]
            assert container.pii.decrypt(row.phone_enc) == demo.phone
            assert container.pii.decrypt(row.id_number_enc) == demo.id_number
            assert row.major.code == demo.major_code and row.origin_adcode == demo.origin_adcode
            assert (row.destination_code is None) == (demo.status is None)
        records = session.scalars(sa.select(StatusRecord)).all()
        assert all(r.source is StatusSource.IMPORT and not r.verified for r in records)
        placed = [r for r in records if r.destination_code in ("10", "11")]
        credit = set(session.scalars(sa.select(Employer.credit_code)))
        assert placed and all(r.employer_credit_code in credit for r in placed)
        prefs = session.scalars(sa.select(GraduatePreference)).all()
        assert prefs and all(p.source == "demo" and p.raw_text for p in prefs)
        flagged = session.scalars(sa.select(Posting).where(Posting.review_state == "flagged")).all()
        assert flagged and all(p.flags.get("discrimination") for p in flagged)
        assert session.scalar(sa.select(sa.func.count()).select_from(Major)) == len(school.majors)
        assert (session.scalar(sa.select(sa.func.count()).select_from(FaqEntry)) or 0) >= 12
        audit = session.scalars(sa.select(AuditLog)).one()
        assert audit.action == "demo.seed" and audit.detail["seed"] == 2026


def test_refuses_to_write_next_to_clashing_real_data(container: Container, tmp_path: Path) -> None:
    with container.sessions() as session, session.begin():
        session.add(College(code="01", name="医学院"))  # a real school's own college of the same name
    with pytest.raises(Conflict, match="医学院"):
        seed_demo(container, today=TODAY, accounts_path=tmp_path / "a.json")
    counts = table_counts(container)
    assert counts["colleges"] == 1 and counts["graduates"] == 0 and counts["postings"] == 0
    assert not (tmp_path / "a.json").exists()


def test_cli_seeds_then_skips(container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(jiuye.cmd_demo, "container", lambda: container)
    runner = CliRunner()
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    assert "已生成演示学校" in first.output and "毕业生 600 名" in first.output
    assert (tmp_path / "var" / "demo-accounts.json").exists()
    again = runner.invoke(app, ["demo", "--once"])
    assert again.exit_code == 0 and "已存在" in again.output
    assert table_counts(container)["graduates"] == 600


def test_two_seeders_at_once_write_one_school(container: Container, tmp_path: Path) -> None:
    results: list[bool] = []
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            results.append(seed_demo(container, today=TODAY, accounts_path=tmp_path / f"{name}.json").created)
        except BaseException as exc:  # re-raised below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(results) == [False, True]
    assert table_counts(container)["graduates"] == 600
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_a_marker_without_its_record_is_left_alone(container: Container, tmp_path: Path) -> None:
    with container.sessions() as session, session.begin():
        session.add(College(code="DEMO01", name="某学院"))
    with pytest.raises(Conflict, match="DEMO01"):
        seed_demo(container, today=TODAY, accounts_path=tmp_path / "a.json")
    assert table_counts(container)["colleges"] == 1
