"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import ContainerDep
from models import migrate

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(container: ContainerDep) -> JSONResponse:
    checks: dict[str, str] = {}
    ok = True
    try:
        with container.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except sa.exc.SQLAlchemyError as exc:
        ok = False
        checks["database"] = f"unreachable: {type(exc).__name__}"
    if ok:
        current, head = migrate.current_revision(container.engine), migrate.head_revision()
        if current == head:
            checks["migrations"] = "ok"
        else:
            ok = False
            checks["migrations"] = f"at {current}, head is {head}: run `jiuye migrate`"
    return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)


@router.get("/metrics")
def metrics(container: ContainerDep) -> Response:
    return Response(generate_latest(container.metrics), media_type=CONTENT_TYPE_LATEST)
