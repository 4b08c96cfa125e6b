"""What every page of the staff console (/admin) shares: the signed-in staff member, CSRF on form posts, the
templates, and errors rendered as pages (a login redirect, a Chinese 403/404/422 page) instead of JSON.

Authentication is the API's: the `jiuye_session` cookie checked by `bot.services.auth.authenticate`. A form post
must carry the CSRF value bound to that session, either in the `X-CSRF-Token` header (script) or in the hidden
form field `csrf_token` (plain HTML forms); both are checked with the same HMAC as the API's header.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit
from zoneinfo import ZoneInfo

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from api.deps import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, ContainerDep
from bot import errors
from bot.access.rules import ROLE_LABELS, StaffPrincipal, ensure_role
from bot.container import Container
from bot.domain import Role
from bot.services import auth

CSRF_FIELD = "csrf_token"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_API = Path(__file__).resolve().parents[1]
STATIC_DIR = _API / "static" / "admin"
templates = Jinja2Templates(directory=_API / "templates")
# Everything comes from this origin: no CDN, no inline script, no web fonts from the internet (intranets).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
NAV: tuple[tuple[str, str, str, frozenset[Role] | None], ...] = (
    ("dashboard", "工作台", "/admin", None),
    ("graduates", "毕业生", "/admin/graduates", None),
    ("postings", "岗位", "/admin/postings", None),
    ("matching", "匹配记录", "/admin/match-runs", None),
    ("outbox", "推送", "/admin/outbox", None),
    ("stats", "统计", "/admin/stats", None),
    ("imports", "导入", "/admin/imports", frozenset({Role.ADMIN, Role.COLLEGE})),
    ("audit", "审计", "/admin/audit", frozenset({Role.ADMIN})),
)


# ------------------------------------------------------------------------------------------ the staff member


async def _submitted_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if "form" not in content_type:
        return None
    form = await request.form()  # cached by Starlette: the route's own Form/File parameters read the same parse
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else None


async def admin_staff(request: Request, container: ContainerDep) -> StaffPrincipal:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise errors.LoginFailed(auth.NOT_AUTHENTICATED)
    principal = await run_in_threadpool(auth.authenticate, container, token)
    request.state.staff = principal
    if request.method in _UNSAFE:
        secret = container.settings.secret_key_value()
        if not auth.csrf_matches(secret, token, request.cookies.get(CSRF_COOKIE), await _submitted_csrf(request)):
            raise errors.Forbidden("页面已过期或来源不明（CSRF 校验失败），请刷新页面后重试")
    return principal


Staff = Annotated[StaffPrincipal, Depends(admin_staff)]


def roles(*allowed: Role) -> Callable[[StaffPrincipal], StaffPrincipal]:
    def dependency(principal: Staff) -> StaffPrincipal:
        ensure_role(principal, *allowed)
        return principal

    return dependency


AdminOnly = Annotated[StaffPrincipal, Depends(roles(Role.ADMIN))]
Reviewer = Annotated[StaffPrincipal, Depends(roles(Role.ADMIN, Role.COLLEGE))]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


# ------------------------------------------------------------------------------------------------ rendering


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    active: str = "",
) -> Response:
    container: Container = request.app.state.container
    principal: StaffPrincipal | None = getattr(request.state, "staff", None)
    token = request.cookies.get(SESSION_COOKIE)
    csrf = auth.csrf_token_for(container.settings.secret_key_value(), token) if token and principal else ""
    base = {
        "staff": principal,
        "role_label": ROLE_LABELS[principal.role] if principal else "",
        "nav": nav_for(principal, active),
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf,
        "tz": container.settings.schedule.timezone,
        "k": container.settings.matching.k,
    }
    response = templates.TemplateResponse(request, f"admin/{name}", {**base, **context}, status_code=status_code)
    secure_headers(response)
    return response


def secure_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    # Pages carry personal data: never kept by a shared computer's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def nav_for(principal: StaffPrincipal | None, active: str) -> list[dict[str, Any]]:
    if principal is None:
        return []
    return [
        {"key": key, "label": label, "href": href, "active": key == active}
        for key, label, href, allowed in NAV
        if allowed is None or principal.role in allowed
    ]


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(value: str | None) -> str:
    """Only a path inside the console: never another site (an open redirect would help phishing)."""
    if value and value.startswith("/admin") and not value.startswith("//") and "\\" not in value:
        return value
    return "/admin"


# ------------------------------------------------------------------------------------------ errors as pages

_PAGE_ERRORS: tuple[tuple[type[errors.JiuyeError], int, str], ...] = (
    (errors.Forbidden, 403, "无权访问"),
    (errors.NotFound, 404, "找不到"),
    (errors.InvalidInput, 422, "输入有误"),
    (errors.Conflict, 409, "无法完成"),
    (errors.ImportFileError, 422, "文件无法导入"),
)


def error_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, errors.LoginFailed):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            # A form post cannot be replayed after login: come back to the page the form was on.
            target = _same_site_path(request, request.headers.get("referer"))
        return redirect("/admin/login?next=" + quote(safe_next(target)))
    if isinstance(exc, RequestValidationError):
        problems = [_validation_message(e) for e in exc.errors()]
        return render(request, "error.html", {"title": "输入有误", "problems": problems}, status_code=422)
    for cls, status, title in _PAGE_ERRORS:
        if isinstance(exc, cls):
            problems = exc.problems if isinstance(exc, errors.InvalidInput) else [str(exc)]
            return render(request, "error.html", {"title": title, "problems": problems}, status_code=status)
    raise exc


def _same_site_path(request: Request, url: str | None) -> str:
    if not url:
        return "/admin"
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.url.netloc:
        return "/admin"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _validation_message(error: dict[str, Any]) -> str:
    where = "、".join(str(part) for part in error.get("loc", ())[1:]) or "请求"
    return f"参数 {where} 的值无效"


class AdminRoute(APIRoute):
    """Routes whose failures are pages for a person, not JSON for a program."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except (errors.JiuyeError, RequestValidationError) as exc:
                return error_page(request, exc)

        return page_handler


# --------------------------------------------------------------------------------------- template helpers


@pass_context
def _local_time(ctx: Context, value: datetime | date | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(ctx.get("tz") or "Asia/Shanghai")).strftime(fmt)
    return value.strftime("%Y-%m-%d")


def _percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def _query(params: dict[str, Any], **changes: Any) -> str:
    """The current filters with some changed, as a query string (empty values dropped)."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "", False)})


def _pretty_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


def _join(values: Iterable[Any], sep: str = "、") -> str:
    return sep.join(str(v) for v in values if v not in (None, ""))


templates.env.filters["local"] = _local_time
templates.env.filters["pct"] = _percent
templates.env.filters["pretty_json"] = _pretty_json
templates.env.filters["joined"] = _join
templates.env.globals["query"] = _query
