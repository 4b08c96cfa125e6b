"""WeCom robots: the group robot webhook (send-only) and the 智能机器人 callback (encrypted JSON, @-messages).

Group robot: POST `/cgi-bin/webhook/send?key=...` with text, markdown or news; at most 20 messages a minute.

智能机器人 (documented at developer.work.weixin.qq.com/document/path/101033 and 101031): the same signature and AES
scheme as the WeCom app but JSON instead of XML and an empty ReceiveId. A POST body is `{"encrypt": "..."}`; the
plaintext carries msgid, aibotid, chattype (single|group), chatid (groups), from.userid, response_url and msgtype
(text, mixed, image, voice, file, event, stream). A message may be answered passively with an encrypted JSON
envelope `{"encrypt", "msgsignature", "timestamp", "nonce"}` around a `stream` message (finish=true: the whole
answer at once); later answers go to `response_url`. `stream` refresh callbacks are acknowledged empty because
every answer here is sent finished.
"""

from __future__ import annotations

import json
import re
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
    base64_query_value,
    join_texts,
    message_payload,
    parse_json_object,
    payload_message,
    plain_text,
    require_query,
)
from bot.channels.http import check_wx_errcode, client_error, request_json
from bot.channels.wxcrypto import WxCipher, encrypted_json, verify_signature
from bot.config import WecomBotChannel
from bot.domain import Capabilities, ChannelKind, InboundKind, InboundMessage, OutboundMessage
from bot.errors import BadPayload, PermanentSendError

log = structlog.get_logger(__name__)

_LEADING_AT = re.compile(r"^\s*@\S+\s*")
INVALID_WEBHOOK = 93000


