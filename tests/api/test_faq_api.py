"""The FAQ through the API: everyone reads what is theirs, admin and college staff write (audited), counselors
only read; the bot answers from the entries as they are now."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient

from bot.container import Container
from bot.domain import ChannelKind, InboundMessage
from bot.inbox import handle_inbound
from models import AuditLog, FaqEntry
from models.db import transaction
from tests.api.conftest import School, bearer


def seed(c: Container, school: School) -> dict[str, int]:
    with transaction(c.sessions) as s:
        rows = {
            "global": FaqEntry(question="报到证还有吗？", answer="已取消。", keywords="报到证"),
            "it": FaqEntry(question="实习证明去哪开？", answer="信息学院办公室。", college_id=school.colleges["01"]),
            "nursing": FaqEntry(question="护士资格证何时考？", answer="每年四月。", college_id=school.colleges["02"]),
        }
        s.add_all(rows.values())
        s.flush()
        return {k: v.id for k, v in rows.items()}


def questions(client: TestClient, headers: dict[str, str]) -> set[str]:
    resp = client.get("/api/v1/faq", headers=headers)
    assert resp.status_code == 200, resp.text
    return {e["question"] for e in resp.json()["items"]}


def test_each_role_reads_global_and_its_own_college(client: TestClient, container: Container, school: School) -> None:
    seed(container, school)
    assert questions(client, bearer(client, "admin")) == {"报到证还有吗？", "实习证明去哪开？", "护士资格证何时考？"}
    assert questions(client, bearer(client, "xy01")) == {"报到证还有吗？", "实习证明去哪开？"}
    assert questions(client, bearer(client, "fdy3")) == {"报到证还有吗？", "护士资格证何时考？"}
    assert client.get("/api/v1/faq").status_code == 401


def test_writes_by_role_and_audit(client: TestClient, container: Container, school: School) -> None:
    ids = seed(container, school)
    fdy1, xy01, admin = bearer(client, "fdy1"), bearer(client, "xy01"), bearer(client, "admin")
    body = {"question": "就业推荐表怎么盖章？", "answer": "交学院办公室。", "keywords": "推荐表,盖章"}
    refused = client.post("/api/v1/faq", json=body, headers=fdy1)
    assert refused.status_code == 403 and "辅导员可以查看" in refused.json()["detail"]

    own = client.post("/api/v1/faq", json=body, headers=xy01)
    assert own.status_code == 201, own.text
    assert own.json()["college_id"] == school.colleges["01"]
    other = client.post("/api/v1/faq", json={**body, "college_id": school.colleges["02"]}, headers=xy01)
    assert other.status_code == 403 and "本学院" in other.json()["detail"]
    glob = client.post("/api/v1/faq", json={**body, "college_id": None}, headers=xy01)
    assert glob.status_code == 403

    assert client.patch(f"/api/v1/faq/{ids['global']}", json={"answer": "x"}, headers=xy01).status_code == 403
    edited = client.patch(f"/api/v1/faq/{own.json()['id']}", json={"answer": "交学院办公室盖章。"}, headers=xy01)
    assert edited.status_code == 200 and edited.json()["answer"] == "交学院办公室盖章。"
    assert client.patch(f"/api/v1/faq/{ids['nursing']}", json={"answer": "x"}, headers=xy01).status_code == 404

    by_admin = client.post("/api/v1/faq", json=body, headers=admin)
    assert by_admin.status_code == 201 and by_admin.json()["college_id"] is None
    assert client.delete(f"/api/v1/faq/{ids['nursing']}", headers=admin).status_code == 204
    assert client.get(f"/api/v1/faq/{ids['nursing']}", headers=admin).status_code == 404

    with container.sessions() as s:
        log = s.scalars(sa.select(AuditLog).where(AuditLog.object_type == "faq").order_by(AuditLog.id)).all()
    assert [(e.action, e.actor) for e in log] == [
        ("faq.create", "xy01"), ("faq.update", "xy01"), ("faq.create", "admin"), ("faq.delete", "admin"),
    ]  # fmt: skip
    assert (
        log[1].detail["before"]["answer"] == "交学院办公室。"
        and log[1].detail["after"]["answer"] == "交学院办公室盖章。"
    )
    assert log[3].detail["before"]["question"] == "护士资格证何时考？"


def test_bad_input_gets_chinese_errors(client: TestClient, container: Container, school: School) -> None:
    admin = bearer(client, "admin")
    empty = client.post("/api/v1/faq", json={"question": "", "answer": "a"}, headers=admin)
    assert empty.status_code == 422 and "请求有误" in empty.json()["detail"]
    blank = client.post("/api/v1/faq", json={"question": "   ", "answer": "a"}, headers=admin)
    assert blank.status_code == 422 and "问题不能为空" in blank.json()["detail"]
    nowhere = client.post("/api/v1/faq", json={"question": "q", "answer": "a", "college_id": 999}, headers=admin)
    assert nowhere.status_code == 422 and "学院 999 不存在" in nowhere.json()["detail"]
    extra = client.post("/api/v1/faq", json={"question": "q", "answer": "a", "x": 1}, headers=admin)
    assert extra.status_code == 422


def test_the_bot_answers_from_the_entries_as_they_are_now(
    client: TestClient, container: Container, school: School
) -> None:
    seed(container, school)  # BM25 needs a few entries to tell words apart (one entry alone never scores)
    admin = bearer(client, "admin")

    def ask(text: str, n: int) -> str:
        msg = InboundMessage(channel=ChannelKind.WEB, account="demo", user_id="web-q", text=text, dedupe_key=f"q{n}")
        return "\n".join(r.text for r in handle_inbound(container, msg))

    assert "答不上来" in ask("档案转到哪里了", 1)
    created = client.post(
        "/api/v1/faq",
        json={"question": "我的档案会转到哪里？", "answer": "转到单位。", "keywords": "档案"},
        headers=admin,
    )
    assert "转到单位" in ask("档案转到哪里了", 2)
    client.patch(f"/api/v1/faq/{created.json()['id']}", json={"answer": "转到人才服务中心。"}, headers=admin)
    assert "转到人才服务中心" in ask("档案转到哪里了", 3)
    client.patch(f"/api/v1/faq/{created.json()['id']}", json={"active": False}, headers=admin)
    assert "答不上来" in ask("档案转到哪里了", 4)
