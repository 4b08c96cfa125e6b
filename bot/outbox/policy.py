"""What the outbox does after one send (pure): mark sent, retry later (backoff with jitter), or park.

- Success, or the platform's own "already received this one" answer to a resend: sent.
- TransientSendError: retry after an exponential back-off with jitter, never sooner than the platform's
  `retry_after_s`; an expired token is retried at once, one time (the adapter already dropped the stale token).
- PermanentSendError, or `max_attempts` attempts used up: parked with the last error, for an admin to retry.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain import ChannelKind
from bot.errors import ChannelError, PermanentSendError, SendError, TransientSendError, UnknownAccount

# Platform answers meaning "this exact request was received before": the resend after a crash was dropped by
# the platform's own deduplication, so the message is delivered (QQ bot: same msg_id + msg_seq, 消息被去重).
ALREADY_DELIVERED: Mapping[ChannelKind, frozenset[int]] = {ChannelKind.QQBOT: frozenset({40054005})}


class Verdict(enum.StrEnum):
    SENT = "sent"
    RETRY = "retry"
    PARK = "park"


@dataclass(frozen=True, slots=True)
class Backoff:
    base_s: float = 30.0
    factor: float = 2.0
    cap_s: float = 3600.0
    jitter: float = 0.5  # the delay is scaled by a random factor in [1 - jitter, 1 + jitter]

    def delay(self, attempts: int, retry_after_s: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait after the `attempts`-th failed attempt (1 = the first)."""
        raw = min(self.cap_s, self.base_s * self.factor ** max(attempts - 1, 0))
        spread = (rng or random).uniform(1.0 - self.jitter, 1.0 + self.jitter)
        delay = raw * spread
        if retry_after_s is not None:
            delay = max(delay, float(retry_after_s))
        return delay


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    error: str | None = None
    delay_s: float = 0.0
    response: dict[str, Any] | None = None


def judge(
    channel: ChannelKind | str,
    exc: Exception,
    *,
    attempts: int,
    max_attempts: int,
    backoff: Backoff,
    rng: random.Random | None = None,
) -> Judgement:
    """The verdict on a failed send (`attempts` counts this one)."""
    if already_delivered(channel, exc):
        response = exc.response if isinstance(exc, SendError) and isinstance(exc.response, dict) else {}
        return Judgement(Verdict.SENT, response={**response, "jiuye_note": "平台去重：此前的请求已送达"})
    message = describe(exc)
    if isinstance(exc, PermanentSendError | UnknownAccount):
        return Judgement(Verdict.PARK, f"无法发送：{message}")
    if attempts >= max_attempts:
        return Judgement(Verdict.PARK, f"已尝试 {attempts} 次仍失败：{message}")
    retry_after = exc.retry_after_s if isinstance(exc, TransientSendError) else None
    return Judgement(Verdict.RETRY, message, backoff.delay(attempts, retry_after, rng))


def already_delivered(channel: ChannelKind | str, exc: Exception) -> bool:
    codes = ALREADY_DELIVERED.get(ChannelKind(channel))
    if not codes or not isinstance(exc, SendError) or not isinstance(exc.response, dict):
        return False
    code = exc.response.get("code", exc.response.get("errcode"))
    return isinstance(code, int) and code in codes


def describe(exc: Exception) -> str:
    """A Chinese one-liner for the row's last_error (our errors already are; anything else is named)."""
    if isinstance(exc, ChannelError):
        return str(exc)[:1000] or type(exc).__name__
    return f"发送时出现意外错误（{type(exc).__name__}）：{str(exc)[:500]}"
