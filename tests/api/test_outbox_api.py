"""/api/v1/outbox (admin only, audited retry) and /api/v1/broadcasts (scoped scheduling, listing, cancelling)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient

from bot import outbox
from bot.container import Container
from models import AuditLog, OutboxMessage, OutboxStatus
from tests.api.conftest import School, bearer, cookie_login


def _parked(c: Container, key: str = "k1") -> int:
    with c.sessions.begin() as s:
        outbox.enqueue(s, idempotency_key=key, channel="wecom", account="corp", target_kind="user", target_id="u",
                       payload={"text": "hi"}, intent="reply", now=c.clock.now())  # fmt: skip
        row = s.scalars(sa.select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).one()
        row.status, row.attempts, row.last_error = OutboxStatus.PARKED, 8, "已尝试 8 次仍失败：平台服务异常（HTTP 502）"
        return row.id


def test_admin_lists_parked_rows_and_retries_one(client: TestClient, school: School, container: Container) -> None:
    row_id = _parked(container)
    _parked(container, "k2")
    admin = bearer(client, "admin")
    page = client.get("/api/v1/outbox", params={"status": "parked"}, headers=admin).json()
    assert page["total"] == 2 and page["items"][0]["last_error"].startswith("已尝试 8 次")
    assert client.get("/api/v1/outbox/counts", headers=admin).json()["parked"] == 2
    retried = client.post(f"/api/v1/outbox/{row_id}/retry", headers=admin)
    assert retried.status_code == 200
    assert (retried.json()["status"], retried.json()["attempts"]) == ("pending", 0)
    again = client.post(f"/api/v1/outbox/{row_id}/retry", headers=admin)
    assert again.status_code == 409 and "待发送" in again.json()["detail"]
    assert client.post("/api/v1/outbox/999999/retry", headers=admin).status_code == 404
    with container.sessions() as s:
        log = s.scalars(sa.select(AuditLog).where(AuditLog.action == "outbox.retry")).one()
        assert (log.actor, log.object_id) == ("admin", str(row_id))


def test_outbox_is_admin_only(client: TestClient, school: School, container: Container) -> None:
    row_id = _parked(container)
    counselor = bearer(client, "fdy1")
    assert client.get("/api/v1/outbox", headers=counselor).status_code == 403
    assert client.post(f"/api/v1/outbox/{row_id}/retry", headers=counselor).status_code == 403
    assert client.get("/api/v1/outbox").status_code == 401
    csrf = cookie_login(client, "admin")
    assert client.post(f"/api/v1/outbox/{row_id}/retry").status_code == 403  # cookie without the CSRF header
    assert client.post(f"/api/v1/outbox/{row_id}/retry", headers=csrf).status_code == 200


def test_counselor_schedules_a_broadcast_for_own_class(
    client: TestClient, school: School, container: Container
) -> None:
    fdy1 = bearer(client, "fdy1")
    when = (container.clock.now() + timedelta(hours=3)).isoformat()
    body = {"text": "明天上午招聘会，欢迎参加", "class_ids": [school.classes["计应2201"]], "send_at": when}
    created = client.post("/api/v1/broadcasts", json=body, headers=fdy1)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "scheduled"
    other = client.post("/api/v1/broadcasts", json={**body, "class_ids": [school.classes["计应2202"]]}, headers=fdy1)
    assert other.status_code == 403 and "计应2202" in other.json()["detail"]
    past = client.post("/api/v1/broadcasts", json={**body, "send_at": "2020-01-01T08:00:00+08:00"}, headers=fdy1)
    assert past.status_code == 422 and "已经过去" in past.json()["detail"]
    empty = client.post("/api/v1/broadcasts", json={**body, "text": ""}, headers=fdy1)
    assert empty.status_code == 422
    listed = client.get("/api/v1/broadcasts", headers=fdy1).json()
    assert listed["total"] == 1
    assert client.get("/api/v1/broadcasts", headers=bearer(client, "fdy2")).json()["total"] == 0
    bid = created.json()["id"]
    assert client.delete(f"/api/v1/broadcasts/{bid}", headers=bearer(client, "fdy2")).status_code == 403
    cancelled = client.delete(f"/api/v1/broadcasts/{bid}", headers=fdy1)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert client.delete(f"/api/v1/broadcasts/{bid}", headers=fdy1).status_code == 409
    with container.sessions() as s:
        actions = s.scalars(sa.select(AuditLog.action).where(AuditLog.object_type == "broadcast")).all()
    assert sorted(actions) == ["broadcast.cancel", "broadcast.schedule"]
