"""The /m/{token} page: the graduate's matches with details, feedback buttons that POST back, friendly refusals."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from api.app import create_app
from bot.container import Container
from bot.domain import FeedbackKind
from bot.security.links import LinkSigner
from models import Feedback, Match
from tests.support.push import matches, postings, school, world

NONCE = re.compile(r'name="nonce" value="([^"]+)"')


@pytest.fixture
def setup(container: Container) -> Iterator[tuple[Container, TestClient, int, list[int]]]:
    c, _ = world(container)
    (g0,) = school(c, 1)
    pids = postings(c, ["激光设备调试工程师", "前端开发", "测试工程师"])
    matches(c, g0, pids)
    with TestClient(create_app(c)) as client:
        yield c, client, g0, pids


def test_page_lists_matches_with_details(setup: tuple[Container, TestClient, int, list[int]]) -> None:
    c, client, g0, _ = setup
    response = client.get(f"/m/{c.links.token(g0)}")
    assert response.status_code == 200
    html = response.text
    assert "学生0同学的推荐岗位" in html and "共 3 个" in html
    for text in ("激光设备调试工程师", "华工激光", "武汉", "6-8千", "专业对口；第 1 名", "负责设备调试"):
        assert text in html
    assert html.index("激光设备调试工程师") < html.index("前端开发") < html.index("测试工程师")
    assert html.count('value="interested"') == 3 and html.count('value="rejected"') == 3
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer" and response.headers["cache-control"] == "no-store"
    assert client.get("/m/static/mobile.css").status_code == 200


def feedback(client: TestClient, token: str, posting_id: int, kind: str, **extra: str) -> object:
    page = client.get(f"/m/{token}")
    nonce = NONCE.search(page.text)
    assert nonce is not None
    data = {"posting_id": str(posting_id), "kind": kind, "nonce": nonce.group(1), **extra}
    return client.post(f"/m/{token}/feedback", data=data, follow_redirects=False)


def test_feedback_buttons_record_as_in_chat(setup: tuple[Container, TestClient, int, list[int]]) -> None:
    c, client, g0, (p0, p1, p2) = setup
    token = c.links.token(g0)
    response = feedback(client, token, p0, "interested")
    assert response.status_code == 303  # type: ignore[attr-defined]
    page = client.get(response.headers["location"])  # type: ignore[attr-defined]
    assert "已记下：感兴趣（激光设备调试工程师）" in page.text and "你已标记：感兴趣" in page.text
    feedback(client, token, p0, "interested")  # the same answer twice is stored once
    feedback(client, token, p1, "rejected", reason="too_far", reason_text="太远了，想留在宜昌")
    feedback(client, token, p2, "applied")
    with c.sessions() as s:
        rows = s.execute(sa.select(Feedback.posting_id, Feedback.kind, Feedback.reason_tags, Feedback.reason,
                                   Feedback.channel).order_by(Feedback.id)).all()  # fmt: skip
        active = set(s.scalars(sa.select(Match.posting_id).where(Match.active)))
    assert [tuple(r) for r in rows] == [
        (p0, FeedbackKind.INTERESTED, [], None, "mobile"),
        (p1, FeedbackKind.REJECTED, ["too_far"], "太远了，想留在宜昌", "mobile"),
        (p2, FeedbackKind.APPLIED, [], None, "mobile"),
    ]
    assert active == {p0}  # 不合适 and 已投递 leave the list, as in chat
    assert "共 1 个" in client.get(f"/m/{token}").text


def test_forged_expired_and_replayed_requests_are_refused(setup: tuple[Container, TestClient, int, list[int]]) -> None:
    c, client, g0, (p0, *_) = setup
    token = c.links.token(g0)
    forged = client.get(f"/m/{token[:-3]}abc")
    assert forged.status_code == 403 and "链接无效" in forged.text
    other = LinkSigner("another-secret-key-another-secret-key-00", c.settings.base_url, 72).token(g0)
    assert client.get(f"/m/{other}").status_code == 403
    stale = _old_token(c, g0, hours=73)
    expired = client.get(f"/m/{stale}")
    assert expired.status_code == 410 and "链接已过期" in expired.text
    # A form without the page's nonce (a cross-site post) or with another token's nonce is refused.
    no_nonce = client.post(f"/m/{token}/feedback", data={"posting_id": str(p0), "kind": "applied", "nonce": "x"})
    assert no_nonce.status_code == 403 and "页面已过期" in no_nonce.text
    page = client.get(f"/m/{c.links.token(g0, 'status')}")
    foreign = NONCE.search(page.text)
    assert foreign is not None and "告诉我们你的就业状态" in page.text
    wrong = client.post(
        f"/m/{token}/feedback", data={"posting_id": str(p0), "kind": "applied", "nonce": foreign.group(1)}
    )
    assert wrong.status_code == 403
    with c.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 0


def test_bad_feedback_is_explained_and_changes_nothing(setup: tuple[Container, TestClient, int, list[int]]) -> None:
    c, client, g0, (p0, *_) = setup
    token = c.links.token(g0)
    bad_kind = feedback(client, token, p0, "love")
    assert bad_kind.status_code == 422 and "感兴趣" in bad_kind.text  # type: ignore[attr-defined]
    bad_reason = feedback(client, token, p0, "rejected", reason="ugly")
    assert bad_reason.status_code == 422  # type: ignore[attr-defined]
    not_mine = feedback(client, token, 99999, "interested")
    assert not_mine.status_code == 404 and "不在你的推荐列表中" in not_mine.text  # type: ignore[attr-defined]
    with c.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 0


def _old_token(c: Container, graduate_id: int, *, hours: int) -> str:
    """A token signed `hours` ago with the container's key (as if it had sat in a chat since then)."""

    class Backdated(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - hours * 3600

    from bot.security import links

    serializer = URLSafeTimedSerializer(c.settings.secret_key_value(), salt=links._SALT, signer=Backdated)
    return str(serializer.dumps({"g": graduate_id, "p": "matches"}))
