"""WeChat Official Account (公众号): plaintext, compatible and safe (AES) modes, passive replies, outbound messages.

Every POST carries `signature` = SHA-1(token, timestamp, nonce); encrypted ones (`encrypt_type=aes`) also carry
`msg_signature` over the ciphertext. WeChat waits 5 s and retries 3 times, so the answer is either one passive
reply (encrypted when the request was) or the literal `success`; everything else goes out as customer-service
messages (48 h after the user's last message) or template messages through the outbox.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

import httpx
import structlog
from wechatpy import parse_message
from wechatpy.replies import TextReply

from bot.channels.base import (
    Accepted,
    BaseAdapter,
    HttpReply,
    Outcome,
    SendContext,
    TargetKind,
    WebhookRequest,
    payload_message,
    query,
    require_query,
)
from bot.channels.http import WECHAT_TOKEN_CODES, wx_post, wx_token
from bot.channels.wxcrypto import WxCipher, cdata_safe, encrypted_xml, parse_xml, verify_signature
from bot.config import WechatMpChannel
from bot.domain import Capabilities, ChannelKind, InboundKind, InboundMessage, OutboundMessage
from bot.errors import BadPayload, BadSignature, PermanentSendError

log = structlog.get_logger(__name__)

_REQUIRED = ("ToUserName", "FromUserName", "CreateTime", "MsgType")
_EVENT_KINDS = {
    "subscribe": InboundKind.SUBSCRIBE,
    "subscribe_scan": InboundKind.SUBSCRIBE,
    "unsubscribe": InboundKind.UNSUBSCRIBE,
    "click": InboundKind.CLICK,
}


class WechatMpAdapter(BaseAdapter):
    kind = ChannelKind.WECHAT_MP
    capabilities = Capabilities(
        passive_reply_window_s=5.0,
        can_push_user=True,
        can_push_group=False,
        user_push_window_s=48 * 3600.0,
        per_window_limit=5,
        max_text_chars=600,  # a text reply is limited to 2048 bytes of UTF-8
        supports_links=True,
    )
    max_passive_replies = 1

    def __init__(self, cfg: WechatMpChannel) -> None:
        super().__init__(cfg.account, cfg.max_clock_skew_s)
        self.cfg = cfg
        self._cipher = WxCipher(cfg.encoding_aes_key, cfg.app_id) if cfg.encoding_aes_key else None

    # ------------------------------------------------------------------------------------------------ inbound

    def verify_url(self, req: WebhookRequest) -> HttpReply:
        sig, ts, nonce = require_query(req, "signature", "timestamp", "nonce")
        verify_signature(sig, self.cfg.token, ts, nonce)
        self.check_skew(ts, req.now)
        echostr = query(req, "echostr")
        if echostr is None:
            raise BadPayload("URL 校验请求缺少 echostr 参数")
        return HttpReply.text(echostr)

    def accept(self, req: WebhookRequest) -> Outcome:
        sig, ts, nonce = require_query(req, "signature", "timestamp", "nonce")
        verify_signature(sig, self.cfg.token, ts, nonce)
        self.check_skew(ts, req.now)
        outer = parse_xml(req.body)
        encrypted = (query(req, "encrypt_type") or "raw").lower() == "aes"
        if encrypted:
            xml = self._decrypt(req, outer, ts, nonce)
            fields = parse_xml(xml)
        else:
            xml, fields = _utf8(req.body), outer
        message = self._to_inbound(xml, fields)
        envelope = {"encrypted": encrypted, "user": fields["FromUserName"], "me": fields["ToUserName"]}
        return Accepted(message, envelope)

    def _decrypt(self, req: WebhookRequest, outer: Mapping[str, str], ts: str, nonce: str) -> str:
        if self._cipher is None:
            raise BadPayload("收到加密消息，但该公众号账号未配置 encoding_aes_key")
        msg_sig = query(req, "msg_signature")
        if msg_sig is None:
            raise BadSignature("加密消息缺少 msg_signature 参数")
        encrypted = outer.get("Encrypt")
        if not encrypted:
            raise BadPayload("加密消息缺少 Encrypt 字段")
        verify_signature(msg_sig, self.cfg.token, ts, nonce, encrypted)
        return self._cipher.decrypt(encrypted)

    def _to_inbound(self, xml: str, fields: Mapping[str, str]) -> InboundMessage:
        missing = [name for name in _REQUIRED if not fields.get(name)]
        if missing:
            raise BadPayload(f"消息缺少字段：{', '.join(missing)}")
        try:
            sent_at = datetime.fromtimestamp(int(fields["CreateTime"]), tz=UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise BadPayload(f"无法解析公众号消息：CreateTime {fields['CreateTime']!r}") from exc
        user, msg_type = fields["FromUserName"], fields["MsgType"].lower()
        common: dict[str, Any] = {"channel": self.kind, "account": self.account, "user_id": user, "sent_at": sent_at}
        if msg_type == "text":
            # The hot path: the flat fields already hold everything a text message has.
            msg_id = fields.get("MsgId") or ""
            key = f"msg:{msg_id}" if msg_id else f"txt:{user}:{fields['CreateTime']}"
            return InboundMessage(text=fields.get("Content", ""), dedupe_key=key, msg_id=msg_id or None, **common)
        if msg_type == "event":
            # Events are rare; wechatpy's model knows their variants (subscribe_scan, scene ids, menu keys).
            try:
                parsed = parse_message(xml)
            except (KeyError, ValueError, TypeError) as exc:
                raise BadPayload(f"无法解析公众号事件：{exc}") from exc
            event = (fields.get("Event") or "").lower()
            kind = _EVENT_KINDS.get(getattr(parsed, "event", event), InboundKind.OTHER)
            if kind is InboundKind.OTHER:
                log.info("wechat_mp.event_ignored", account=self.account, event_type=event)
            key = f"evt:{user}:{fields['CreateTime']}:{event}"
            event_key = getattr(parsed, "key", None) or getattr(parsed, "scene_id", None) or fields.get("EventKey")
            return InboundMessage(text="", dedupe_key=key, kind=kind, event_key=event_key or None, **common)
        log.info("wechat_mp.unsupported_type", account=self.account, msg_type=msg_type)
        msg_id = fields.get("MsgId") or ""
        key = f"msg:{msg_id}" if msg_id else f"oth:{user}:{fields['CreateTime']}:{msg_type}"
        return InboundMessage(text="", dedupe_key=key, kind=InboundKind.OTHER, msg_id=msg_id or None, **common)

    # ------------------------------------------------------------------------------------------ passive reply

    def render(self, accepted: Accepted, replies: Sequence[OutboundMessage]) -> HttpReply:
        if not replies:
            return HttpReply.text("success")
        env = accepted.envelope
        sent_at = accepted.message.sent_at
        # The inbound CreateTime keeps the plaintext answer to WeChat's retries byte-identical.
        when = int(sent_at.timestamp()) if sent_at else 0
        xml = TextReply(source=env["me"], target=env["user"], content=cdata_safe(wechat_text(replies[0])), time=when)
        rendered: str = xml.render()
        if env.get("encrypted") and self._cipher is not None:
            return HttpReply.xml(encrypted_xml(self.cfg.token, self._cipher, rendered, str(when)))
        return HttpReply.xml(rendered)

    # ----------------------------------------------------------------------------------------------- outbound

    def send(
        self, ctx: SendContext, target_kind: TargetKind, target_id: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        if target_kind != "user":
            raise PermanentSendError("公众号不能向群发送消息")
        base = self.cfg.api_base.rstrip("/")
        if payload.get("template_id"):
            body: dict[str, Any] = {
                "touser": target_id,
                "template_id": payload["template_id"],
                "data": payload.get("data") or {},
            }
            if payload.get("url"):
                body["url"] = payload["url"]
            url, what = f"{base}/cgi-bin/message/template/send", "公众号模板消息"
        else:
            text = wechat_text(payload_message(payload))
            body = {"touser": target_id, "msgtype": "text", "text": {"content": text}}
            url, what = f"{base}/cgi-bin/message/custom/send", "公众号客服消息"
        return wx_post(
            ctx,
            kind=self.kind,
            account=self.account,
            fetch=lambda: self.fetch_token(ctx.http),
            url=url,
            body=body,
            what=what,
            token_codes=WECHAT_TOKEN_CODES,
        )

    def fetch_token(self, http: httpx.Client) -> tuple[str, float]:
        params = {"grant_type": "client_credential", "appid": self.cfg.app_id, "secret": self.cfg.app_secret}
        return wx_token(http, f"{self.cfg.api_base.rstrip('/')}/cgi-bin/token", params, what="获取公众号 access_token")

    def check(self, http: httpx.Client) -> str:
        _, lifetime = self.fetch_token(http)
        return f"已获取 access_token（有效期 {int(lifetime)} 秒）"


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadPayload("消息不是 UTF-8 编码") from exc


def wechat_text(msg: OutboundMessage) -> str:
    """WeChat text with its link as an <a> tag (WeChat renders those in text messages)."""
    text = msg.text.strip()
    if msg.url and msg.url not in text:
        link = f'<a href="{escape(msg.url, quote=True)}">{escape(msg.title or "查看详情")}</a>'
        text = f"{text}\n{link}" if text else link
    return text
