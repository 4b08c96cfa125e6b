"""Role and class scope on every staff route: counselors see their classes, college users their college."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from bot.access.queries import graduate_scope, principal_for
from bot.access.rules import can_see
from bot.container import Container
from bot.domain import ReviewState
from models import AuditLog, Employer, Graduate, Posting, StaffUser
from models.db import transaction
from tests.api.conftest import School, bearer

COUNSELOR1_CLASS = {"2022010101", "2022010102", "2022010103"}
COLLEGE01 = COUNSELOR1_CLASS | {"2022010201", "2022010202", "2022010999"}
EVERYONE = COLLEGE01 | {"2022020101", "2022020102"}

pytestmark = pytest.mark.usefixtures("school")


def student_nos(client: TestClient, headers: dict[str, str], **params: object) -> set[str]:
    response = client.get("/api/v1/graduates", headers=headers, params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return {g["student_no"] for g in body["items"]}


def test_counselor_lists_only_their_class(client: TestClient) -> None:
    assert student_nos(client, bearer(client, "fdy1")) == COUNSELOR1_CLASS


def test_counselor_cannot_filter_into_another_class(client: TestClient, school: School) -> None:
    headers = bearer(client, "fdy1")
    other = client.get("/api/v1/graduates", headers=headers, params={"class_id": school.classes["计应2202"]})
    assert other.status_code == 403 and "不在您负责的范围内" in other.json()["detail"]
    own = student_nos(client, headers, class_id=school.classes["计应2201"])
    assert own == COUNSELOR1_CLASS
    # Naming another college only narrows: a counselor still sees nothing outside their classes.
    assert student_nos(client, headers, college_id=school.colleges["02"]) == set()


def test_counselor_cannot_read_or_patch_another_class(client: TestClient, container: Container, school: School) -> None:
    headers = bearer(client, "fdy1")
    outsider = school.graduates["2022010201"]  # 计应2202, fdy2's class
    read = client.get(f"/api/v1/graduates/{outsider}", headers=headers)
    assert read.status_code == 403
    patch = client.patch(f"/api/v1/graduates/{outsider}", json={"needs_attention": True}, headers=headers)
    assert patch.status_code == 403
    classless = client.get(f"/api/v1/graduates/{school.graduates['2022010999']}", headers=headers)
    assert classless.status_code == 403
    with container.sessions() as s:
        graduate = s.get(Graduate, outsider)
        assert graduate is not None and graduate.needs_attention is False
        assert s.scalar(sa.select(sa.func.count()).where(AuditLog.object_type == "graduate")) == 0
    assert client.get(f"/api/v1/graduates/{school.graduates['2022010101']}", headers=headers).status_code == 200


def test_missing_graduate_is_404(client: TestClient) -> None:
    response = client.get("/api/v1/graduates/999999", headers=bearer(client, "admin"))
    assert response.status_code == 404 and "找不到毕业生" in response.json()["detail"]


def test_college_user_is_limited_to_its_college(client: TestClient, school: School) -> None:
    headers = bearer(client, "xy01")
    assert student_nos(client, headers) == COLLEGE01
    assert student_nos(client, headers, class_id=school.classes["计应2202"]) == {"2022010201", "2022010202"}
    assert (
        client.get("/api/v1/graduates", headers=headers, params={"class_id": school.classes["护理2201"]}).status_code
        == 403
    )
    assert (
        client.get("/api/v1/graduates", headers=headers, params={"college_id": school.colleges["02"]}).status_code
        == 403
    )
    nurse = school.graduates["2022020101"]
    assert client.get(f"/api/v1/graduates/{nurse}", headers=headers).status_code == 403
    assert client.patch(f"/api/v1/graduates/{nurse}", json={"unsubscribed": True}, headers=headers).status_code == 403


def test_admin_sees_all_and_filters_work(client: TestClient, school: School) -> None:
    headers = bearer(client, "admin")
    assert student_nos(client, headers) == EVERYONE
    assert student_nos(client, headers, college_id=school.colleges["02"]) == {"2022020101", "2022020102"}
    assert student_nos(client, headers, status="placed") == {"2022010101", "2022010201", "2022020101"}
    assert student_nos(client, headers, status="unplaced") == EVERYONE - {"2022010101", "2022010201", "2022020101"}
    assert student_nos(client, headers, status="50") == {"2022010201"}  # 502 rolls up to 50
    assert student_nos(client, headers, status="70") == {"2022010102", "2022020102"}
    assert student_nos(client, headers, hardship=True) == {"2022010102", "2022010103", "2022020101"}
    assert student_nos(client, headers, hardship=False) == EVERYONE - {"2022010102", "2022010103", "2022020101"}
    assert student_nos(client, headers, q="张") == {"2022010101"}
    assert student_nos(client, headers, q="20220201") == {"2022020101", "2022020102"}
    assert student_nos(client, headers, q="%") == set()  # wildcards are literal
    bad = client.get("/api/v1/graduates", headers=headers, params={"status": "99"})
    assert bad.status_code == 422 and "未知的去向筛选" in bad.json()["detail"]


def test_paging_reports_the_total(client: TestClient) -> None:
    headers = bearer(client, "admin")
    first = client.get("/api/v1/graduates", headers=headers, params={"limit": 3}).json()
    second = client.get("/api/v1/graduates", headers=headers, params={"limit": 3, "offset": 3}).json()
    assert first["total"] == second["total"] == len(EVERYONE)
    assert len(first["items"]) == len(second["items"]) == 3
    assert not {g["id"] for g in first["items"]} & {g["id"] for g in second["items"]}
    too_many = client.get("/api/v1/graduates", headers=headers, params={"limit": 1000})
    assert too_many.status_code == 422 and too_many.json()["detail"] == "请求有误：查询参数 limit：不能大于 200"


def test_personal_data_is_masked_and_only_admin_may_reveal(
    client: TestClient, container: Container, school: School
) -> None:
    url = f"/api/v1/graduates/{school.graduates['2022010101']}"
    counselor = bearer(client, "fdy1")
    masked = client.get(url, headers=counselor).json()
    assert masked["phone"] == "138****5678"
    assert masked["id_number"] == "420***********1234"
    assert masked["pii_revealed"] is False
    assert "13812345678" not in client.get(url, headers=counselor).text
    refused = client.get(url, headers=counselor, params={"reveal": 1})
    assert refused.status_code == 403 and "只有管理员" in refused.json()["detail"]
    admin = bearer(client, "admin")
    assert client.get(url, headers=admin).json()["phone"] == "138****5678"
    clear = client.get(url, headers=admin, params={"reveal": 1}).json()
    assert (clear["phone"], clear["id_number"], clear["pii_revealed"]) == ("13812345678", "420102200301011234", True)
    with container.sessions() as s:
        reveals = s.scalars(sa.select(AuditLog).where(AuditLog.action == "graduate.reveal_pii")).all()
        assert [(r.actor, r.object_id) for r in reveals] == [("admin", str(school.graduates["2022010101"]))]


def test_classes_follow_scope_with_counts(client: TestClient) -> None:
    def classes(username: str) -> dict[str, dict[str, object]]:
        response = client.get("/api/v1/classes", headers=bearer(client, username))
        assert response.status_code == 200
        return {c["name"]: c for c in response.json()}

    assert set(classes("fdy1")) == {"计应2201"}
    assert set(classes("xy01")) == {"计应2201", "计应2202"}
    everything = classes("admin")
    assert set(everything) == {"计应2201", "计应2202", "护理2201"}
    one = everything["计应2201"]
    assert (one["graduates"], one["placed"], one["hardship"]) == (3, 1, 2)
    assert one["counselor"]["name"] == "fdy1" and one["college"]["name"] == "信息工程学院"
    assert one["major"]["name"] == "计算机应用技术"


def test_sql_scope_agrees_with_the_pure_rule(container: Container, school: School) -> None:
    """For every user and every graduate, the list filter and the detail check give the same answer."""
    with container.sessions() as s:
        graduates = s.scalars(sa.select(Graduate)).all()
        staff = s.scalars(sa.select(StaffUser)).all()
        assert {u.username for u in staff} == set(school.users)
        for user in staff:
            principal = principal_for(s, user)
            listed = set(s.scalars(sa.select(Graduate.id).where(graduate_scope(principal))))
            allowed = {g.id for g in graduates if can_see(principal, college_id=g.college_id, class_id=g.class_id)}
            assert listed == allowed, user.username


@pytest.fixture
def posting(container: Container) -> int:
    with transaction(container.sessions) as s:
        employer = Employer(name="华工激光")
        s.add(employer)
        s.flush()
        row = Posting(posting_key="k1", employer_id=employer.id, title="激光设备调试工程师", place_text="武汉-洪山区")
        s.add(row)
        s.flush()
        return row.id


def test_postings_are_readable_by_all_but_reviewed_by_admin_and_college(client: TestClient, posting: int) -> None:
    for username in ("fdy1", "xy01", "admin"):
        headers = bearer(client, username)
        listing = client.get("/api/v1/postings", headers=headers, params={"q": "华工"}).json()
        assert [p["id"] for p in listing["items"]] == [posting]
        assert client.get(f"/api/v1/postings/{posting}", headers=headers).json()["title"] == "激光设备调试工程师"
    counselor = client.post(
        f"/api/v1/postings/{posting}/review", json={"decision": "approve"}, headers=bearer(client, "fdy1")
    )
    assert counselor.status_code == 403
    college = client.post(
        f"/api/v1/postings/{posting}/review",
        json={"decision": "flag", "note": "限男性"},
        headers=bearer(client, "xy01"),
    )
    assert college.status_code == 200 and college.json()["review_state"] == ReviewState.FLAGGED
    admin = bearer(client, "admin")
    flagged = client.get("/api/v1/postings", headers=admin, params={"review_state": "flagged"}).json()
    assert flagged["total"] == 1
    assert client.get("/api/v1/postings", headers=admin, params={"review_state": "approved"}).json()["total"] == 0
    assert client.get("/api/v1/postings/424242", headers=admin).status_code == 404
