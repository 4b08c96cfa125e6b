"""Outbound for 公众号 and 企业微信: message shapes, shared tokens, and every failure mapped to a typed error."""

from __future__ import annotations

import httpx
import pytest

from bot.channels.wechat_mp import WechatMpAdapter
from bot.channels.wecom import WecomAdapter
from bot.errors import PermanentSendError, TransientSendError
from tests.support.channels import WECHAT_SAFE, WECOM
from tests.unit.channels.fakes import FakePlatform, FakeTokens, raises, reply

CUSTOM = "/cgi-bin/message/custom/send"
TEMPLATE = "/cgi-bin/message/template/send"


def test_customer_service_text_with_shared_token() -> None:
    platform = FakePlatform({CUSTOM: reply(errcode=0, errmsg="ok")})
    tokens = FakeTokens()
    ctx = platform.context(tokens=tokens)
    bot = WechatMpAdapter(WECHAT_SAFE)
    for _ in range(2):
        assert bot.send(ctx, "user", "oUser1", {"text": "你好", "url": "https://x.test/m/1"})["errcode"] == 0
    assert tokens.fetches == 1  # fetched once, then shared
    token_call = next(r for r in platform.requests if r.url.path == "/cgi-bin/token")
    assert token_call.url.params["appid"] == WECHAT_SAFE.app_id
    sent = [r for r in platform.requests if r.url.path == CUSTOM]
    assert sent[0].url.params["access_token"] == "T1"
    assert "你好".encode() in sent[0].content  # real UTF-8, not \\u escapes
    assert platform.sent(CUSTOM)[0] == {
        "touser": "oUser1",
        "msgtype": "text",
        "text": {"content": '你好\n<a href="https://x.test/m/1">查看详情</a>'},
    }


def test_template_message() -> None:
    platform = FakePlatform({TEMPLATE: reply(errcode=0, errmsg="ok", msgid=200228332)})
    payload = {"template_id": "TPL1", "url": "https://x.test/m/9", "data": {"thing1": {"value": "3 个新岗位"}}}
    answer = WechatMpAdapter(WECHAT_SAFE).send(platform.context(), "user", "oUser1", payload)
    assert answer["msgid"] == 200228332
    assert platform.sent(TEMPLATE)[0] == {
        "touser": "oUser1",
        "template_id": "TPL1",
        "data": payload["data"],
        "url": payload["url"],
    }


@pytest.mark.parametrize("code", [40001, 42001, 40014])
def test_expired_token_is_forgotten_and_reported_for_retry(code: int) -> None:
    platform = FakePlatform({CUSTOM: [reply(errcode=code, errmsg="access_token expired"), reply(errcode=0)]})
    tokens = FakeTokens()
    ctx = platform.context(tokens=tokens)
    bot = WechatMpAdapter(WECHAT_SAFE)
    with pytest.raises(TransientSendError) as err:
        bot.send(ctx, "user", "oUser1", {"text": "hi"})
    assert err.value.token_expired and err.value.code == code
    assert tokens.invalidated == ["T1"]
    bot.send(ctx, "user", "oUser1", {"text": "hi"})  # the caller's retry refreshes the token
    assert [r.url.params["access_token"] for r in platform.requests if r.url.path == CUSTOM] == ["T1", "T2"]


@pytest.mark.parametrize(
    ("handler", "kind", "code"),
    [
        (reply(errcode=45015, errmsg="response out of time limit"), PermanentSendError, 45015),
        (reply(errcode=43004, errmsg="require subscribe"), PermanentSendError, 43004),
        (reply(errcode=-1, errmsg="system error"), TransientSendError, -1),
        (reply(errcode=45009, errmsg="api freq out of limit"), TransientSendError, 45009),
        (reply(502), TransientSendError, 502),
        (reply(429), TransientSendError, 429),
        (reply(400, errmsg="bad"), PermanentSendError, 400),
        (raises(httpx.ReadTimeout("slow")), TransientSendError, "timeout"),
        (raises(httpx.ConnectError("refused")), TransientSendError, "network"),
        (lambda r: httpx.Response(200, text="<html>gateway</html>"), TransientSendError, 200),
    ],
)
def test_platform_errors_are_typed(handler: object, kind: type[Exception], code: object) -> None:
    platform = FakePlatform({CUSTOM: handler})  # type: ignore[dict-item]
    with pytest.raises(kind) as err:
        WechatMpAdapter(WECHAT_SAFE).send(platform.context(), "user", "oUser1", {"text": "hi"})
    assert err.value.code == code  # type: ignore[attr-defined]
    assert str(err.value).startswith("公众号客服消息")


