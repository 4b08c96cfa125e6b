"""Dependency aliases for routes: `def route(c: ContainerDep, db: SessionDep)`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from bot.access.rules import StaffPrincipal, ensure_role
from bot.container import Container
from bot.domain import Role
from bot.errors import Forbidden, LoginFailed
from bot.services import auth


async def get_container(request: Request) -> Container:
    # async on purpose: FastAPI runs a plain `def` dependency in the thread pool, a hop that costs more than this.
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def get_session(container: ContainerDep) -> Iterator[Session]:
    with container.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


# ------------------------------------------------------------------------------------------ staff authentication
# A staff request carries either `Authorization: Bearer <token>` (scripts; no CSRF risk since browsers never add
# it on their own) or the `jiuye_session` cookie (the web console). Cookie requests that change state must also
# send the `X-CSRF-Token` header equal to the `jiuye_csrf` cookie, and that value must be the HMAC of the session
# token under the secret key: a cross-site page can neither read the cookie nor forge the value.

SESSION_COOKIE = "jiuye_session"
CSRF_COOKIE = "jiuye_csrf"
CSRF_HEADER = "X-CSRF-Token"
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_bearer_scheme = HTTPBearer(auto_error=False, description="API 令牌或登录令牌：Authorization: Bearer <token>")
_cookie_scheme = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="网页登录会话 Cookie")


@dataclass(frozen=True, slots=True)
class StaffCredential:
    token: str
    via: Literal["bearer", "cookie"]


def staff_credential(
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
    cookie: Annotated[str | None, Depends(_cookie_scheme)],
) -> StaffCredential:
    if bearer is not None:
        return StaffCredential(bearer.credentials, "bearer")
    if cookie:
        return StaffCredential(cookie, "cookie")
    raise LoginFailed("未登录：请先登录，或在 Authorization 请求头中提供 API 令牌")


CredentialDep = Annotated[StaffCredential, Depends(staff_credential)]


def current_staff(request: Request, credential: CredentialDep, container: ContainerDep) -> StaffPrincipal:
    principal = auth.authenticate(container, credential.token)
    if credential.via == "cookie" and request.method in _UNSAFE_METHODS:
        secret = container.settings.secret_key_value()
        cookie, header = request.cookies.get(CSRF_COOKIE), request.headers.get(CSRF_HEADER)
        if not auth.csrf_matches(secret, credential.token, cookie, header):
            raise Forbidden(f"缺少或错误的 CSRF 令牌：Cookie 登录的写操作须在 {CSRF_HEADER} 请求头中带上 {CSRF_COOKIE}")
    return principal


CurrentStaff = Annotated[StaffPrincipal, Depends(current_staff)]


def require_roles(*roles: Role) -> Callable[[StaffPrincipal], StaffPrincipal]:
    """A dependency admitting only these roles: `Annotated[StaffPrincipal, Depends(require_roles(Role.ADMIN))]`."""

    def dependency(principal: CurrentStaff) -> StaffPrincipal:
        ensure_role(principal, *roles)
        return principal

    return dependency


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


ClientIp = Annotated[str | None, Depends(client_ip)]
