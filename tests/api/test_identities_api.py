"""Chat identities through the API: a counselor lists and unbinds within scope (audited), the admin issues staff
bind codes that work in chat."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient

from bot.container import Container
from bot.domain import ChannelKind, InboundMessage
from bot.inbox import handle_inbound
from models import AuditLog, ChannelIdentity, Graduate
from models.db import transaction
from tests.api.conftest import School, bearer

ZHANG = "2022010101"  # 计应2201, counselor fdy1


def say(c: Container, user: str, text: str, key: str) -> str:
    msg = InboundMessage(channel=ChannelKind.WEB, account="demo", user_id=user, text=text, dedupe_key=key)
    return "\n".join(r.text for r in handle_inbound(c, msg))


def bound_identity(c: Container, school: School, user: str = "web-zhang-phone1") -> int:
    with transaction(c.sessions) as s:
        s.execute(
            sa.update(Graduate).where(Graduate.student_no == ZHANG).values(bind_secret_digest=c.pii.digest("11223X"))
        )
    assert "绑定成功" in say(c, user, f"绑定 {ZHANG} 张三 11223X", f"{user}:1")
    with c.sessions() as s:
        return s.scalars(sa.select(ChannelIdentity.id).where(ChannelIdentity.platform_user_id == user)).one()


def test_a_counselor_lists_and_unbinds_in_scope(client: TestClient, container: Container, school: School) -> None:
    identity = bound_identity(container, school)
    gid = school.graduates[ZHANG]
    fdy1 = bearer(client, "fdy1")
    listed = client.get(f"/api/v1/graduates/{gid}/identities", headers=fdy1)
    assert listed.status_code == 200, listed.text
    (row,) = listed.json()
    assert row["id"] == identity and row["channel"] == "web" and row["channel_label"] == "网页聊天"
    assert row["platform_user"] == "we********e1" and row["bound_at"] is not None

    fdy2 = bearer(client, "fdy2")
    assert client.get(f"/api/v1/graduates/{gid}/identities", headers=fdy2).status_code == 403
    refused = client.delete(f"/api/v1/graduates/{gid}/identities/{identity}", headers=fdy2)
    assert refused.status_code == 403 and "不在您负责的范围内" in refused.json()["detail"]

    # A new phone cannot bind while the old identity holds the record on this account...
    assert "已经在本渠道绑定了另一个聊天账号" in say(container, "web-zhang-phone2", f"绑定 {ZHANG} 张三 11223X", "p2:1")
    gone = client.delete(f"/api/v1/graduates/{gid}/identities/{identity}", headers=fdy1)
    assert gone.status_code == 204
    with container.sessions() as s:
        row_after = s.get(ChannelIdentity, identity)
        assert row_after is not None and row_after.graduate_id is None
        entry = s.scalars(sa.select(AuditLog).where(AuditLog.action == "graduate.unbind_identity")).one()
    assert entry.actor == "fdy1" and entry.object_id == str(gid) and entry.detail["identity_id"] == identity
    # ...and can once the counselor unbound it.
    assert "绑定成功" in say(container, "web-zhang-phone2", f"绑定 {ZHANG} 张三 11223X", "p2:2")
    again = client.delete(f"/api/v1/graduates/{gid}/identities/{identity}", headers=fdy1)
    assert again.status_code == 404 and "没有编号为" in again.json()["detail"]
    assert client.get("/api/v1/graduates/99999/identities", headers=fdy1).status_code == 404


def test_the_admin_issues_bind_codes(client: TestClient, container: Container, school: School) -> None:
    fdy1_id = school.users["fdy1"]
    assert client.post(f"/api/v1/staff/{fdy1_id}/bind-code", headers=bearer(client, "fdy1")).status_code == 403
    assert client.post(f"/api/v1/staff/{fdy1_id}/bind-code", headers=bearer(client, "xy01")).status_code == 403
    admin = bearer(client, "admin")
    assert client.post("/api/v1/staff/99999/bind-code", headers=admin).status_code == 404
    issued = client.post(f"/api/v1/staff/{fdy1_id}/bind-code", headers=admin)
    assert issued.status_code == 200, issued.text
    body = issued.json()
    assert body["username"] == "fdy1" and len(body["code"]) == 11
    # The code is not a bearer token.
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['code']}"}).status_code == 401
    assert "绑定成功" in say(container, "t-web", f"绑定工作人员 {body['code']}", "t:1")
    assert "你负责的班级就业统计" in say(container, "t-web", "统计", "t:2")
    with container.sessions() as s:
        actions = s.scalars(sa.select(AuditLog.action).where(AuditLog.action.like("staff.%"))).all()
    assert actions == ["staff.bind_code", "staff.bind_identity"]
