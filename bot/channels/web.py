"""The web chat: one more channel, for demos, intranets and end-to-end tests.

`POST /hooks/web/{account}` with `{"user_id": "...", "text": "..."}` (optionally `"msg_id"` so that a browser's
retry is answered once) answers `{"replies": ["...", ...]}`. It has no signature: a web user is whoever holds the
random id their browser keeps, so the channel carries no more trust than that.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from bot.channels.base import (
    Accepted,
    BaseAdapter,
    HttpReply,
    Outcome,
    SendContext,
    TargetKind,
    WebhookRequest,
    parse_json_object,
    plain_text,
)
from bot.config import WebChannel
from bot.domain import Capabilities, ChannelKind, InboundMessage, OutboundMessage
from bot.errors import BadPayload, PermanentSendError

MAX_TEXT = 2000
_ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")


class WebAdapter(BaseAdapter):
    kind = ChannelKind.WEB
    capabilities = Capabilities(
        passive_reply_window_s=30.0,
        can_push_user=False,
        can_push_group=False,
        max_text_chars=MAX_TEXT,
        supports_links=True,
    )
    max_passive_replies = None

    def __init__(self, cfg: WebChannel) -> None:
        super().__init__(cfg.account, cfg.max_clock_skew_s)
        self.cfg = cfg

    def accept(self, req: WebhookRequest) -> Outcome:
        data = parse_json_object(req.body)
        user, text, msg_id = data.get("user_id"), data.get("text"), data.get("msg_id")
        if not isinstance(user, str) or not _ID.match(user):
            raise BadPayload("user_id 必须是 1-64 位字母、数字、下划线或短横线")
        if not isinstance(text, str) or not text.strip():
            raise BadPayload("text 不能为空")
        if len(text) > MAX_TEXT:
            raise BadPayload(f"text 太长（最多 {MAX_TEXT} 个字符）")
        if msg_id is not None and (not isinstance(msg_id, str) or not _ID.match(msg_id)):
            raise BadPayload("msg_id 必须是 1-64 位字母、数字、下划线或短横线")
        key = f"{user}:{msg_id}" if msg_id else f"auto:{uuid.uuid4().hex}"
        message = InboundMessage(
            channel=self.kind,
            account=self.account,
            user_id=user,
            text=text.strip(),
            dedupe_key=key,
            msg_id=msg_id,
            sent_at=req.now,
        )
        return Accepted(message, {})

    def render(self, accepted: Accepted, replies: Sequence[OutboundMessage]) -> HttpReply:
        body = {"replies": [plain_text(r) for r in replies]}
        return HttpReply.json_bytes(json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def send(
        self, ctx: SendContext, target_kind: TargetKind, target_id: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        raise PermanentSendError("网页聊天不能主动推送：只能在用户发消息时回复")
