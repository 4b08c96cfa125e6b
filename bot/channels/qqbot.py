"""The official QQ bot (QQ 机器人开放平台) in HTTP callback mode.

Requests are signed with Ed25519: the key pair comes from the bot secret repeated to a 32-byte seed, the signed
message is `X-Signature-Timestamp` + raw body, the signature is `X-Signature-Ed25519` (hex). `op 13` asks us to
prove we hold the secret by signing `event_ts + plain_token`; `op 0` dispatches events, acknowledged with `op 12`.
Since April 2025 the bot cannot push: it only replies to a message (group @-message within 5 minutes, private
message within 60 minutes, at most 5 replies each, numbered by msg_seq) and every reply is an API call, so all
of them go through the outbox.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import httpx
import structlog
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey

from bot.channels.base import (
    Accepted,
    BaseAdapter,
    HttpReply,
    Outcome,
    SendContext,
    TargetKind,
    WebhookRequest,
    header,
    join_texts,
    message_payload,
    parse_json_object,
    payload_message,
    plain_text,
)
from bot.channels.http import client_error, request_json
from bot.config import QqbotChannel
from bot.domain import Capabilities, ChannelKind, InboundKind, InboundMessage, OutboundMessage
from bot.errors import BadPayload, BadSignature, PermanentSendError, TransientSendError

log = structlog.get_logger(__name__)

GROUP_WINDOW_S = 300.0
PRIVATE_WINDOW_S = 3600.0
MAX_REPLIES_PER_MESSAGE = 5
_ACK = json.dumps({"op": 12}).encode()
_MENTION = re.compile(r"^\s*<@!?[^>]*>\s*")
# op 13 signs whatever it is given; restricting it to tokens that can never spell an event body keeps it from
# becoming a signing oracle for forged `timestamp + {"op": 0, ...}` requests.
_PLAIN_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{1,128}$")
_EVENT_TS = re.compile(r"^\d{1,13}$")


def signing_key(secret: str) -> SigningKey:
    if not secret:
        raise ValueError("bot secret is empty")
    seed = secret
    while len(seed) < 32:
        seed += seed
    return SigningKey(seed[:32].encode("utf-8"))


class QqbotAdapter(BaseAdapter):
    kind = ChannelKind.QQBOT
    capabilities = Capabilities(
        passive_reply_window_s=None,
        can_push_user=False,
        can_push_group=False,
        reply_only_window_s=GROUP_WINDOW_S,
        max_text_chars=1500,
        supports_links=False,  # URLs in QQ bot messages need a registered domain
    )
    max_passive_replies = 0

    def __init__(self, cfg: QqbotChannel) -> None:
        super().__init__(cfg.account, cfg.max_clock_skew_s)
        self.cfg = cfg
        self._key = signing_key(cfg.app_secret)

    # ------------------------------------------------------------------------------------------------ inbound

    def sign(self, message: bytes) -> str:
        return self._key.sign(message).signature.hex()

    def accept(self, req: WebhookRequest) -> Outcome:
        appid = header(req, "x-bot-appid")
        if appid and appid != self.cfg.app_id:
            raise BadSignature(f"X-Bot-Appid（{appid}）与配置的 app_id 不一致")
        if header(req, "x-signature-ed25519") is None:
            # The platform's URL check (op 13) arrives unsigned; anything else unsigned is refused below.
            unsigned = _try_json(req.body)
            if unsigned is not None and unsigned.get("op") == 13:
                return self._validate_url(unsigned)
        self._verify(req)
        payload = parse_json_object(req.body)
        op = payload.get("op")
        if op == 13:
            return self._validate_url(payload)
        if op != 0:
            raise BadPayload(f"不支持的 op：{op}")
        event = str(payload.get("t") or "")
        data = payload.get("d")
        if event not in ("GROUP_AT_MESSAGE_CREATE", "C2C_MESSAGE_CREATE") or not isinstance(data, dict):
            log.info("qqbot.event_acknowledged", account=self.account, event_type=event)
            return HttpReply.json_bytes(_ACK)
        return Accepted(self._to_inbound(event, data, req.now), {})

    def _verify(self, req: WebhookRequest) -> None:
        sig_hex, ts = header(req, "x-signature-ed25519"), header(req, "x-signature-timestamp")
        if not sig_hex or not ts:
            raise BadSignature("缺少 X-Signature-Ed25519 / X-Signature-Timestamp 签名头")
        try:
            sig = bytes.fromhex(sig_hex)
            if len(sig) != 64 or sig[63] & 224:
                raise ValueError("bad length")
            self._key.verify_key.verify(ts.encode("utf-8") + req.body, sig)
        except (ValueError, BadSignatureError) as exc:
            raise BadSignature("Ed25519 签名校验失败：请求不是来自 QQ 开放平台，或 app_secret 不一致") from exc
        self.check_skew(ts, req.now)

    def _validate_url(self, payload: Mapping[str, Any]) -> HttpReply:
        d = payload.get("d")
        if not isinstance(d, dict):
            raise BadPayload("op 13 缺少 d")
        token, event_ts = str(d.get("plain_token") or ""), str(d.get("event_ts") or "")
        if not _PLAIN_TOKEN.match(token) or not _EVENT_TS.match(event_ts):
            raise BadPayload("op 13 的 plain_token 或 event_ts 格式不正确")
        body = {"plain_token": token, "signature": self.sign((event_ts + token).encode("utf-8"))}
        return HttpReply.json_bytes(json.dumps(body).encode())

    def _to_inbound(self, event: str, d: Mapping[str, Any], now: datetime) -> InboundMessage:
        author = d.get("author")
        author = author if isinstance(author, dict) else {}
        msg_id = str(d.get("id") or "")
        group = str(d.get("group_openid") or "") if event == "GROUP_AT_MESSAGE_CREATE" else ""
        user = str(author.get("member_openid") or author.get("user_openid") or author.get("id") or "")
        if not msg_id or not user or (event == "GROUP_AT_MESSAGE_CREATE" and not group):
            raise BadPayload("QQ 消息缺少 id、发送者 openid 或 group_openid")
        sent_at = _parse_time(d.get("timestamp")) or now
        window = GROUP_WINDOW_S if group else PRIVATE_WINDOW_S
        text = _MENTION.sub("", str(d.get("content") or ""), count=1).strip()
        return InboundMessage(
            channel=self.kind,
            account=self.account,
            user_id=user,
            text=text,
            dedupe_key=f"{event}:{msg_id}",
            kind=InboundKind.TEXT if text else InboundKind.OTHER,
            group_id=group or None,
            to_me=True,
            msg_id=msg_id,
            sent_at=sent_at,
            reply_context={"msg_id": msg_id, "reply_deadline": (sent_at + timedelta(seconds=window)).isoformat()},
        )

    # ------------------------------------------------------------------------------------------ passive reply

    def render(self, accepted: Accepted, replies: Sequence[OutboundMessage]) -> HttpReply:
        return HttpReply.json_bytes(_ACK)

    def reply_payloads(self, msg: InboundMessage, replies: Sequence[OutboundMessage]) -> list[dict[str, Any]]:
        if len(replies) > MAX_REPLIES_PER_MESSAGE:
            head = list(replies[: MAX_REPLIES_PER_MESSAGE - 1])
            tail = OutboundMessage(text=join_texts(replies[MAX_REPLIES_PER_MESSAGE - 1 :], links=False))
            replies = [*head, tail]
        out = []
        for seq, reply in enumerate(replies, start=1):
            payload = message_payload(reply)
            payload.update(msg_id=msg.reply_context["msg_id"], msg_seq=seq)
            payload["reply_deadline"] = msg.reply_context["reply_deadline"]
            out.append(payload)
        return out

    # ----------------------------------------------------------------------------------------------- outbound

    def send(
        self, ctx: SendContext, target_kind: TargetKind, target_id: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        if not payload.get("msg_id"):
            raise PermanentSendError("QQ 官方机器人不能主动推送，只能回复用户的消息")
        deadline = _parse_time(payload.get("reply_deadline"))
        if deadline is not None and ctx.clock.now() > deadline:
            raise PermanentSendError("已超过 QQ 官方机器人的回复时限（群 5 分钟、私聊 60 分钟）")
        path = f"/v2/groups/{target_id}/messages" if target_kind == "group" else f"/v2/users/{target_id}/messages"
        body = {
            "content": plain_text(payload_message(payload), links=False),
            "msg_type": 0,
            "msg_id": payload["msg_id"],
            "msg_seq": int(payload.get("msg_seq") or 1),
        }
        token = ctx.tokens.get(self.kind, self.account, lambda: self.fetch_token(ctx.http))
        headers = {"Authorization": f"QQBot {token}", "X-Union-Appid": self.cfg.app_id}
        what = "QQ 机器人回复"
        status, data = request_json(
            ctx.http, "POST", self.cfg.api_base.rstrip("/") + path, json=body, headers=headers, what=what
        )
        if status == 401:
            ctx.tokens.invalidate(self.kind, self.account, token)
            raise TransientSendError(f"{what}：access_token 失效", code=401, response=data, token_expired=True)
        if status >= 400 or data.get("code") not in (None, 0):
            raise client_error(status, data, what=what)
        return data

    def fetch_token(self, http: httpx.Client) -> tuple[str, float]:
        what = "获取 QQ 机器人 access_token"
        body = {"appId": self.cfg.app_id, "clientSecret": self.cfg.app_secret}
        status, data = request_json(http, "POST", self.cfg.token_url, json=body, what=what)
        token = data.get("access_token")
        if status >= 400 or not isinstance(token, str) or not token:
            raise client_error(status, data, what=what)
        try:
            lifetime = float(str(data.get("expires_in", 7200)))
        except ValueError:
            lifetime = 7200.0
        return token, lifetime

    def check(self, http: httpx.Client) -> str:
        _, lifetime = self.fetch_token(http)
        return f"已获取 access_token（有效期 {int(lifetime)} 秒）"


def _try_json(body: bytes) -> dict[str, Any] | None:
    try:
        return parse_json_object(body)
    except BadPayload:
        return None


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None
