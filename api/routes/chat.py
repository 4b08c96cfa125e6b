"""`GET /chat`: the web chat page (plain HTML/CSS/JS served from this app, no CDN), `?account=` picks the account.

The page talks to `POST /hooks/web/{account}` like any other channel; its user id is a random value kept in the
browser's localStorage.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from api.deps import ContainerDep
from bot.domain import ChannelKind
from bot.errors import NotFound, UnknownAccount

router = APIRouter(tags=["chat"])

_API = Path(__file__).resolve().parents[1]
_templates = Jinja2Templates(directory=_API / "templates")
_STATIC = _API / "static" / "chat"
_ASSETS = {"chat.css": "text/css; charset=utf-8", "chat.js": "text/javascript; charset=utf-8"}
_ACCOUNT = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
# Everything the page needs comes from this origin; nothing inline, nothing from a CDN.
_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'self'"


@router.get("/chat", response_class=HTMLResponse, summary="网页聊天")
def chat_page(request: Request, c: ContainerDep, account: str = "demo") -> Response:
    known = bool(_ACCOUNT.match(account))
    if known:
        try:
            c.channels.get(ChannelKind.WEB, account)
        except UnknownAccount:
            known = False
    name = "chat.html" if known else "chat_missing.html"
    response = _templates.TemplateResponse(request, name, {"account": account}, status_code=200 if known else 404)
    response.headers["Content-Security-Policy"] = _CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/chat/static/{name}", include_in_schema=False)
def chat_asset(name: str) -> FileResponse:
    media_type = _ASSETS.get(name)
    if media_type is None:
        raise NotFound(f"没有这个文件：{name[:64]}")
    return FileResponse(_STATIC / name, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})
