"""Outbound for OneBot, the official QQ bot and the WeCom group robot."""

from __future__ import annotations

import httpx
import pytest

from bot.channels.onebot import OnebotAdapter
from bot.channels.qqbot import QqbotAdapter
from bot.channels.wecom_bot import WecomBotAdapter
from bot.clock import FakeClock
from bot.errors import PermanentSendError, TransientSendError
from tests.support.channels import ONEBOT, QQBOT, WECOM_BOT, WECOM_HOOK_ONLY
from tests.unit.channels.fakes import FakePlatform, FakeTokens, raises, reply

OK = {"status": "ok", "retcode": 0, "data": {"message_id": 12345}}


def test_onebot_private_and_group_messages_with_bearer_token() -> None:
    platform = FakePlatform({"/send_private_msg": reply(**OK), "/send_group_msg": reply(**OK)})
    ctx = platform.context()
    bot = OnebotAdapter(ONEBOT)
    assert bot.send(ctx, "user", "20001", {"text": "[CQ:face,id=1] 你好"})["data"]["message_id"] == 12345
    bot.send(ctx, "group", "30001", {"text": "新岗位", "url": "https://x.test/m/1"})
    assert platform.sent("/send_private_msg") == [
        {"user_id": 20001, "message": "[CQ:face,id=1] 你好", "auto_escape": True}
    ]
    assert platform.sent("/send_group_msg") == [
        {"group_id": 30001, "message": "新岗位\nhttps://x.test/m/1", "auto_escape": True}
    ]
    assert {r.headers["authorization"] for r in platform.requests} == {"Bearer ob-token-5e4d3c"}


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (reply(status="failed", retcode=100, wording="参数错误"), PermanentSendError),
        (reply(status="failed", retcode=102), PermanentSendError),
        (reply(status="failed", retcode=103), TransientSendError),
        (reply(status="failed", retcode=200, message="Timeout: NTEvent"), TransientSendError),
        (reply(401), PermanentSendError),
        (reply(403), PermanentSendError),
        (reply(404), PermanentSendError),
        (reply(503), TransientSendError),
        (raises(httpx.ReadTimeout("slow")), TransientSendError),
    ],
)
def test_onebot_errors_are_typed(answer: object, kind: type[Exception]) -> None:
    platform = FakePlatform({"/send_private_msg": answer})  # type: ignore[dict-item]
    with pytest.raises(kind):
        OnebotAdapter(ONEBOT).send(platform.context(), "user", "20001", {"text": "hi"})


def test_onebot_async_answer_counts_as_sent() -> None:
    platform = FakePlatform({"/send_group_msg": reply(status="async", retcode=1)})
    assert OnebotAdapter(ONEBOT).send(platform.context(), "group", "30001", {"text": "hi"})["retcode"] == 1


def test_onebot_targets_must_be_numbers() -> None:
    with pytest.raises(PermanentSendError, match="数字"):
        OnebotAdapter(ONEBOT).send(FakePlatform().context(), "user", "abc", {"text": "hi"})


def test_onebot_check_reads_the_login() -> None:
    platform = FakePlatform(
        {"/get_login_info": reply(status="ok", retcode=0, data={"user_id": 10001, "nickname": "就业助手"})}
    )
    result = OnebotAdapter(ONEBOT).check(httpx.Client(transport=httpx.MockTransport(platform)))
    assert result == "已连接 QQ 账号 就业助手（10001）"


# --------------------------------------------------------------------------------------------- official QQ bot

GROUP_PATH = "/v2/groups/GROUP1/messages"
REPLY = {"text": "为你推荐", "msg_id": "ROBOT1.0_x", "msg_seq": 2, "reply_deadline": "2026-06-01T10:05:00+08:00"}


def test_qqbot_reply_inside_the_window() -> None:
    platform = FakePlatform({GROUP_PATH: reply(id="resp1", timestamp="2026-06-01T10:00:01+08:00")})
    answer = QqbotAdapter(QQBOT).send(platform.context(), "group", "GROUP1", REPLY)
    assert answer["id"] == "resp1"
    sent = next(r for r in platform.requests if r.url.path == GROUP_PATH)
    assert sent.headers["authorization"] == "QQBot T1" and sent.headers["x-union-appid"] == "11111111"
    assert platform.sent(GROUP_PATH) == [{"content": "为你推荐", "msg_type": 0, "msg_id": "ROBOT1.0_x", "msg_seq": 2}]
    token = next(r for r in platform.requests if r.url.path == "/app/getAppAccessToken")
    assert token.content == b'{"appId": "11111111", "clientSecret": "DG5g3B4j9X2KOErG"}'


