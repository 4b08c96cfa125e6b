"""导入 in the console: upload a ledger, see every bad row, import the good ones on request and download the error
file (its uploader only), blank templates; graduates are the admin's to import, postings also the college's."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.deps import CSRF_COOKIE
from bot.container import Container
from bot.domain import ReviewState
from bot.imports.upload_area import MAX_UPLOAD_BYTES
from models import AuditLog, Graduate, Posting
from tests.api.conftest import cookie_login

pytestmark = pytest.mark.usefixtures("school")

POST_HEADER = ["岗位名称", "单位名称", "工作地点", "薪资", "学历要求", "专业要求", "截止日期"]
GOOD_POSTINGS = [
    ["Java 开发工程师", "武汉光谷软件有限公司", "武汉", "8千-1.2万", "本科", "计算机类", "2026-12-31"],
    ["护士", "宜昌市中心医院", "宜昌", "5000-7000元/月", "专科", "护理", "2026-12-31"],
]
BAD_POSTING = ["", "某公司", "武汉", "面议", "本科", "", "2026-13-45"]


@pytest.fixture(autouse=True)
def upload_root(container: Container, tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    container.upload_root = root
    return root


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def upload(client: TestClient, name: str, content: bytes, **fields: str) -> tuple[int, str]:
    data = {"csrf_token": client.cookies[CSRF_COOKIE], "kind": "postings", **fields}
    response = client.post("/admin/imports", data=data, files={"file": (name, content, "text/csv")})
    return response.status_code, response.text


def posting_titles(container: Container) -> dict[str, ReviewState]:
    with container.sessions() as session:
        return {p.title: p.review_state for p in session.scalars(sa.select(Posting))}


def test_a_clean_file_is_imported_and_audited(client: TestClient, container: Container) -> None:
    cookie_login(client, "xy01")
    status, page = upload(client, "岗位.csv", csv_bytes(POST_HEADER, GOOD_POSTINGS), pending="true")
    assert status == 200 and "新增岗位 2 条" in page and "新建单位 2" in page
    assert posting_titles(container) == {"Java 开发工程师": ReviewState.PENDING, "护士": ReviewState.PENDING}
    with container.sessions() as session:
        audit = session.scalars(sa.select(AuditLog).where(AuditLog.action == "import.postings")).one()
    assert audit.actor == "xy01" and audit.detail["new"] == 2 and audit.detail["file"] == "岗位.csv"


def test_a_file_with_bad_rows_changes_nothing_and_lists_every_row(client: TestClient, container: Container) -> None:
    cookie_login(client, "admin")
    status, page = upload(client, "postings.csv", csv_bytes(POST_HEADER, [*GOOD_POSTINGS, BAD_POSTING]))
    assert status == 422 and "整份文件未导入" in page and "勾选“只导入正确的行”" in page
    errors = re.findall(r"<tr><td class=\"num\">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert errors and {row for row, _col, _why in errors} == {"4"}
    assert {col for _row, col, _why in errors} >= {"岗位名称", "截止日期"}
    assert posting_titles(container) == {}
    assert 'id="error-file"' not in page


def test_partial_imports_the_good_rows_and_offers_the_error_file_to_its_uploader(
    client: TestClient, container: Container, upload_root: Path
) -> None:
    cookie_login(client, "xy01")
    status, page = upload(client, "postings.csv", csv_bytes(POST_HEADER, [*GOOD_POSTINGS, BAD_POSTING]), partial="true")
    assert status == 200 and "1 行有错误未导入" in page
    assert set(posting_titles(container)) == {"Java 开发工程师", "护士"}
    link = re.search(r'href="(/admin/imports/errors/[^"]+)" id="error-file"', page)
    assert link is not None
    download = client.get(link.group(1))
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "错误原因" and len(rows) == 2 and rows[1][1] == "某公司"
    assert not list(upload_root.glob("*/postings.csv"))  # the upload itself is not kept
    cookie_login(client, "admin")
    assert client.get(link.group(1)).status_code == 200  # admins may fetch it too
    with TestClient(client.app) as other:
        cookie_login(other, "fdy1")
        assert other.get(link.group(1)).status_code == 403  # counselors have no import pages at all
    assert client.get("/admin/imports/errors/not-a-token").status_code == 404


def test_a_college_user_cannot_import_graduates(client: TestClient, container: Container) -> None:
    cookie_login(client, "xy01")
    page = client.get("/admin/imports").text
    assert '<option value="postings"' in page and '<option value="graduates"' not in page
    header = ["学号", "姓名", "学院", "专业", "班级"]
    row = ["2022019999", "郑一", "信息工程学院", "计算机应用技术", "计应2201"]
    status, text = upload(client, "g.csv", csv_bytes(header, [row]), kind="graduates")
    assert status == 403 and "权限不足" in text
    with container.sessions() as session:
        assert session.scalar(sa.select(Graduate).where(Graduate.student_no == "2022019999")) is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roster.xls", b"old", "不支持旧版 .xls 文件"),
        ("roster.pdf", b"%PDF", "不支持的文件类型"),
        ("empty.csv", b"", "上传的文件是空的"),
        ("noheader.csv", "甲,乙\n1,2\n".encode(), "noheader.csv：前"),
    ],
)
def test_unreadable_uploads_get_a_clear_message(
    client: TestClient, container: Container, name: str, content: bytes, message: str
) -> None:
    cookie_login(client, "admin")
    status, page = upload(client, name, content)
    assert status == 422 and message in page
    assert posting_titles(container) == {}


def test_oversized_uploads_are_refused(client: TestClient, container: Container, upload_root: Path) -> None:
    cookie_login(client, "admin")
    status, page = upload(client, "big.csv", b"x" * (MAX_UPLOAD_BYTES + 1))
    assert status == 422 and "文件太大" in page
    assert not upload_root.exists() or not any(upload_root.iterdir())


def test_blank_templates_download(client: TestClient) -> None:
    cookie_login(client, "admin")
    for kind, first in (("graduates", "学号"), ("postings", "岗位名称")):
        response = client.get(f"/admin/imports/template/{kind}")
        assert response.status_code == 200
        header = next(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert first in [str(h).rstrip("*") for h in header]
    cookie_login(client, "xy01")
    assert client.get("/admin/imports/template/postings").status_code == 200
