"""The staff web console under /admin: server-rendered pages (Jinja2 templates in api/templates/admin, CSS and
JS in api/static/admin, served from this app: schools run on intranets, so nothing comes from a CDN).

Each area lives in its own module; this one assembles them and serves the console's static files.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.routes import (
    admin_auth,
    admin_dashboard,
    admin_graduates,
    admin_imports,
    admin_postings,
    admin_records,
    admin_stats,
)
from api.routes.admin_web import STATIC_DIR
from bot.errors import NotFound

router = APIRouter(include_in_schema=False)

_ASSETS = {"admin.css": "text/css; charset=utf-8", "admin.js": "text/javascript; charset=utf-8"}


@router.get("/admin/static/{name}")
def asset(name: str) -> FileResponse:
    media_type = _ASSETS.get(name)
    if media_type is None:
        raise NotFound(f"没有这个文件：{name[:64]}")
    return FileResponse(STATIC_DIR / name, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})


for module in (admin_auth, admin_dashboard, admin_graduates, admin_postings, admin_records, admin_stats, admin_imports):
    router.include_router(module.router, prefix="/admin")
