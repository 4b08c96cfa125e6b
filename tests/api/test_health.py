from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from bot.container import Container
from models import migrate


def test_healthz_readyz_metrics_docs(container: Container) -> None:
    with TestClient(create_app(container)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "migrations": "ok"}
        metrics = client.get("/metrics").text
        assert 'jiuye_http_requests_total{method="GET",route="/readyz",status="200"} 1.0' in metrics
        assert client.get("/docs").status_code == 200
        assert client.get("/openapi.json").json()["info"]["title"] == "就业助手 jiuye"


def test_readyz_reports_pending_migrations(container: Container) -> None:
    migrate.downgrade(container.engine, "base")
    with TestClient(create_app(container)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert "jiuye migrate" in ready.json()["checks"]["migrations"]
    migrate.upgrade(container.engine)
