"""`/m/{token}`: the page a graduate opens from a message: their current matches, with the chat's feedback buttons.

The signed, expiring token in the path is the credential (`bot.security.links`). Feedback is a plain HTML form POSTed to
`/m/{token}/feedback` (no script needed, works in WeChat's built-in browser). Forms carry a nonce: an HMAC of the
token under the secret key, with its own time stamp, issued when the page is rendered. A cross-site page that
learned a token could still not forge the nonce, and cannot read it out of our page (same-origin policy; the page
may not be framed: CSP frame-ancestors 'none'). The token never leaves through a Referer (no-referrer), and the page
is not cached. A forged token gets a friendly page with 403, an expired one 410.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from api.deps import ContainerDep
from bot.container import Container
from bot.domain import FeedbackKind
from bot.errors import InvalidInput, NotFound
from bot.security.links import LinkClaims, LinkError
from bot.services import match_cards, mobile_feedback
from bot.storage.writes import write_session
from models import Graduate

router = APIRouter(tags=["mobile"], include_in_schema=False)

_API = Path(__file__).resolve().parents[1]
_templates = Jinja2Templates(directory=_API / "templates")
_STATIC = _API / "static" / "mobile"
_ASSETS = {"mobile.css": "text/css; charset=utf-8"}
_CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'"
)
_NONCE_SALT = "jiuye-mobile-form"
NONCE_MAX_AGE_S = 12 * 3600


def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = _CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return _headers(_templates.TemplateResponse(request, name, context, status_code=status))


def _problem(request: Request, title: str, message: str, status: int) -> Response:
    return _page(request, "mobile_error.html", {"title": title, "message": message}, status)


def _nonces(c: Container) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(c.settings.secret_key_value(), salt=_NONCE_SALT)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def _nonce_ok(c: Container, token: str, nonce: str) -> bool:
    try:
        value = _nonces(c).loads(nonce, max_age=NONCE_MAX_AGE_S)
    except (BadSignature, SignatureExpired):
        return False
    return bool(value == _digest(token))


def _claims(c: Container, token: str) -> LinkClaims | tuple[str, str, int]:
    """The token's claims, or (title, message, status) for the error page."""
    try:
        return c.links.verify(token)
    except LinkError as exc:
        expired = isinstance(exc.__cause__, SignatureExpired)
        return ("链接已过期" if expired else "链接无效", str(exc), 410 if expired else 403)


@router.get("/m/static/{name}")
def mobile_asset(name: str) -> FileResponse:
    media_type = _ASSETS.get(name)
    if media_type is None:
        raise NotFound(f"没有这个文件：{name[:64]}")
    return FileResponse(_STATIC / name, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})


@router.get("/m/{token}", response_class=HTMLResponse)
def mobile_page(request: Request, token: str, c: ContainerDep, ok: str | None = None, t: str | None = None) -> Response:
    claims = _claims(c, token)
    if not isinstance(claims, LinkClaims):
        return _problem(request, *claims)
    with c.sessions() as session:
        graduate = session.get(Graduate, claims.graduate_id)
        if graduate is None:
            return _problem(request, "找不到你的记录", "该链接对应的毕业生记录已不存在，请联系辅导员。", 404)
        cards = match_cards.cards_of(session, graduate.id)
        name = graduate.name
    flash = None
    if ok in {k.value for k in FeedbackKind}:
        flash = f"已记下：{mobile_feedback.KIND_LABELS[FeedbackKind(ok)]}" + (f"（{t[:60]}）" if t else "")
    context = {
        "token": token,
        "name": name,
        "cards": cards,
        "page": claims.page,
        "nonce": _nonces(c).dumps(_digest(token)),
        "flash": flash,
        "reasons": [(r.value, label) for r, label in mobile_feedback.REASON_LABELS.items()],
        "kind_labels": {k.value: v for k, v in mobile_feedback.KIND_LABELS.items()},
    }
    return _page(request, "mobile.html", context)


@router.post("/m/{token}/feedback", response_class=HTMLResponse)
def mobile_feedback_post(
    request: Request,
    token: str,
    c: ContainerDep,
    posting_id: Annotated[int, Form()],
    kind: Annotated[str, Form(max_length=16)],
    nonce: Annotated[str, Form(max_length=256)],
    reason: Annotated[str | None, Form(max_length=32)] = None,
    reason_text: Annotated[str | None, Form(max_length=400)] = None,
) -> Response:
    claims = _claims(c, token)
    if not isinstance(claims, LinkClaims):
        return _problem(request, *claims)
    if not _nonce_ok(c, token, nonce):
        return _problem(request, "页面已过期", "页面打开太久或来源不明，请返回刷新页面后再提交。", 403)
    try:
        with write_session(c.db) as session:
            title = mobile_feedback.record(
                session, claims.graduate_id, posting_id, kind, reason_tag=reason or None, reason_text=reason_text,
                now=c.clock.now(),
            )  # fmt: skip
    except InvalidInput as exc:
        return _problem(request, "提交的内容有误", str(exc), 422)
    except NotFound as exc:
        return _problem(request, "岗位不在列表中", str(exc), 404)
    # Post/redirect/get, to a relative URL so that it stays right behind a TLS-terminating proxy.
    target = f"/m/{token}?{urlencode({'ok': kind, 't': title})}#p{posting_id}"
    return _headers(RedirectResponse(target, status_code=303))
