"""Every write by staff lands in the audit log with who did it and what changed; admins can read it back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from bot.container import Container
from models import AuditLog, Employer, Graduate, Posting
from models.db import transaction
from tests.api.conftest import School, bearer, cookie_login

pytestmark = pytest.mark.usefixtures("school")


def audit_rows(container: Container, action: str) -> list[AuditLog]:
    with container.sessions() as s:
        return list(s.scalars(sa.select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


@pytest.fixture
def posting(container: Container) -> int:
    with transaction(container.sessions) as s:
        employer = Employer(name="东湖软件")
        s.add(employer)
        s.flush()
        row = Posting(posting_key="p-1", employer_id=employer.id, title="Java 开发", place_text="武汉")
        s.add(row)
        s.flush()
        return row.id


def test_graduate_patch_is_audited_with_actor_and_changes(
    client: TestClient, container: Container, school: School
) -> None:
    gid = school.graduates["2022010102"]
    csrf = cookie_login(client, "fdy1")
    response = client.patch(
        f"/api/v1/graduates/{gid}", json={"needs_attention": True, "unsubscribed": False}, headers=csrf
    )
    assert response.status_code == 200
    [row] = audit_rows(container, "graduate.update")
    assert (row.actor, row.actor_user_id, row.object_type, row.object_id) == (
        "fdy1",
        school.users["fdy1"],
        "graduate",
        str(gid),
    )
    # Only what really changed is recorded (unsubscribed was already false).
    assert row.detail == {"student_no": "2022010102", "changes": {"needs_attention": [False, True]}}
    assert row.ip == "testclient"
    with container.sessions() as s:
        graduate = s.get(Graduate, gid)
        assert graduate is not None and graduate.needs_attention is True
    # Saying the same again changes nothing and writes nothing.
    assert client.patch(f"/api/v1/graduates/{gid}", json={"needs_attention": True}, headers=csrf).status_code == 200
    assert len(audit_rows(container, "graduate.update")) == 1


def test_bad_patches_change_nothing(client: TestClient, container: Container, school: School) -> None:
    headers = bearer(client, "fdy1")
    url = f"/api/v1/graduates/{school.graduates['2022010101']}"
    empty = client.patch(url, json={}, headers=headers)
    assert empty.status_code == 422 and "没有要修改的字段" in empty.json()["detail"]
    foreign = client.patch(url, json={"name": "改名"}, headers=headers)
    assert foreign.status_code == 422 and "name：不支持该字段" in foreign.json()["detail"]
    null = client.patch(url, json={"needs_attention": None}, headers=headers)
    assert null.status_code == 422 and "不能为空" in null.json()["detail"]
    wrong_type = client.patch(url, json={"needs_attention": "maybe"}, headers=headers)
    assert wrong_type.status_code == 422 and "true 或 false" in wrong_type.json()["detail"]
    assert audit_rows(container, "graduate.update") == []


def test_posting_review_is_audited(client: TestClient, container: Container, posting: int) -> None:
    headers = bearer(client, "xy01")
    no_reason = client.post(f"/api/v1/postings/{posting}/review", json={"decision": "reject"}, headers=headers)
    assert no_reason.status_code == 422 and "填写原因" in no_reason.json()["detail"]
    assert audit_rows(container, "posting.review") == []
    bad = client.post(f"/api/v1/postings/{posting}/review", json={"decision": "maybe"}, headers=headers)
    assert bad.status_code == 422 and "必须是以下之一" in bad.json()["detail"]
    ok = client.post(
        f"/api/v1/postings/{posting}/review", json={"decision": "reject", "note": "  薪资不明  "}, headers=headers
    )
    assert ok.status_code == 200
    assert (ok.json()["review_state"], ok.json()["review_note"]) == ("rejected", "薪资不明")
    [row] = audit_rows(container, "posting.review")
    assert row.actor == "xy01" and row.object_id == str(posting)
    assert row.detail == {"decision": "reject", "from": "pending", "to": "rejected", "note": "薪资不明"}
    with container.sessions() as s:
        stored = s.get(Posting, posting)
        assert stored is not None and stored.review_state == "rejected"


def test_logins_and_logouts_are_audited(client: TestClient, container: Container, school: School) -> None:
    client.post("/api/v1/auth/login", json={"username": "admin", "password": "Wrong-password-1"})
    headers = bearer(client, "admin")
    client.post("/api/v1/auth/logout", headers=headers)
    failure, success, logout = (
        audit_rows(container, "login.failure"),
        audit_rows(container, "login.success"),
        audit_rows(container, "logout"),
    )
    assert [(r.actor, r.detail["reason"], r.ip) for r in failure] == [("admin", "bad_password", "testclient")]
    assert [(r.actor, r.actor_user_id) for r in success] == [("admin", school.users["admin"])]
    assert [(r.actor, r.detail) for r in logout] == [("admin", {"kind": "session"})]


def test_admin_reads_the_audit_log_with_filters(client: TestClient, container: Container, school: School) -> None:
    client.post("/api/v1/auth/login", json={"username": "fdy1", "password": "Wrong-password-1"})
    fdy1 = bearer(client, "fdy1")
    client.patch(f"/api/v1/graduates/{school.graduates['2022010101']}", json={"needs_attention": True}, headers=fdy1)
    admin = bearer(client, "admin")

    def read(**params: object) -> dict[str, object]:
        response = client.get("/api/v1/audit", headers=admin, params=params)
        assert response.status_code == 200, response.text
        body: dict[str, object] = response.json()
        return body

    everything = read(limit=200)
    actions = [item["action"] for item in everything["items"]]  # type: ignore[index, union-attr]
    assert actions[0] == "login.success"  # newest first: the admin's own login
    assert {"user.create", "login.failure", "login.success", "graduate.update"} <= set(actions)
    logins = read(action="login.")
    assert {i["action"] for i in logins["items"]} == {"login.failure", "login.success"}  # type: ignore[union-attr, index]
    by_fdy1 = read(actor="fdy1", action="graduate.update")
    [item] = by_fdy1["items"]  # type: ignore[misc]
    assert item["object_id"] == str(school.graduates["2022010101"])
    assert item["detail"]["changes"] == {"needs_attention": [False, True]}
    page = read(limit=2, offset=1)
    assert page["total"] == everything["total"] and len(page["items"]) == 2  # type: ignore[arg-type]
    # Times without an offset are Beijing time: 10:00 in Beijing is 02:00 UTC.
    with transaction(container.sessions) as s:
        s.add(
            AuditLog(at=datetime(2026, 6, 1, 2, 0, tzinfo=UTC), actor="system", action="test.marker", object_type="x")
        )
    assert read(action="test.marker", since="2026-06-01T10:00:00")["total"] == 1
    assert read(action="test.marker", since="2026-06-01T10:00:01")["total"] == 0
    assert read(action="test.marker", since="2026-06-01T02:00:00Z", until="2026-06-01T02:00:01Z")["total"] == 1
    bad = client.get("/api/v1/audit", headers=admin, params={"since": "昨天"})
    assert bad.status_code == 422 and "ISO 8601" in bad.json()["detail"]
    assert client.get("/api/v1/audit", headers=fdy1).status_code == 403
    assert client.get("/api/v1/audit", headers=bearer(client, "xy01")).status_code == 403
