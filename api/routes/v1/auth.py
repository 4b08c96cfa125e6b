"""Login and logout for staff, and who the caller is (`/api/v1/auth/*`, `/api/v1/me`)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from sqlalchemy.orm import Session

from api.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    ClientIp,
    ContainerDep,
    CredentialDep,
    CurrentStaff,
    SessionDep,
)
from api.schemas.common import Ref
from api.schemas.staff import LoginIn, LoginOut, StaffOut
from bot.access.rules import ROLE_LABELS, StaffPrincipal
from bot.services import auth
from models import College, SchoolClass

router = APIRouter(tags=["登录与账号"])

_AUTH_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"description": "用户名或密码错误，或未登录"},
    423: {"description": "连续失败次数过多，账号已锁定"},
}


def staff_out(session: Session, principal: StaffPrincipal) -> StaffOut:
    college = session.get(College, principal.college_id) if principal.college_id else None
    classes = [session.get(SchoolClass, cid) for cid in sorted(principal.class_ids)]
    return StaffOut(
        id=principal.user_id,
        username=principal.username,
        display_name=principal.display_name,
        role=principal.role,
        role_label=ROLE_LABELS[principal.role],
        college=Ref(id=college.id, name=college.name) if college else None,
        classes=[Ref(id=c.id, name=c.name) for c in classes if c is not None],
    )


@router.post("/auth/login", responses=_AUTH_ERRORS)
def login(
    body: LoginIn, request: Request, response: Response, container: ContainerDep, db: SessionDep, ip: ClientIp
) -> LoginOut:
    """用户名和密码登录。默认设置会话 Cookie（HttpOnly、SameSite=Lax）和 CSRF Cookie；token=true 时改为返回令牌。"""
    issued = auth.login(container, body.username, body.password, ip)
    user = staff_out(db, issued.principal)
    if body.token:
        return LoginOut(user=user, expires_at=issued.expires_at, token=issued.token)
    csrf = auth.csrf_token_for(container.settings.secret_key_value(), issued.token)
    secure = request.url.scheme == "https"
    max_age = container.settings.session_hours * 3600
    response.set_cookie(
        SESSION_COOKIE, issued.token, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/"
    )
    # Readable by the console's script on purpose: it echoes the value in the X-CSRF-Token header.
    response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, httponly=False, samesite="lax", secure=secure, path="/")
    return LoginOut(user=user, expires_at=issued.expires_at, csrf_token=csrf)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, responses={401: {"description": "未登录"}})
def logout(
    _principal: CurrentStaff, credential: CredentialDep, container: ContainerDep, ip: ClientIp, response: Response
) -> None:
    """注销当前会话（或吊销当前使用的令牌），并清除 Cookie。"""
    auth.logout(container, credential.token, ip)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    response.delete_cookie(CSRF_COOKIE, path="/", samesite="lax")


@router.get("/me", responses={401: {"description": "未登录"}})
def me(principal: CurrentStaff, db: SessionDep) -> StaffOut:
    """当前登录的用户、角色和负责范围。"""
    return staff_out(db, principal)