def test_qqbot_private_reply_path() -> None:
    platform = FakePlatform({"/v2/users/OPENID1/messages": reply(id="r")})
    QqbotAdapter(QQBOT).send(platform.context(), "user", "OPENID1", REPLY)
    assert platform.sent("/v2/users/OPENID1/messages")[0]["msg_id"] == "ROBOT1.0_x"


def test_qqbot_cannot_push_or_reply_late() -> None:
    bot = QqbotAdapter(QQBOT)
    with pytest.raises(PermanentSendError, match="不能主动推送"):
        bot.send(FakePlatform().context(), "group", "GROUP1", {"text": "广播"})
    late = FakeClock()
    late.advance(hours=3)
    with pytest.raises(PermanentSendError, match="回复时限"):
        bot.send(FakePlatform().context(clock=late), "group", "GROUP1", REPLY)


def test_qqbot_expired_token_and_errors() -> None:
    tokens = FakeTokens()
    platform = FakePlatform({GROUP_PATH: reply(401, code=11244, message="token invalid")})
    with pytest.raises(TransientSendError) as err:
        QqbotAdapter(QQBOT).send(platform.context(tokens=tokens), "group", "GROUP1", REPLY)
    assert err.value.token_expired and tokens.invalidated == ["T1"]
    platform = FakePlatform({GROUP_PATH: reply(400, code=22009, message="msg limit exceed")})
    with pytest.raises(PermanentSendError, match="msg limit exceed"):
        QqbotAdapter(QQBOT).send(platform.context(), "group", "GROUP1", REPLY)
    platform = FakePlatform({"/app/getAppAccessToken": reply(200, code=100016, message="invalid appid or secret")})
    with pytest.raises(PermanentSendError, match="invalid appid"):
        QqbotAdapter(QQBOT).send(platform.context(), "group", "GROUP1", REPLY)


# ------------------------------------------------------------------------------------------- WeCom group robot

HOOK = "/cgi-bin/webhook/send"


def test_robot_webhook_text_markdown_news() -> None:
    platform = FakePlatform({HOOK: reply(errcode=0, errmsg="ok")})
    ctx = platform.context()
    bot = WecomBotAdapter(WECOM_HOOK_ONLY)
    bot.send(ctx, "group", "webhook", {"text": "大家好"})
    bot.send(ctx, "group", "webhook", {"text": "x", "markdown": "## 今日新岗位"})
    bot.send(ctx, "group", "webhook", {"text": "华工激光", "title": "新岗位", "url": "https://x.test/m/1"})
    assert {r.url.params["key"] for r in platform.requests} == {"test-webhook-key-only"}
    sent = platform.sent(HOOK)
    assert [s["msgtype"] for s in sent] == ["text", "markdown", "news"]
    assert sent[2]["news"]["articles"][0] == {"title": "新岗位", "description": "华工激光", "url": "https://x.test/m/1"}


def test_robot_rate_limit_and_bad_key() -> None:
    platform = FakePlatform({HOOK: reply(errcode=45009, errmsg="api freq out of limit")})
    with pytest.raises(TransientSendError) as err:
        WecomBotAdapter(WECOM_HOOK_ONLY).send(platform.context(), "group", "webhook", {"text": "hi"})
    assert err.value.retry_after_s == 60.0
    platform = FakePlatform({HOOK: reply(errcode=93000, errmsg="invalid webhook url")})
    with pytest.raises(PermanentSendError, match="webhook_key"):
        WecomBotAdapter(WECOM_HOOK_ONLY).send(platform.context(), "group", "webhook", {"text": "hi"})


def test_robot_cannot_message_a_person_without_response_url() -> None:
    with pytest.raises(PermanentSendError):
        WecomBotAdapter(WECOM_HOOK_ONLY).send(FakePlatform().context(), "user", "zhangsan", {"text": "hi"})


def test_smart_robot_answers_through_response_url() -> None:
    platform = FakePlatform({"/cgi-bin/aibot/response": reply(errcode=0, errmsg="ok")})
    payload = {"text": "第二条", "response_url": "http://wecom.test/cgi-bin/aibot/response?response_code=R1"}
    WecomBotAdapter(WECOM_BOT).send(platform.context(), "user", "zhangsan", payload)
    assert platform.requests[0].url.params["response_code"] == "R1"
    assert platform.sent("/cgi-bin/aibot/response") == [{"msgtype": "markdown", "markdown": {"content": "第二条"}}]
