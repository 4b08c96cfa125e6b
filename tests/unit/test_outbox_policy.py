"""What the outbox does after a failed send (pure): back-off with jitter, Retry-After, parking, platform dedupe."""

from __future__ import annotations

import random

from bot.domain import ChannelKind
from bot.errors import PermanentSendError, TransientSendError, UnknownAccount
from bot.outbox.policy import Backoff, Verdict, judge
from bot.push.payloads import PushMessage, message_of, payload_for
from bot.push.planner import Mode, PushKind

BACKOFF = Backoff(base_s=30, factor=2, cap_s=3600, jitter=0.5)


def test_backoff_grows_is_capped_and_jittered() -> None:
    rng = random.Random(7)
    for attempts in range(1, 12):
        raw = min(3600, 30 * 2 ** (attempts - 1))
        delays = [BACKOFF.delay(attempts, rng=rng) for _ in range(200)]
        assert raw * 0.5 <= min(delays) and max(delays) <= raw * 1.5
        assert len({round(d, 3) for d in delays}) > 100  # spread out, so workers do not retry in lock-step
    assert Backoff(jitter=0).delay(3) == 120.0


def test_retry_after_is_a_floor() -> None:
    assert Backoff(jitter=0).delay(1, retry_after_s=600) == 600
    assert Backoff(jitter=0).delay(8, retry_after_s=5) == 3600


def test_judge_retries_transient_and_parks_permanent_or_exhausted() -> None:
    busy = TransientSendError("公众号客服消息：平台返回错误 -1 system busy", code=-1)
    retry = judge(ChannelKind.WECOM, busy, attempts=2, max_attempts=8, backoff=Backoff(jitter=0))
    assert (retry.verdict, retry.delay_s, retry.error) == (Verdict.RETRY, 60.0, str(busy))
    last = judge(ChannelKind.WECOM, busy, attempts=8, max_attempts=8, backoff=BACKOFF)
    assert last.verdict is Verdict.PARK and last.error == f"已尝试 8 次仍失败：{busy}"
    refused = judge(ChannelKind.WECOM, PermanentSendError("用户不存在"), attempts=1, max_attempts=8, backoff=BACKOFF)
    assert (refused.verdict, refused.error) == (Verdict.PARK, "无法发送：用户不存在")
    gone = judge(
        ChannelKind.WECOM, UnknownAccount("未配置的渠道账号：wecom/x"), attempts=1, max_attempts=8, backoff=BACKOFF
    )
    assert gone.verdict is Verdict.PARK
    odd = judge(ChannelKind.ONEBOT, ValueError("boom"), attempts=1, max_attempts=8, backoff=BACKOFF)
    assert odd.verdict is Verdict.RETRY and "意外错误（ValueError）" in (odd.error or "")


def test_platform_dedupe_answer_is_a_delivery_only_where_the_platform_has_one() -> None:
    dup = PermanentSendError("QQ 机器人回复：平台拒绝（HTTP 400）", code=400, response={"code": 40054005})
    assert judge(ChannelKind.QQBOT, dup, attempts=2, max_attempts=8, backoff=BACKOFF).verdict is Verdict.SENT
    assert judge(ChannelKind.ONEBOT, dup, attempts=2, max_attempts=8, backoff=BACKOFF).verdict is Verdict.PARK
    other = PermanentSendError("x", code=400, response={"code": 11255})
    assert judge(ChannelKind.QQBOT, other, attempts=1, max_attempts=8, backoff=BACKOFF).verdict is Verdict.PARK


def test_payloads_keep_the_neutral_message_for_replanning() -> None:
    msg = PushMessage(
        text="同学，工作有着落了吗？",
        title="就业状态询问（这是一个特别长的标题，会被截断）",
        summary="请回复",
        url="http://x/m/t",
    )
    cs = payload_for(PushKind.CHECKIN, Mode.CUSTOMER_SERVICE, msg, template_id=None, when="2026-06-02 09:00")
    template = payload_for(PushKind.CHECKIN, Mode.TEMPLATE, msg, template_id="TPL", when="2026-06-02 09:00")
    assert "template_id" not in cs and template["template_id"] == "TPL" and template["url"] == "http://x/m/t"
    assert template["data"]["keyword2"] == {"value": "2026-06-02 09:00"}
    assert len(template["data"]["first"]["value"]) == 20 and template["data"]["first"]["value"].endswith("…")
    assert message_of(template) == message_of(cs) == msg
    assert payload_for(PushKind.CHECKIN, Mode.APP, msg, template_id=None, when="")["duplicate_check"] is True
