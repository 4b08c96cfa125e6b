"""Signing in and out of the console: the login form (with lockout messages) and logout.

The login form has its own double-submit token (a random cookie scoped to the login path, echoed in a hidden
field) so that another site cannot sign a browser into an account of the attacker's choosing (login CSRF).
A successful login sets the same cookies as `POST /api/v1/auth/login`.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.deps import CSRF_COOKIE, SESSION_COOKIE, ContainerDep
from api.routes.admin_web import AdminRoute, Staff, client_ip, redirect, render, safe_next
from bot.errors import AccountLocked, LoginFailed
from bot.services import auth

router = APIRouter(route_class=AdminRoute)

LOGIN_CSRF_COOKIE = "jiuye_login_csrf"
LOGIN_PATH = "/admin/login"
MAX_FIELD = 256


def _login_page(
    request: Request, *, next_url: str, message: str = "", username: str = "", status: int = 200
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        {"next": next_url, "message": message, "username": username, "login_token": token},
        status_code=status,
    )
    secure = request.url.scheme == "https"
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict", secure=secure, path=LOGIN_PATH
    )
    return response


@router.get("/login")
async def login_form(request: Request, container: ContainerDep, next: str | None = None) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            await run_in_threadpool(auth.authenticate, container, token)
            return redirect(safe_next(next))
        except LoginFailed:
            pass  # an expired session: show the form
    notice = "您已安全退出。" if request.query_params.get("bye") else ""
    return _login_page(request, next_url=safe_next(next), message=notice)


@router.post("/login")
async def login_submit(
    request: Request,
    container: ContainerDep,
    username: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    password: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    login_token: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    next: Annotated[str, Form(max_length=1024)] = "/admin",
) -> Response:
    target = safe_next(next)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, login_token):
        message = "登录页面已过期，请重新输入用户名和密码后登录。"
        return _login_page(request, next_url=target, message=message, username=username, status=400)
    if not username.strip() or not password:
        return _login_page(request, next_url=target, message="请输入用户名和密码。", username=username, status=422)
    try:
        issued = await run_in_threadpool(auth.login, container, username, password, client_ip(request))
    except AccountLocked as exc:
        return _login_page(request, next_url=target, message=str(exc), username=username, status=423)
    except LoginFailed as exc:
        return _login_page(request, next_url=target, message=str(exc), username=username, status=401)
    response = redirect(target)
    secure = request.url.scheme == "https"
    max_age = container.settings.session_hours * 3600
    csrf = auth.csrf_token_for(container.settings.secret_key_value(), issued.token)
    response.set_cookie(
        SESSION_COOKIE, issued.token, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/"
    )
    response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, httponly=False, samesite="lax", secure=secure, path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
    return response


@router.post("/logout")
async def logout(request: Request, _staff: Staff, container: ContainerDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    await run_in_threadpool(auth.logout, container, token, client_ip(request))
    response = redirect(f"{LOGIN_PATH}?bye=1")
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    response.delete_cookie(CSRF_COOKIE, path="/", samesite="lax")
    return response
