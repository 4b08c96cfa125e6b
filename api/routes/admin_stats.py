"""统计: the employment-quality tables on a page, and the two downloads (statistics workbook, national upload file).

Both downloads are scoped to the staff member and audited; the file is written to a private temporary directory
and removed once sent.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from api.deps import ContainerDep, SessionDep
from api.routes.admin_web import AdminRoute, Staff, client_ip, render, secure_headers
from bot.access.rules import StaffPrincipal
from bot.container import Container
from bot.reports.national_export import ExportScope, export_national
from bot.reports.stats import StatsFilter, cohorts, employment_stats
from bot.reports.stats_export import export_stats
from models import College

router = APIRouter(route_class=AdminRoute)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CollegeId = Annotated[int | None, Query(ge=1)]
Cohort = Annotated[int | None, Query(ge=1990, le=2200)]


@router.get("/stats")
def stats_page(
    request: Request, staff: Staff, c: ContainerDep, db: SessionDep, college_id: CollegeId = None, cohort: Cohort = None
) -> Response:
    f = StatsFilter(college_id=college_id, cohort=cohort)
    stats = employment_stats(db, staff, c.codebook, f)
    by_code = sa.select(College.id, College.name).order_by(College.code)
    colleges = db.execute(by_code).all() if staff.sees_all else []
    context = {
        "s": stats,
        "params": {"college_id": college_id or "", "cohort": cohort or ""},
        "colleges": colleges,
        "cohorts": cohorts(db, staff),
    }
    return render(request, "stats.html", context, active="stats")


def _download(path: Path, filename: str) -> Response:
    cleanup = BackgroundTask(shutil.rmtree, path.parent, ignore_errors=True)
    response = FileResponse(path, media_type=XLSX, filename=filename, background=cleanup)
    return secure_headers(response)


def _work_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="jiuye-export-"))


def _label(c: Container, staff: StaffPrincipal, college_id: int | None) -> str:
    if college_id is not None:
        with c.sessions() as session:
            college = session.get(College, college_id)
            if college is not None:
                return college.name
    return "全校" if staff.sees_all else staff.display_name


@router.get("/stats/export.xlsx")
def stats_download(
    request: Request, staff: Staff, c: ContainerDep, college_id: CollegeId = None, cohort: Cohort = None
) -> Response:
    day = c.clock.now().strftime("%Y%m%d")
    name = f"就业统计-{_label(c, staff, college_id)}-{day}.xlsx"
    work = _work_dir()
    try:
        result = export_stats(
            c,
            work / "stats.xlsx",
            ExportScope(principal=staff, college_id=college_id),
            cohort=cohort,
            actor=staff.audit_actor,
            actor_user_id=staff.user_id,
            ip=client_ip(request),
        )
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return _download(result.path, name)


@router.get("/stats/national.xlsx")
def national_download(request: Request, staff: Staff, c: ContainerDep, college_id: CollegeId = None) -> Response:
    day = c.clock.now().strftime("%Y%m%d")
    name = f"毕业去向上报-{_label(c, staff, college_id)}-{day}.xlsx"
    work = _work_dir()
    try:
        result = export_national(
            c,
            work / "national.xlsx",
            ExportScope(principal=staff, college_id=college_id),
            actor=staff.audit_actor,
            actor_user_id=staff.user_id,
            ip=client_ip(request),
        )
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return _download(result.path, name)
