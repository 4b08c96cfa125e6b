"""导入: upload the graduate or the posting ledger, see every bad row, download the error file and blank templates.

Graduates may be written by admins only: the import is not limited to one college, so a college user could
otherwise overwrite another college's students. Postings belong to the whole school; admins and college users may
import them (by default straight to "approved", or held for review).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, BinaryIO

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from api.deps import ContainerDep
from api.routes.admin_web import AdminRoute, Reviewer, render, secure_headers
from bot.access.rules import StaffPrincipal, ensure_role
from bot.domain import Role
from bot.errors import ImportFileError, InvalidInput, NotFound
from bot.imports import upload_area
from bot.imports.report import ImportReport
from bot.services import imports

router = APIRouter(route_class=AdminRoute)

EXTRA_COUNTS = {
    "colleges_created": "新建学院",
    "majors_created": "新建专业",
    "classes_created": "新建班级",
    "preferences_kept": "保留学生本人填写的求职意向",
    "employers_created": "新建单位",
    "employers_updated": "更新单位",
    "flagged": "含疑似歧视性要求、待人工审核的岗位",
}
TEMPLATE_NAMES = {"graduates": "毕业生导入模板.xlsx", "postings": "岗位导入模板.xlsx"}
KINDS = {"graduates": "毕业生台账", "postings": "岗位台账"}
_CHUNK = 1024 * 1024


def _kinds_for(staff: StaffPrincipal) -> dict[str, str]:
    return KINDS if staff.role is Role.ADMIN else {"postings": KINDS["postings"]}


def _page(request: Request, staff: StaffPrincipal, *, status_code: int = 200, **context: object) -> Response:
    base: dict[str, object] = {
        "kinds": _kinds_for(staff),
        "report": None,
        "problems": [],
        "form": {},
        "error_token": "",
    }
    return render(request, "imports.html", {**base, **context}, active="imports", status_code=status_code)


@router.get("/imports")
def imports_page(request: Request, staff: Reviewer) -> Response:
    return _page(request, staff)


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


def _cohort(value: str) -> int | None:
    text = value.strip()
    if not text:
        return None
    if not text.isdigit() or not 1990 <= int(text) <= 2200:
        raise InvalidInput([f"届别“{text[:16]}”无效：请填写四位年份，如 2026"])
    return int(text)


@router.post("/imports")
def upload(
    request: Request,
    staff: Reviewer,
    c: ContainerDep,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form(max_length=16)] = "",
    partial: Annotated[bool, Form()] = False,
    pending: Annotated[bool, Form()] = False,
    cohort: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    form = {"kind": kind, "partial": partial, "pending": pending, "cohort": cohort}
    if kind not in KINDS:
        return _page(request, staff, problems=["请选择要导入的台账：毕业生台账或岗位台账"], form=form, status_code=422)
    if kind == "graduates":
        ensure_role(staff, Role.ADMIN)
    try:
        options = imports.ImportOptions(
            partial=partial,
            pending=pending,
            cohort=_cohort(cohort) if kind == "graduates" else None,
            actor=staff.audit_actor,
            actor_user_id=staff.user_id,
        )
        saved = upload_area.store(c.upload_root, file.filename, _chunks(file.file), staff.user_id)
    except InvalidInput as exc:
        return _page(request, staff, problems=exc.problems, form=form, status_code=422)
    try:
        run = imports.import_graduates if kind == "graduates" else imports.import_postings
        report = run(c, saved.path, options)
    except ImportFileError as exc:
        upload_area.discard_source(saved)
        return _page(request, staff, problems=[str(exc)], form=form, status_code=422)
    upload_area.discard_source(saved)
    token = saved.token if report.error_file else ""
    status = 200 if report.imported or not report.errors else 422
    extras = [f"{label} {report.counts[key]}" for key, label in EXTRA_COUNTS.items() if report.counts.get(key)]
    return _page(
        request,
        staff,
        report=report,
        summary=_summary(report),
        extras=extras if report.imported else [],
        error_token=token,
        form=form,
        status_code=status,
    )


def _summary(report: ImportReport) -> str:
    if not report.imported and report.errors and not report.error_file:
        return (
            f"{report.file}：共 {report.rows} 行，其中 {report.bad_rows} 行有错误（{len(report.errors)} 处），"
            "整份文件未导入。请改正后重新上传，或勾选“只导入正确的行”。"
        )
    return report.summary()


@router.get("/imports/errors/{token}")
def error_file(token: str, staff: Reviewer, c: ContainerDep) -> Response:
    path = upload_area.error_file(c.upload_root, token, staff.user_id, is_admin=staff.role is Role.ADMIN)
    return secure_headers(FileResponse(path, filename=path.name))


@router.get("/imports/template/{kind}")
def template(kind: str, staff: Reviewer) -> Response:
    del staff
    if kind not in TEMPLATE_NAMES:
        raise NotFound(f"没有“{kind[:32]}”模板：可选毕业生或岗位")
    work = Path(tempfile.mkdtemp(prefix="jiuye-template-"))
    try:
        path = imports.export_template(kind, work / "template.xlsx")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    cleanup = BackgroundTask(shutil.rmtree, work, ignore_errors=True)
    return secure_headers(FileResponse(path, filename=TEMPLATE_NAMES[kind], background=cleanup))
