"""匹配记录, 推送 and 审计: the console's logs (match runs, the outbox with the admin's retry, the audit log)."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import ContainerDep, SessionDep
from api.routes.admin_graduates import CHANNEL_LABELS, PART_LABELS
from api.routes.admin_web import AdminOnly, AdminRoute, Staff, client_ip, redirect, render
from bot.console.records import (
    AuditQuery,
    audit_actions,
    list_audit,
    list_outbox,
    list_runs,
    load_run,
    outbox_counts,
    retry_outbox,
    run_shortfalls,
)
from bot.domain import Role
from bot.matching import STEP_NAMES
from models import OutboxStatus

router = APIRouter(route_class=AdminRoute)

TRIGGER_LABELS = {"batch": "批量", "nightly": "每晚", "incremental": "增量"}
RUN_STATUS_LABELS = {"running": "运行中", "done": "完成", "failed": "失败"}
OUTBOX_LABELS = {
    OutboxStatus.PENDING.value: "待发送",
    OutboxStatus.SENDING.value: "发送中",
    OutboxStatus.SENT.value: "已发送",
    OutboxStatus.PARKED.value: "已搁置",
    OutboxStatus.CANCELLED.value: "已取消",
}
Text = Annotated[str, Query(max_length=64)]
Page = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/match-runs")
def match_runs(request: Request, _staff: Staff, db: SessionDep, trigger: Text = "", page: Page = 1) -> Response:
    context = {
        "result": list_runs(db, page, trigger.strip() or None),
        "params": {"trigger": trigger},
        "trigger_labels": TRIGGER_LABELS,
        "status_labels": RUN_STATUS_LABELS,
    }
    return render(request, "match_runs.html", context, active="matching")


@router.get("/match-runs/{run_id}")
def match_run(request: Request, run_id: int, staff: Staff, db: SessionDep) -> Response:
    run = load_run(db, run_id)
    shortfalls, in_scope = run_shortfalls(db, staff, run_id)
    context = {
        "run": run,
        "shortfalls": shortfalls,
        "shortfalls_in_scope": in_scope,
        "step_names": STEP_NAMES,
        "part_labels": PART_LABELS,
        "trigger_labels": TRIGGER_LABELS,
        "status_labels": RUN_STATUS_LABELS,
    }
    return render(request, "match_run.html", context, active="matching")


@router.get("/outbox")
def outbox(request: Request, staff: Staff, db: SessionDep, status: Text = "", page: Page = 1) -> Response:
    context = {
        "result": list_outbox(db, staff, status.strip() or None, page),
        "counts": outbox_counts(db, staff),
        "params": {"status": status},
        "status_labels": OUTBOX_LABELS,
        "channel_labels": CHANNEL_LABELS,
        "can_retry": staff.role is Role.ADMIN,
        "retried": request.query_params.get("retried", ""),
    }
    return render(request, "outbox.html", context, active="outbox")


@router.post("/outbox/{outbox_id}/retry")
def retry(request: Request, outbox_id: int, staff: AdminOnly, c: ContainerDep, db: SessionDep) -> Response:
    retry_outbox(c, db, staff, outbox_id, client_ip(request))
    db.commit()
    return redirect(f"/admin/outbox?status=parked&retried={outbox_id}")


@router.get("/audit")
def audit_log(
    request: Request,
    staff: AdminOnly,
    c: ContainerDep,
    db: SessionDep,
    actor: Text = "",
    action: Text = "",
    object_type: Text = "",
    days: Annotated[int | None, Query(ge=1, le=3660)] = None,
    page: Page = 1,
) -> Response:
    since = c.clock.now().astimezone(UTC) - timedelta(days=days) if days else None
    query = AuditQuery(
        actor=actor or None, action=action or None, object_type=object_type or None, since=since, page=page
    )
    context = {
        "result": list_audit(db, staff, query),
        "params": {"actor": actor, "action": action, "object_type": object_type, "days": days or ""},
        "actions": audit_actions(db),
    }
    return render(request, "audit.html", context, active="audit")
