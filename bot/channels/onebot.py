"""QQ through a OneBot v11 implementation (NapCat, LLOneBot, Lagrange) in HTTP POST mode.

Events arrive as JSON with `X-Self-ID` and, when a secret is configured, `X-Signature: sha1=<HMAC-SHA1(secret,
raw body)>`. Message events reach the core; meta events (heartbeat, lifecycle), notices and requests are
acknowledged with 204. One answer rides back as a quick operation (`{"reply": ..., "at_sender": ...}`); further
answers go out through the HTTP API (`send_private_msg` / `send_group_msg`, bearer token).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import structlog

from bot.channels.base import (
    Accepted,
    BaseAdapter,
    HttpReply,
    Outcome,
    SendContext,
    TargetKind,
    WebhookRequest,
    header,
    parse_json_object,
    payload_message,
    plain_text,
)
from bot.channels.cqcode import segments_of, text_and_mention
from bot.channels.http import request_json
from bot.config import OnebotChannel
from bot.domain import Capabilities, ChannelKind, InboundKind, InboundMessage, OutboundMessage
from bot.errors import BadPayload, BadSignature, PermanentSendError, TransientSendError

log = structlog.get_logger(__name__)

# retcode: 0 ok, 1 accepted asynchronously; 100 bad params, 102 bad data, 104 no permission: retrying cannot help.
_OK_RETCODES = frozenset({0, 1})
_PERMANENT_RETCODES = frozenset({100, 102, 104})


class OnebotAdapter(BaseAdapter):
    kind = ChannelKind.ONEBOT
    capabilities = Capabilities(
        passive_reply_window_s=5.0,
        can_push_user=True,
        can_push_group=True,
        max_text_chars=1500,
        supports_links=True,
    )
    max_passive_replies = 1

    def __init__(self, cfg: OnebotChannel) -> None:
        super().__init__(cfg.account, cfg.max_clock_skew_s)
        self.cfg = cfg

    # ------------------------------------------------------------------------------------------------ inbound

    def accept(self, req: WebhookRequest) -> Outcome:
        self._verify(req)
        event = parse_json_object(req.body)
        self_id = str(event.get("self_id") or "")
        claimed = header(req, "x-self-id")
        if claimed and self_id and claimed != self_id:
            raise BadPayload(f"X-Self-ID（{claimed}）与事件中的 self_id（{self_id}）不一致")
        post_type = event.get("post_type")
        if post_type is None:
            raise BadPayload("OneBot 事件缺少 post_type")
        sent_at = self.check_skew(event.get("time"), req.now)
        if post_type != "message":
            # heartbeat/lifecycle, notices, friend/group requests and our own sent messages: nothing for the core.
            log.debug("onebot.acknowledged", account=self.account, post_type=post_type)
            return HttpReply.empty()
        message_type = event.get("message_type")
        if message_type not in ("private", "group"):
            log.info("onebot.unsupported_message_type", account=self.account, message_type=message_type)
            return HttpReply.empty()
        user = str(event.get("user_id") or "")
        message_id = event.get("message_id")
        if not user or message_id is None or not self_id:
            raise BadPayload("消息事件缺少 self_id、user_id 或 message_id")
        text, mentioned = text_and_mention(segments_of(event.get("message", "")), self_id)
        group = str(event.get("group_id") or "") if message_type == "group" else ""
        if message_type == "group" and not group:
            raise BadPayload("群消息缺少 group_id")
        message = InboundMessage(
            channel=self.kind,
            account=self.account,
            user_id=user,
            text=text,
            dedupe_key=f"{self_id}:{message_id}",
            kind=InboundKind.TEXT if text else InboundKind.OTHER,
            group_id=group or None,
            to_me=message_type == "private" or mentioned,
            msg_id=str(message_id),
            sent_at=sent_at,
            reply_context={"self_id": self_id},
        )
        return Accepted(message, {"group": bool(group)})

    def _verify(self, req: WebhookRequest) -> None:
        if not self.cfg.secret:
            return
        given = header(req, "x-signature")
        if given is None:
            raise BadSignature("缺少 X-Signature 签名头")
        expected = "sha1=" + hmac.new(self.cfg.secret.encode("utf-8"), req.body, hashlib.sha1).hexdigest()
        if not hmac.compare_digest(expected.encode(), given.strip().lower().encode()):
            raise BadSignature("X-Signature 签名校验失败：secret 不一致或请求被篡改")

    # ------------------------------------------------------------------------------------------ passive reply

    def render(self, accepted: Accepted, replies: Sequence[OutboundMessage]) -> HttpReply:
        if not replies:
            return HttpReply.empty()
        # auto_escape: our text is sent as-is, so a user's words echoed back can never smuggle in CQ codes.
        body: dict[str, Any] = {"reply": plain_text(replies[0]), "auto_escape": True}
        if accepted.envelope.get("group"):
            body["at_sender"] = True
        return HttpReply.json_bytes(json.dumps(body, ensure_ascii=False).encode("utf-8"))

    # ----------------------------------------------------------------------------------------------- outbound

    def send(
        self, ctx: SendContext, target_kind: TargetKind, target_id: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        if not target_id.isdigit():
            raise PermanentSendError(f"QQ 号或群号应为数字：{target_id[:32]}")
        text = plain_text(payload_message(payload))
        if target_kind == "group":
            action, body = "send_group_msg", {"group_id": int(target_id), "message": text, "auto_escape": True}
        else:
            action, body = "send_private_msg", {"user_id": int(target_id), "message": text, "auto_escape": True}
        return self.call(ctx.http, action, body)

    def call(self, http: httpx.Client, action: str, body: Mapping[str, Any]) -> dict[str, Any]:
        what = f"OneBot {action}"
        headers = {"Authorization": f"Bearer {self.cfg.access_token}"} if self.cfg.access_token else {}
        url = f"{self.cfg.api_base.rstrip('/')}/{action}"
        status, data = request_json(http, "POST", url, json=body, headers=headers, what=what)
        if status in (401, 403):
            raise PermanentSendError(f"{what}：access_token 不正确（HTTP {status}）", code=status, response=data)
        if status >= 400:
            raise PermanentSendError(f"{what}：接口不存在或请求无效（HTTP {status}）", code=status, response=data)
        retcode = data.get("retcode")
        if retcode in _OK_RETCODES:
            return data
        detail = data.get("wording") or data.get("message") or data.get("msg") or data.get("status") or ""
        msg = f"{what}：返回 retcode={retcode} {detail}".strip()
        if retcode in _PERMANENT_RETCODES:
            raise PermanentSendError(msg, code=retcode, response=data)
        raise TransientSendError(msg, code=retcode if isinstance(retcode, int) else None, response=data)

    def check(self, http: httpx.Client) -> str:
        data = self.call(http, "get_login_info", {}).get("data") or {}
        return f"已连接 QQ 账号 {data.get('nickname', '')}（{data.get('user_id', '?')}）"
