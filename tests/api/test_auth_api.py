"""Login over HTTP: cookie flags, bearer tokens, CSRF on cookie writes, and the 401/403/423 answers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from bot.clock import FakeClock
from bot.container import Container
from tests.api.conftest import PASSWORD, School, bearer, cookie_login

pytestmark = pytest.mark.usefixtures("school")


def set_cookies(response_headers: list[str]) -> dict[str, str]:
    """Set-Cookie headers by cookie name, lower-cased for attribute checks."""
    return {h.split("=", 1)[0]: h.lower() for h in response_headers}


def test_cookie_login_sets_httponly_samesite_cookies(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", json={"username": "fdy1", "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token"] is None and body["user"]["username"] == "fdy1"
    assert body["user"]["role"] == "counselor" and body["user"]["role_label"] == "辅导员"
    assert [c["name"] for c in body["user"]["classes"]] == ["计应2201"]
    cookies = set_cookies(response.headers.get_list("set-cookie"))
    session = cookies[SESSION_COOKIE]
    assert "httponly" in session and "samesite=lax" in session and "path=/" in session
    assert "secure" not in session  # plain http in tests; see the https case below
    csrf = cookies[CSRF_COOKIE]
    assert "httponly" not in csrf and "samesite=lax" in csrf
    assert body["csrf_token"] == client.cookies[CSRF_COOKIE]
    me = client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["username"] == "fdy1"


def test_cookies_are_secure_over_https(container: Container) -> None:
    with TestClient(create_app(container), base_url="https://testserver") as client:
        response = client.post("/api/v1/auth/login", json={"username": "fdy1", "password": PASSWORD})
    cookies = set_cookies(response.headers.get_list("set-cookie"))
    assert "secure" in cookies[SESSION_COOKIE] and "secure" in cookies[CSRF_COOKIE]


def test_token_login_returns_a_bearer_token_and_no_cookie(client: TestClient, school: School) -> None:
    response = client.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD, "token": True})
    assert response.status_code == 200
    assert response.headers.get_list("set-cookie") == []
    token = response.json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json() == {
        "id": school.users["admin"],
        "username": "admin",
        "display_name": "admin",
        "role": "admin",
        "role_label": "管理员",
        "college": None,
        "classes": [],
    }


def test_no_or_bad_credentials_is_401(client: TestClient) -> None:
    missing = client.get("/api/v1/me")
    assert missing.status_code == 401 and "未登录" in missing.json()["detail"]
    forged = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401 and "重新登录" in forged.json()["detail"]
    client.cookies.set(SESSION_COOKIE, "not-a-session")
    assert client.get("/api/v1/graduates").status_code == 401


def test_wrong_password_and_unknown_user_are_the_same_401(client: TestClient) -> None:
    wrong = client.post("/api/v1/auth/login", json={"username": "fdy1", "password": "Wrong-password-1"})
    unknown = client.post("/api/v1/auth/login", json={"username": "ghost", "password": "Wrong-password-1"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "用户名或密码错误"}


def test_lockout_is_423_until_the_clock_passes_it(client: TestClient, container: Container, clock: FakeClock) -> None:
    attempt = {"username": "fdy2", "password": "Wrong-password-1"}
    codes = [client.post("/api/v1/auth/login", json=attempt).status_code for _ in range(5)]
    assert codes == [401, 401, 401, 401, 423]
    locked = client.post("/api/v1/auth/login", json={"username": "fdy2", "password": PASSWORD})
    assert locked.status_code == 423
    assert "账号已锁定" in locked.json()["detail"] and "2026-06-01 10:15" in locked.json()["detail"]
    clock.advance(minutes=container.settings.login_lock_minutes, seconds=1)
    assert client.post("/api/v1/auth/login", json={"username": "fdy2", "password": PASSWORD}).status_code == 200


def test_cookie_writes_need_the_csrf_header(client: TestClient, school: School) -> None:
    csrf = cookie_login(client, "fdy1")
    url = f"/api/v1/graduates/{school.graduates['2022010101']}"
    assert client.get(url).status_code == 200  # reads need no CSRF token
    missing = client.patch(url, json={"needs_attention": True})
    assert missing.status_code == 403 and "CSRF" in missing.json()["detail"]
    wrong = client.patch(url, json={"needs_attention": True}, headers={CSRF_HEADER: "0" * 64})
    assert wrong.status_code == 403
    # A cookie value copied from another session does not fit this one.
    with TestClient(client.app) as other:
        other_csrf = cookie_login(other, "fdy1")
    stolen = client.patch(url, json={"needs_attention": True}, headers=other_csrf)
    assert stolen.status_code == 403
    ok = client.patch(url, json={"needs_attention": True}, headers=csrf)
    assert ok.status_code == 200 and ok.json()["needs_attention"] is True


def test_bearer_writes_need_no_csrf(client: TestClient, school: School) -> None:
    headers = bearer(client, "fdy1")
    url = f"/api/v1/graduates/{school.graduates['2022010101']}"
    assert client.patch(url, json={"unsubscribed": True}, headers=headers).status_code == 200


def test_logout_ends_the_session_and_clears_cookies(client: TestClient) -> None:
    csrf = cookie_login(client, "fdy1")
    assert client.post("/api/v1/auth/logout").status_code == 403  # a cookie write: CSRF applies here too
    response = client.post("/api/v1/auth/logout", headers=csrf)
    assert response.status_code == 204
    cleared = set_cookies(response.headers.get_list("set-cookie"))
    assert SESSION_COOKIE in cleared and (
        "max-age=0" in cleared[SESSION_COOKIE] or "expires=" in cleared[SESSION_COOKIE]
    )
    assert client.get("/api/v1/me").status_code == 401


def test_logout_with_bearer_revokes_the_token(client: TestClient) -> None:
    headers = bearer(client, "admin")
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_role_gate_is_403(client: TestClient, school: School) -> None:
    counselor = bearer(client, "fdy1")
    assert client.get("/api/v1/audit", headers=counselor).status_code == 403
    review = client.post(
        f"/api/v1/postings/{1}/review", json={"decision": "approve"}, headers=counselor
    )  # role is checked before the posting is looked up
    assert review.status_code == 403 and "学院就业负责人" in review.json()["detail"]


def test_bad_login_body_gets_a_chinese_422(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", json={"username": "fdy1"})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "请求有误：请求体 password：缺少必填项"
    assert body["errors"] == [{"loc": ["body", "password"], "msg": "缺少必填项"}]
    extra = client.post("/api/v1/auth/login", json={"username": "fdy1", "password": "x", "role": "admin"})
    assert extra.status_code == 422 and "不支持该字段" in extra.json()["detail"]


def test_openapi_documents_auth(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    assert schemes["APIKeyCookie"]["name"] == SESSION_COOKIE
    for path in ("/api/v1/auth/login", "/api/v1/me", "/api/v1/graduates/{graduate_id}", "/api/v1/audit"):
        assert path in spec["paths"]
    login_fields = spec["components"]["schemas"]["LoginIn"]["properties"]
    assert login_fields["username"]["description"] == "用户名"
