"""WeCom (企业微信) self-built app: encrypted callbacks, passive replies, app messages and `appchat` group chats.

Callbacks are always encrypted: GET URL verification decrypts `echostr`, POSTs carry `msg_signature` over the
ciphertext. App messages reach members at any time (text, markdown, textcard); group broadcasts go to chats the
app created itself through `appchat`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.replies import TextReply

from bot.channels.base import (
    Accepted,
    BaseAdapter,
    HttpReply,
    Outcome,
    SendContext,
    TargetKind,
    WebhookRequest,
    base64_query_value,
    payload_message,
    plain_text,
    require_query,
)
from bot.channels.http import WECOM_TOKEN_CODES, wx_post, wx_token
from bot.channels.wxcrypto import WxCipher, cdata_safe, encrypted_xml, parse_xml, verify_signature
from bot.config import WecomChannel
from bot.domain import Capabilities, ChannelKind, InboundKind, InboundMessage, OutboundMessage
from bot.errors import BadPayload, PermanentSendError

log = structlog.get_logger(__name__)

_REQUIRED = ("ToUserName", "FromUserName", "CreateTime", "MsgType")
_EVENT_KINDS = {"subscribe": InboundKind.SUBSCRIBE, "unsubscribe": InboundKind.UNSUBSCRIBE, "click": InboundKind.CLICK}


class WecomAdapter(BaseAdapter):
    kind = ChannelKind.WECOM
    capabilities = Capabilities(
        passive_reply_window_s=5.0,
        can_push_user=True,
        can_push_group=True,
        max_text_chars=600,  # text content is limited to 2048 bytes
        supports_links=True,
    )
    max_passive_replies = 1

    def __init__(self, cfg: WecomChannel) -> None:
        super().__init__(cfg.account, cfg.max_clock_skew_s)
        self.cfg = cfg
        self._cipher = WxCipher(cfg.encoding_aes_key, cfg.corp_id)

    # ------------------------------------------------------------------------------------------------ inbound

    def verify_url(self, req: WebhookRequest) -> HttpReply:
        sig, ts, nonce, echostr = require_query(req, "msg_signature", "timestamp", "nonce", "echostr")
        echostr = base64_query_value(echostr)
        verify_signature(sig, self.cfg.token, ts, nonce, echostr)
        self.check_skew(ts, req.now)
        return HttpReply.text(self._cipher.decrypt(echostr))

    def accept(self, req: WebhookRequest) -> Outcome:
        sig, ts, nonce = require_query(req, "msg_signature", "timestamp", "nonce")
        outer = parse_xml(req.body)
        encrypted = outer.get("Encrypt")
        if not encrypted:
            raise BadPayload("企业微信回调缺少 Encrypt 字段")
        verify_signature(sig, self.cfg.token, ts, nonce, encrypted)
        self.check_skew(ts, req.now)
        xml = self._cipher.decrypt(encrypted)
        fields = parse_xml(xml)
        message = self._to_inbound(xml, fields)
        envelope = {"user": fields["FromUserName"], "me": fields["ToUserName"], "agent": fields.get("AgentID") or ""}
        return Accepted(message, envelope)

    def _to_inbound(self, xml: str, fields: Mapping[str, str]) -> InboundMessage:
        missing = [name for name in _REQUIRED if not fields.get(name)]
        if missing:
            raise BadPayload(f"消息缺少字段：{', '.join(missing)}")
        agent = fields.get("AgentID")
        if agent and agent != str(self.cfg.agent_id):
            log.warning("wecom.other_agent", account=self.account, agent=agent, expected=self.cfg.agent_id)
        try:
            parsed = parse_message(xml)
            sent_at = datetime.fromtimestamp(int(fields["CreateTime"]), tz=UTC)
        except (KeyError, ValueError, TypeError, OverflowError) as exc:
            raise BadPayload(f"无法解析企业微信消息：{exc}") from exc
        user, msg_type = fields["FromUserName"], fields["MsgType"].lower()
        common: dict[str, Any] = {"channel": self.kind, "account": self.account, "user_id": user, "sent_at": sent_at}
        msg_id = fields.get("MsgId") or ""
        if msg_type == "text":
            key = f"msg:{msg_id}" if msg_id else f"txt:{user}:{fields['CreateTime']}"
            return InboundMessage(text=parsed.content or "", dedupe_key=key, msg_id=msg_id or None, **common)
        if msg_type == "event":
            event = (fields.get("Event") or "").lower()
            kind = _EVENT_KINDS.get(event, InboundKind.OTHER)
            if kind is InboundKind.OTHER:
                log.info("wecom.event_ignored", account=self.account, event_type=event)
            key = f"evt:{user}:{fields['CreateTime']}:{event}"
            return InboundMessage(
                text="", dedupe_key=key, kind=kind, event_key=fields.get("EventKey") or None, **common
            )
        log.info("wecom.unsupported_type", account=self.account, msg_type=msg_type)
        key = f"msg:{msg_id}" if msg_id else f"oth:{user}:{fields['CreateTime']}:{msg_type}"
        return InboundMessage(text="", dedupe_key=key, kind=InboundKind.OTHER, msg_id=msg_id or None, **common)

    # ------------------------------------------------------------------------------------------ passive reply

    def render(self, accepted: Accepted, replies: Sequence[OutboundMessage]) -> HttpReply:
        if not replies:
            return HttpReply.text("")
        env = accepted.envelope
        sent_at = accepted.message.sent_at
        when = int(sent_at.timestamp()) if sent_at else 0
        reply = TextReply(
            source=env["me"],
            target=env["user"],
            content=cdata_safe(plain_text(replies[0])),
            time=when,
            agent=int(env["agent"]) if str(env["agent"]).isdigit() else self.cfg.agent_id,
        )
        return HttpReply.xml(encrypted_xml(self.cfg.token, self._cipher, reply.render(), str(when)))

    # ----------------------------------------------------------------------------------------------- outbound

    def send(
        self, ctx: SendContext, target_kind: TargetKind, target_id: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        body = wecom_message_body(payload)
        base = self.cfg.api_base.rstrip("/")
        if target_kind == "user":
            body.update(touser=target_id, agentid=self.cfg.agent_id)
            if payload.get("duplicate_check"):
                # The platform drops an identical message resent within the interval (a send whose answer was
                # lost in a crash and that the outbox therefore tries again).
                body.update(enable_duplicate_check=1, duplicate_check_interval=1800)
            url, what = f"{base}/cgi-bin/message/send", "企业微信应用消息"
        else:
            body["chatid"] = target_id
            url, what = f"{base}/cgi-bin/appchat/send", "企业微信群聊消息"
        data = self._post(ctx, url, body, what)
        if target_kind == "user" and data.get("invaliduser"):
            raise PermanentSendError(f"{what}：成员不存在或不在应用可见范围内（{data['invaliduser']}）", response=data)
        return data

    def create_appchat(
        self, ctx: SendContext, *, name: str, owner: str, members: Sequence[str], chat_id: str | None = None
    ) -> str:
        """Create a group chat owned by the app (at least two members); returns its chat id."""
        if len(members) < 2:
            raise PermanentSendError("企业微信群聊至少需要 2 名成员")
        body: dict[str, Any] = {"name": name, "owner": owner, "userlist": list(members)}
        if chat_id:
            body["chatid"] = chat_id
        data = self._post(ctx, f"{self.cfg.api_base.rstrip('/')}/cgi-bin/appchat/create", body, "创建企业微信群聊")
        created = data.get("chatid")
        if not isinstance(created, str) or not created:
            raise PermanentSendError("创建企业微信群聊：平台未返回 chatid", response=data)
        return created

    def _post(self, ctx: SendContext, url: str, body: Mapping[str, Any], what: str) -> dict[str, Any]:
        return wx_post(
            ctx,
            kind=self.kind,
            account=self.account,
            fetch=lambda: self.fetch_token(ctx.http),
            url=url,
            body=body,
            what=what,
            token_codes=WECOM_TOKEN_CODES,
        )

    def fetch_token(self, http: httpx.Client) -> tuple[str, float]:
        params = {"corpid": self.cfg.corp_id, "corpsecret": self.cfg.secret}
        url = f"{self.cfg.api_base.rstrip('/')}/cgi-bin/gettoken"
        return wx_token(http, url, params, what="获取企业微信 access_token")

    def check(self, http: httpx.Client) -> str:
        _, lifetime = self.fetch_token(http)
        return f"已获取 access_token（有效期 {int(lifetime)} 秒）"


def wecom_message_body(payload: Mapping[str, Any]) -> dict[str, Any]:
    """text, markdown or textcard, whichever the payload asks for or its content suggests."""
    msg = payload_message(payload)
    msgtype = payload.get("msgtype") or ("markdown" if msg.markdown else "textcard" if msg.url else "text")
    if msgtype == "markdown":
        return {"msgtype": "markdown", "markdown": {"content": msg.markdown or msg.text}}
    if msgtype == "textcard":
        if not msg.url:
            raise PermanentSendError("textcard 消息需要链接（url）")
        card = {"title": msg.title or msg.text[:30], "description": msg.text, "url": msg.url, "btntxt": "详情"}
        return {"msgtype": "textcard", "textcard": card}
    return {"msgtype": "text", "text": {"content": plain_text(msg)}}
