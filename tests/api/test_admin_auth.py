"""Signing in and out of the web console: the login form, lockout, safe redirects, and CSRF on every form post."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.deps import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from api.routes.admin_auth import LOGIN_CSRF_COOKIE
from bot.container import Container
from bot.domain import ReviewState
from models import AuditLog, Employer, Posting, StaffToken
from models.db import transaction
from tests.api.conftest import PASSWORD, cookie_login

pytestmark = pytest.mark.usefixtures("school")


def login_token(client: TestClient, url: str = "/admin/login") -> str:
    page = client.get(url)
    assert page.status_code == 200, page.text
    found = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def form_login(client: TestClient, username: str, password: str = PASSWORD, next_url: str = "/admin") -> str:
    """Sign in through the HTML form; returns the CSRF value that form posts must echo."""
    token = login_token(client)
    response = client.post(
        "/admin/login",
        data={"username": username, "password": password, "login_token": token, "next": next_url},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client.cookies[CSRF_COOKIE]


def add_posting(container: Container, *, review: ReviewState = ReviewState.PENDING, flags: tuple[str, ...] = ()) -> int:
    with transaction(container.sessions) as session:
        employer = session.scalars(sa.select(Employer).where(Employer.name == "华工激光")).one_or_none()
        if employer is None:
            employer = Employer(name="华工激光", nature_code="39", industry_code="22", adcode="420100")
            session.add(employer)
            session.flush()
        posting = Posting(
            posting_key=f"p-{review.value}-{len(flags)}-{employer.id}",
            employer_id=employer.id,
            title="激光设备工程师",
            description="负责设备调试" + ("，限男性" if flags else ""),
            place_text="武汉",
            adcode="420100",
            review_state=review,
            flags={"discrimination": list(flags)} if flags else {},
        )
        session.add(posting)
        session.flush()
        return posting.id


def test_pages_send_a_signed_out_visitor_to_the_login_form(client: TestClient) -> None:
    for url in ("/admin", "/admin/graduates?status=placed", "/admin/stats", "/admin/audit"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303, url
        assert response.headers["location"] == "/admin/login?next=" + quote(url), url


def test_form_login_opens_the_console_where_asked(client: TestClient) -> None:
    token = login_token(client, "/admin/login?next=/admin/stats")
    response = client.post(
        "/admin/login",
        data={"username": "FDY1 ", "password": PASSWORD, "login_token": token, "next": "/admin/stats"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/admin/stats"
    cookies = {h.split("=", 1)[0]: h.lower() for h in response.headers.get_list("set-cookie")}
    assert "httponly" in cookies[SESSION_COOKIE] and "samesite=lax" in cookies[SESSION_COOKIE]
    assert "httponly" not in cookies[CSRF_COOKIE]
    page = client.get("/admin")
    assert page.status_code == 200 and "班班清" in page.text and "辅导员" in page.text
    assert (
        page.headers["cache-control"] == "no-store" and "script-src 'self'" in page.headers["content-security-policy"]
    )
    # A signed-in visitor of the login form goes straight back to the console.
    again = client.get("/admin/login", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/admin"


def test_wrong_password_then_lockout_is_shown_in_chinese(client: TestClient, container: Container) -> None:
    limit = container.settings.login_max_failures
    for _ in range(limit - 1):
        token = login_token(client)
        response = client.post("/admin/login", data={"username": "fdy2", "password": "nope", "login_token": token})
        assert response.status_code == 401 and "用户名或密码错误" in response.text
        assert 'value="fdy2"' in response.text  # what was typed is kept
    token = login_token(client)
    locked = client.post("/admin/login", data={"username": "fdy2", "password": "nope", "login_token": token})
    assert locked.status_code == 423 and "账号已锁定" in locked.text
    token = login_token(client)
    right = client.post("/admin/login", data={"username": "fdy2", "password": PASSWORD, "login_token": token})
    assert right.status_code == 423 and SESSION_COOKIE not in client.cookies
    with container.sessions() as session:
        actions = session.scalars(sa.select(AuditLog.action).where(AuditLog.actor == "fdy2")).all()
    assert "login.lockout" in actions and "login.refused_locked" in actions


def test_the_login_form_needs_its_own_token(client: TestClient) -> None:
    missing = client.post("/admin/login", data={"username": "admin", "password": PASSWORD})
    assert missing.status_code == 400 and "登录页面已过期" in missing.text
    login_token(client)
    forged = client.post("/admin/login", data={"username": "admin", "password": PASSWORD, "login_token": "x" * 32})
    assert forged.status_code == 400 and SESSION_COOKIE not in client.cookies
    empty = client.post("/admin/login", data={"username": " ", "password": "", "login_token": login_token(client)})
    assert empty.status_code == 422 and "请输入用户名和密码" in empty.text


@pytest.mark.parametrize("target", ["https://evil.example/admin", "//evil.example/admin", "/api/v1/me", "/admin\\x"])
def test_after_login_the_redirect_never_leaves_the_console(client: TestClient, target: str) -> None:
    token = login_token(client)
    response = client.post(
        "/admin/login",
        data={"username": "admin", "password": PASSWORD, "login_token": token, "next": target},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/admin"


def test_logout_needs_the_csrf_value_and_revokes_the_session(client: TestClient, container: Container) -> None:
    csrf = form_login(client, "fdy1")
    session_token = client.cookies[SESSION_COOKIE]
    refused = client.post("/admin/logout", data={}, follow_redirects=False)
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert client.get("/admin").status_code == 200
    done = client.post("/admin/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/admin/login?bye=1"
    assert "您已安全退出" in client.get("/admin/login?bye=1").text
    replayed = client.get("/admin", headers={"Cookie": f"{SESSION_COOKIE}={session_token}"}, follow_redirects=False)
    assert replayed.status_code == 303
    with container.sessions() as session:
        assert session.scalars(sa.select(StaffToken.revoked)).all() == [True]


def test_form_posts_check_the_csrf_value(client: TestClient, container: Container) -> None:
    posting = add_posting(container)
    csrf = form_login(client, "admin")
    url = f"/admin/postings/{posting}/review"
    assert client.post(url, data={"decision": "approve"}).status_code == 403
    assert client.post(url, data={"decision": "approve", "csrf_token": "0" * 64}).status_code == 403
    with TestClient(client.app) as other:
        other_csrf = form_login(other, "admin")
    assert other_csrf != csrf
    assert client.post(url, data={"decision": "approve", "csrf_token": other_csrf}).status_code == 403
    with container.sessions() as session:
        assert session.get_one(Posting, posting).review_state is ReviewState.PENDING
        assert session.scalar(sa.select(sa.func.count()).where(AuditLog.action == "posting.review")) == 0
    # A script may send the value in the header instead of the form, as the JSON API expects.
    ok = client.post(url, data={"decision": "approve"}, headers={CSRF_HEADER: csrf}, follow_redirects=False)
    assert ok.status_code == 303
    with container.sessions() as session:
        assert session.get_one(Posting, posting).review_state is ReviewState.APPROVED


def test_the_api_still_wants_the_csrf_header(client: TestClient, container: Container) -> None:
    posting = add_posting(container)
    headers = cookie_login(client, "admin")
    no_header = client.post(f"/api/v1/postings/{posting}/review", json={"decision": "approve"})
    assert no_header.status_code == 403
    with_header = client.post(f"/api/v1/postings/{posting}/review", json={"decision": "approve"}, headers=headers)
    assert with_header.status_code == 200


def test_the_login_token_cookie_is_scoped_and_strict(client: TestClient) -> None:
    page = client.get("/admin/login")
    cookie = next(h.lower() for h in page.headers.get_list("set-cookie") if h.startswith(LOGIN_CSRF_COOKIE))
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/admin/login" in cookie