class WecomBotAdapter(BaseAdapter):
    kind = ChannelKind.WECOM_BOT
    max_passive_replies = 1

    def __init__(self, cfg: WecomBotChannel) -> None:
        super().__init__(cfg.account, cfg.max_clock_skew_s)
        self.cfg = cfg
        has_callback = bool(cfg.token and cfg.encoding_aes_key)
        self._cipher = WxCipher(cfg.encoding_aes_key, "") if has_callback and cfg.encoding_aes_key else None
        self.capabilities = Capabilities(
            passive_reply_window_s=5.0 if has_callback else None,
            can_push_user=False,
            can_push_group=bool(cfg.webhook_key),
            rate_per_minute=cfg.per_minute,
            max_text_chars=600,  # text is limited to 2048 bytes, markdown to 4096
            supports_links=True,
        )

    # ------------------------------------------------------------------------------------------------ inbound

    def _callback(self) -> tuple[str, WxCipher]:
        if self._cipher is None or not self.cfg.token:
            raise BadPayload("该机器人未配置回调（token 和 encoding_aes_key），只能发送群消息", status=405)
        return self.cfg.token, self._cipher

    def verify_url(self, req: WebhookRequest) -> HttpReply:
        token, cipher = self._callback()
        sig, ts, nonce, echostr = require_query(req, "msg_signature", "timestamp", "nonce", "echostr")
        echostr = base64_query_value(echostr)
        verify_signature(sig, token, ts, nonce, echostr)
        self.check_skew(ts, req.now)
        return HttpReply.text(cipher.decrypt(echostr))

    def accept(self, req: WebhookRequest) -> Outcome:
        token, cipher = self._callback()
        sig, ts, nonce = require_query(req, "msg_signature", "timestamp", "nonce")
        outer = parse_json_object(req.body)
        encrypted = outer.get("encrypt")
        if not isinstance(encrypted, str) or not encrypted:
            raise BadPayload("智能机器人回调缺少 encrypt 字段")
        verify_signature(sig, token, ts, nonce, encrypted)
        sent_at = self.check_skew(ts, req.now)
        data = parse_json_object(cipher.decrypt(encrypted))
        msgtype = str(data.get("msgtype") or "")
        if msgtype == "stream":
            return HttpReply.text("")
        user = _nested(data, "from", "userid")
        msgid = str(data.get("msgid") or "")
        if not user or not msgid:
            raise BadPayload("智能机器人消息缺少 msgid 或 from.userid")
        group = str(data.get("chatid") or "") if data.get("chattype") == "group" else ""
        text, kind, event_key = _content(data, msgtype)
        if kind is InboundKind.OTHER:
            log.info("wecom_bot.unsupported_type", account=self.account, msgtype=msgtype, event_type=event_key)
        context = {"response_url": data["response_url"]} if data.get("response_url") else {}
        message = InboundMessage(
            channel=self.kind,
            account=self.account,
            user_id=user,
            text=text,
            dedupe_key=f"msg:{msgid}",
            kind=kind,
            group_id=group or None,
            to_me=True,  # the platform only forwards @-messages from groups
            msg_id=msgid,
            event_key=event_key,
            sent_at=sent_at,
            reply_context=context,
        )
        return Accepted(message, {"msgid": msgid, "timestamp": ts, "event": msgtype == "event"})

    # ------------------------------------------------------------------------------------------ passive reply

    def render(self, accepted: Accepted, replies: Sequence[OutboundMessage]) -> HttpReply:
        if not replies:
            return HttpReply.text("")
        token, cipher = self._callback()
        env = accepted.envelope
        content = replies[0].markdown or plain_text(replies[0])
        if env.get("event"):
            body: dict[str, Any] = {"msgtype": "text", "text": {"content": content}}
        else:
            body = {"msgtype": "stream", "stream": {"id": f"s-{env['msgid']}", "finish": True, "content": content}}
        plain = json.dumps(body, ensure_ascii=False)
        return HttpReply.json_bytes(encrypted_json(token, cipher, plain, str(env["timestamp"])))

    def reply_payloads(self, msg: InboundMessage, replies: Sequence[OutboundMessage]) -> list[dict[str, Any]]:
        out = [message_payload(r) for r in replies]
        if msg.reply_context.get("response_url"):
            # response_url takes one answer: the remaining replies travel together.
            merged = {"text": join_texts(replies), "response_url": msg.reply_context["response_url"]}
            return [merged]
        return out

    # ----------------------------------------------------------------------------------------------- outbound

    def send(
        self, ctx: SendContext, target_kind: TargetKind, target_id: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        if payload.get("response_url"):
            body = {"msgtype": "markdown", "markdown": {"content": _markdown(payload)}}
            return self._post(ctx, str(payload["response_url"]), None, body, "智能机器人回复")
        if target_kind != "group":
            raise PermanentSendError("群机器人只能向所在的群发送消息，不能私聊")
        if not self.cfg.webhook_key:
            raise PermanentSendError("该机器人未配置 webhook_key，不能主动发送群消息")
        url = f"{self.cfg.api_base.rstrip('/')}/cgi-bin/webhook/send"
        return self._post(ctx, url, {"key": self.cfg.webhook_key}, robot_message_body(payload), "群机器人消息")

    def _post(
        self, ctx: SendContext, url: str, params: Mapping[str, str] | None, body: Mapping[str, Any], what: str
    ) -> dict[str, Any]:
        status, data = request_json(ctx.http, "POST", url, params=params, json=body, what=what)
        if status >= 400:
            raise client_error(status, data, what=what)
        if data.get("errcode") == INVALID_WEBHOOK:
            raise PermanentSendError(f"{what}：webhook_key 无效", code=INVALID_WEBHOOK, response=data)
        return check_wx_errcode(data, what=what, token_codes=())

    def check(self, http: httpx.Client) -> str:
        parts = []
        if self.cfg.webhook_key:
            parts.append("群机器人 webhook 无法在不发消息的情况下校验（已跳过）")
        if self._cipher is not None:
            parts.append("回调 Token / EncodingAESKey 格式正确")
        if not parts:
            raise PermanentSendError("既没有 webhook_key，也没有回调 token / encoding_aes_key")
        return "；".join(parts)


def robot_message_body(payload: Mapping[str, Any]) -> dict[str, Any]:
    msg = payload_message(payload)
    msgtype = payload.get("msgtype") or ("markdown" if msg.markdown else "news" if msg.url else "text")
    if msgtype == "markdown":
        return {"msgtype": "markdown", "markdown": {"content": msg.markdown or msg.text}}
    if msgtype == "news":
        if not msg.url:
            raise PermanentSendError("图文消息需要链接（url）")
        article = {"title": msg.title or msg.text[:30], "description": msg.text, "url": msg.url}
        return {"msgtype": "news", "news": {"articles": [article]}}
    return {"msgtype": "text", "text": {"content": plain_text(msg)}}


def _markdown(payload: Mapping[str, Any]) -> str:
    msg = payload_message(payload)
    if msg.markdown:
        return msg.markdown
    if msg.url:
        return f"{msg.text}\n[{msg.title or '查看详情'}]({msg.url})"
    return msg.text


def _nested(data: Mapping[str, Any], outer: str, inner: str) -> str:
    value = data.get(outer)
    return str(value.get(inner) or "") if isinstance(value, dict) else ""


def _content(data: Mapping[str, Any], msgtype: str) -> tuple[str, InboundKind, str | None]:
    """(text without the leading @mention, kind, event type)."""
    if msgtype == "text":
        return _LEADING_AT.sub("", _nested(data, "text", "content"), count=1).strip(), InboundKind.TEXT, None
    if msgtype == "mixed":
        items = data.get("mixed", {}).get("msg_item", []) if isinstance(data.get("mixed"), dict) else []
        texts = [_nested(i, "text", "content") for i in items if isinstance(i, dict) and i.get("msgtype") == "text"]
        if texts:
            return _LEADING_AT.sub("", " ".join(texts), count=1).strip(), InboundKind.TEXT, None
    if msgtype == "event":
        return "", InboundKind.OTHER, _nested(data, "event", "eventtype") or None
    return "", InboundKind.OTHER, None
