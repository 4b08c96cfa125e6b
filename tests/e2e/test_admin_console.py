"""The staff console in a real browser against a real server: the demo admin sees the dashboard's numbers, opens a
graduate, reviews a flagged posting; a counselor sees only their classes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.access.queries import placed_codes
from bot.domain import ReviewState
from models import AuditLog, Graduate, Posting, SchoolClass
from tests.e2e.conftest import PHONE_LIST, Console

pytestmark = pytest.mark.e2e


def sign_in(browser: Any, console: Console, username: str, password: str) -> Any:
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(20_000)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(console.base_url + "/admin")
    assert page.url.startswith(console.base_url + "/admin/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(console.base_url + "/admin")
    return page


def test_admin_sees_the_dashboard_numbers(browser: Any, console: Console, tmp_path: Path) -> None:
    admin = console.accounts["admin"]
    page = sign_in(browser, console, admin["username"], admin["password"])
    with console.container.sessions() as session:
        total = session.scalar(sa.select(sa.func.count()).select_from(Graduate))
        placed = session.scalar(
            sa.select(sa.func.count()).where(Graduate.destination_code.in_(placed_codes(console.container.codebook)))
        )
        classes = session.scalar(sa.select(sa.func.count()).select_from(SchoolClass))
    assert page.locator("#kpi-total").inner_text() == str(total) == "600"
    assert page.locator("#kpi-placed").inner_text().split()[0] == str(placed)
    assert page.locator("#kpi-phone").inner_text() == str(PHONE_LIST)
    assert page.locator("#class-board tbody tr").count() == classes
    assert page.locator("#sum-total").inner_text() == "600"
    assert page.locator("#phone-list tbody tr").count() == PHONE_LIST
    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.close()


def test_admin_opens_a_graduate(browser: Any, console: Console) -> None:
    admin = console.accounts["admin"]
    someone = console.accounts["graduates"][0]
    page = sign_in(browser, console, admin["username"], admin["password"])
    page.get_by_role("link", name="毕业生", exact=True).click()
    page.get_by_label("姓名或学号").fill(someone["student_no"])
    page.get_by_role("button", name="筛选").click()
    page.locator("#graduate-list").get_by_role("link", name=someone["name"]).click()
    heading = page.locator("#graduate-name")
    assert someone["name"] in heading.inner_text() and someone["student_no"] in heading.inner_text()
    assert re.fullmatch(r"\d{3}\*{4}\d{4}", page.locator("#phone").inner_text())
    assert page.locator("#matches tbody tr").count() >= 1  # the batch run gave them recommendations
    page.get_by_role("button", name="查看完整手机号和身份证号").click()
    assert re.fullmatch(r"1\d{10}", page.locator("#phone").inner_text())
    page.close()


def test_admin_reviews_a_flagged_posting(browser: Any, console: Console) -> None:
    admin = console.accounts["admin"]
    page = sign_in(browser, console, admin["username"], admin["password"])
    page.get_by_role("link", name=re.compile("待审核岗位")).click()
    first = page.locator("#posting-list tbody tr").first
    assert "疑似歧视" in first.inner_text()
    posting_id = int(first.get_attribute("data-posting") or 0)
    first.get_by_role("link", name="审核…").click()
    page.get_by_label(re.compile("审核意见")).fill("岗位要求限定性别，请用人单位删除后重新提交")
    page.get_by_role("button", name="驳回").click()
    assert "已驳回" in page.locator("#review-done").inner_text()
    assert page.locator("#review-state").inner_text() == "已驳回"
    with console.container.sessions() as session:
        assert session.get_one(Posting, posting_id).review_state is ReviewState.REJECTED
        audit = session.scalars(
            sa.select(AuditLog).where(AuditLog.action == "posting.review", AuditLog.object_id == str(posting_id))
        ).one()
    assert audit.actor == admin["username"] and audit.detail["to"] == "rejected"
    page.close()


def test_a_counselor_sees_only_their_classes(browser: Any, console: Console) -> None:
    counselor = console.accounts["counselors"][0]
    page = sign_in(browser, console, counselor["username"], counselor["password"])
    shown = page.locator("#class-board tbody tr").evaluate_all("rows => rows.map(r => r.dataset.class)")
    assert sorted(shown) == sorted(counselor["classes"])
    page.get_by_role("link", name="毕业生", exact=True).click()
    classes = page.locator("#graduate-list tbody tr td:nth-child(3)").all_inner_texts()
    assert classes and set(classes) <= set(counselor["classes"])
    with console.container.sessions() as session:
        outsider = session.scalar(
            sa.select(Graduate.id)
            .join(SchoolClass, Graduate.class_id == SchoolClass.id)
            .where(SchoolClass.name.not_in(counselor["classes"]))
            .limit(1)
        )
    response = page.goto(f"{console.base_url}/admin/graduates/{outsider}")
    assert response is not None and response.status == 403
    assert "不在您负责的范围内" in page.content()
    assert page.get_by_role("link", name="审计").count() == 0
    page.close()
