"""Outbound HTTP for the adapters: one place that turns network trouble and platform error codes into typed errors.

Transient (retry later): time-outs, connection errors, 5xx, 429, "system busy", frequency limits, expired tokens.
Permanent (park the row): the platform refused this message for good (bad target, no permission, out of window).
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Callable, Collection, Mapping
from typing import Any

import httpx

from bot.channels.base import SendContext
from bot.domain import ChannelKind
from bot.errors import PermanentSendError, TransientSendError

# WeChat and WeCom codes worth retrying: system busy, frequency limits, server-side time-outs.
WX_TRANSIENT = frozenset({-1, 45009, 45011, 45033})
WECHAT_TOKEN_CODES = frozenset({40001, 40014, 42001, 41001})
WECOM_TOKEN_CODES = frozenset({40014, 42001, 41001})


def request_json(
    http: httpx.Client,
    method: str,
    url: str,
    *,
    what: str,
    params: Mapping[str, Any] | None = None,
    json: Any = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """Send a request; transport problems, 5xx, 429 and unreadable answers raise, other statuses are returned."""
    content = None
    hdrs = dict(headers or {})
    if json is not None:
        # Not httpx's json=: WeChat shows \uXXXX escapes literally, so send real UTF-8.
        content = jsonlib.dumps(json, ensure_ascii=False).encode("utf-8")
        hdrs.setdefault("Content-Type", "application/json; charset=utf-8")
    try:
        resp = http.request(method, url, params=params, content=content, headers=hdrs)
    except httpx.TimeoutException as exc:
        raise TransientSendError(f"{what}：请求超时", code="timeout") from exc
    except httpx.HTTPError as exc:
        raise TransientSendError(f"{what}：网络错误（{type(exc).__name__}）", code="network") from exc
    if resp.status_code == 429:
        raise TransientSendError(
            f"{what}：触发平台限流（HTTP 429）",
            code=429,
            response=_safe_text(resp),
            retry_after_s=_retry_after(resp),
        )
    if resp.status_code >= 500:
        raise TransientSendError(f"{what}：平台服务异常（HTTP {resp.status_code}）", code=resp.status_code)
    if resp.status_code == 204 or not resp.content:
        return resp.status_code, {}
    try:
        data = resp.json()
    except ValueError as exc:
        raise TransientSendError(
            f"{what}：平台返回的不是 JSON（HTTP {resp.status_code}）", code=resp.status_code, response=_safe_text(resp)
        ) from exc
    if not isinstance(data, dict):
        raise TransientSendError(f"{what}：平台返回格式异常", code=resp.status_code, response=data)
    return resp.status_code, data


def check_wx_errcode(data: dict[str, Any], *, what: str, token_codes: Collection[int]) -> dict[str, Any]:
    """WeChat/WeCom answers `{"errcode": 0, ...}` on success, even with HTTP 200 on failure."""
    code = data.get("errcode", 0)
    try:
        code = int(code)
    except (TypeError, ValueError):
        code = -1
    if code == 0:
        return data
    msg = f"{what}：平台返回错误 {code} {data.get('errmsg', '')}".strip()
    if code in token_codes:
        raise TransientSendError(msg, code=code, response=data, token_expired=True)
    if code in WX_TRANSIENT:
        raise TransientSendError(msg, code=code, response=data, retry_after_s=60.0 if code == 45009 else None)
    raise PermanentSendError(msg, code=code, response=data)


def wx_post(
    ctx: SendContext,
    *,
    kind: ChannelKind,
    account: str,
    fetch: Callable[[], tuple[str, float]],
    url: str,
    body: Mapping[str, Any],
    what: str,
    token_codes: Collection[int],
) -> dict[str, Any]:
    """POST with the shared access token; an expired token is forgotten and reported as transient."""
    token = ctx.tokens.get(kind, account, fetch)
    status, data = request_json(ctx.http, "POST", url, params={"access_token": token}, json=body, what=what)
    if status >= 400:
        raise client_error(status, data, what=what)
    try:
        return check_wx_errcode(data, what=what, token_codes=token_codes)
    except TransientSendError as exc:
        if exc.token_expired:
            ctx.tokens.invalidate(kind, account, token)
        raise


def wx_token(http: httpx.Client, url: str, params: Mapping[str, str], *, what: str) -> tuple[str, float]:
    """Fetch a WeChat-style access token (`{"access_token": ..., "expires_in": ...}`)."""
    status, data = request_json(http, "GET", url, params=params, what=what)
    if status >= 400:
        raise client_error(status, data, what=what)
    check_wx_errcode(data, what=what, token_codes=())
    token = data.get("access_token")
    if not isinstance(token, str) or not token:
        raise TransientSendError(f"{what}：平台未返回 access_token", response=data)
    return token, _lifetime(data.get("expires_in"))


def _lifetime(value: object) -> float:
    try:
        return float(str(value))
    except ValueError:
        return 7200.0


def client_error(status: int, data: dict[str, Any], *, what: str) -> PermanentSendError:
    detail = data.get("message") or data.get("msg") or data.get("wording") or data.get("errmsg") or ""
    return PermanentSendError(f"{what}：平台拒绝（HTTP {status}）{detail}".strip(), code=status, response=data)


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("retry-after")
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _safe_text(resp: httpx.Response) -> str:
    return resp.text[:500]