def test_bad_credentials_are_permanent() -> None:
    platform = FakePlatform({"/cgi-bin/token": reply(errcode=40013, errmsg="invalid appid")})
    with pytest.raises(PermanentSendError, match="40013"):
        WechatMpAdapter(WECHAT_SAFE).send(platform.context(), "user", "oUser1", {"text": "hi"})


def test_official_account_cannot_send_to_groups() -> None:
    with pytest.raises(PermanentSendError):
        WechatMpAdapter(WECHAT_SAFE).send(FakePlatform().context(), "group", "g", {"text": "hi"})


def test_check_fetches_a_token() -> None:
    platform = FakePlatform()
    assert "7200" in WechatMpAdapter(WECHAT_SAFE).check(httpx.Client(transport=httpx.MockTransport(platform)))


# ------------------------------------------------------------------------------------------------------ WeCom


def test_wecom_app_messages_in_three_formats() -> None:
    platform = FakePlatform({"/cgi-bin/message/send": reply(errcode=0, errmsg="ok", invaliduser="", msgid="m1")})
    ctx = platform.context()
    bot = WecomAdapter(WECOM)
    bot.send(ctx, "user", "zhangsan", {"text": "你好"})
    bot.send(ctx, "user", "zhangsan", {"text": "x", "markdown": "**3 个新岗位**"})
    bot.send(ctx, "user", "zhangsan", {"text": "华工激光 · 武汉", "title": "新岗位", "url": "https://x.test/m/1"})
    sent = platform.sent("/cgi-bin/message/send")
    assert [s["msgtype"] for s in sent] == ["text", "markdown", "textcard"]
    assert all(s["touser"] == "zhangsan" and s["agentid"] == 218 for s in sent)
    assert sent[2]["textcard"] == {
        "title": "新岗位",
        "description": "华工激光 · 武汉",
        "url": "https://x.test/m/1",
        "btntxt": "详情",
    }
    token_call = next(r for r in platform.requests if r.url.path == "/cgi-bin/gettoken")
    assert token_call.url.params["corpid"] == WECOM.corp_id and token_call.url.params["corpsecret"] == WECOM.secret


def test_wecom_unknown_member_is_permanent() -> None:
    platform = FakePlatform({"/cgi-bin/message/send": reply(errcode=0, errmsg="ok", invaliduser="nobody")})
    with pytest.raises(PermanentSendError, match="nobody"):
        WecomAdapter(WECOM).send(platform.context(), "user", "nobody", {"text": "hi"})


def test_wecom_duplicate_check_only_when_the_intent_asks_for_it() -> None:
    platform = FakePlatform({"/cgi-bin/message/send": reply(errcode=0, errmsg="ok", invaliduser="", msgid="m1")})
    ctx = platform.context()
    bot = WecomAdapter(WECOM)
    bot.send(ctx, "user", "zhangsan", {"text": "本周就业情况确认", "duplicate_check": True})
    bot.send(ctx, "user", "zhangsan", {"text": "你好"})
    checked, plain = platform.sent("/cgi-bin/message/send")
    assert (checked["enable_duplicate_check"], checked["duplicate_check_interval"]) == (1, 1800)
    assert "duplicate_check" not in checked and checked["text"] == {"content": "本周就业情况确认"}
    assert "enable_duplicate_check" not in plain


def test_wecom_appchat_create_and_send() -> None:
    platform = FakePlatform(
        {
            "/cgi-bin/appchat/create": reply(errcode=0, errmsg="ok", chatid="CHAT1"),
            "/cgi-bin/appchat/send": reply(errcode=0),
        }
    )
    ctx = platform.context()
    bot = WecomAdapter(WECOM)
    chat = bot.create_appchat(ctx, name="2026届计科1班", owner="counselor1", members=["zhangsan", "lisi"])
    assert chat == "CHAT1"
    bot.send(ctx, "group", chat, {"text": "新岗位发布"})
    assert platform.sent("/cgi-bin/appchat/create")[0]["userlist"] == ["zhangsan", "lisi"]
    assert platform.sent("/cgi-bin/appchat/send")[0] == {
        "msgtype": "text",
        "text": {"content": "新岗位发布"},
        "chatid": "CHAT1",
    }
    with pytest.raises(PermanentSendError):
        bot.create_appchat(ctx, name="x", owner="a", members=["a"])


def test_wecom_expired_token() -> None:
    platform = FakePlatform({"/cgi-bin/message/send": reply(errcode=42001, errmsg="access_token expired")})
    tokens = FakeTokens()
    with pytest.raises(TransientSendError) as err:
        WecomAdapter(WECOM).send(platform.context(tokens=tokens), "user", "zhangsan", {"text": "hi"})
    assert err.value.token_expired and tokens.invalidated == ["T1"]
