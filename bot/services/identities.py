"""A graduate's chat identities as staff see them, and the counselor's unbind (audited).

Unbinding frees the student record for another identity on that channel account (one record binds to at most
one identity per account) and leaves the identity itself (its history, its 48 h window) in place. The graduate's
conversation memory is keyed by the graduate, so a later binding continues it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.access.rules import StaffPrincipal, ensure_can_see_graduate
from bot.domain import ChannelKind
from bot.errors import NotFound
from bot.security import audit
from models import ChannelIdentity, Graduate

CHANNEL_LABELS = {
    ChannelKind.WECHAT_MP: "微信公众号",
    ChannelKind.WECOM: "企业微信",
    ChannelKind.WECOM_BOT: "企业微信机器人",
    ChannelKind.ONEBOT: "QQ",
    ChannelKind.QQBOT: "QQ 官方机器人",
    ChannelKind.WEB: "网页聊天",
}


@dataclass(frozen=True, slots=True)
class IdentityView:
    id: int
    channel: ChannelKind
    channel_label: str
    account: str
    platform_user: str  # masked: enough to tell two apart, not to contact anyone
    display_name: str | None
    bound_at: datetime | None
    last_inbound_at: datetime | None
    subscribed: bool


def mask(platform_user_id: str) -> str:
    if len(platform_user_id) <= 4:
        return "*" * len(platform_user_id)
    return platform_user_id[:2] + "*" * min(len(platform_user_id) - 4, 8) + platform_user_id[-2:]


def _graduate(session: Session, principal: StaffPrincipal, graduate_id: int) -> Graduate:
    graduate = session.get(Graduate, graduate_id)
    if graduate is None:
        raise NotFound(f"找不到毕业生 {graduate_id}")
    ensure_can_see_graduate(principal, graduate)
    return graduate


def list_identities(session: Session, principal: StaffPrincipal, graduate_id: int) -> list[IdentityView]:
    _graduate(session, principal, graduate_id)
    rows = session.scalars(
        sa.select(ChannelIdentity).where(ChannelIdentity.graduate_id == graduate_id).order_by(ChannelIdentity.id)
    )
    return [
        IdentityView(
            id=r.id,
            channel=r.channel,
            channel_label=CHANNEL_LABELS.get(r.channel, r.channel.value),
            account=r.account,
            platform_user=mask(r.platform_user_id),
            display_name=r.display_name,
            bound_at=r.bound_at,
            last_inbound_at=r.last_inbound_at,
            subscribed=r.subscribed,
        )
        for r in rows
    ]


def unbind(
    session: Session, principal: StaffPrincipal, graduate_id: int, identity_id: int, *, now: datetime, ip: str | None
) -> None:
    graduate = _graduate(session, principal, graduate_id)
    identity = session.get(ChannelIdentity, identity_id)
    if identity is None or identity.graduate_id != graduate.id:
        raise NotFound(f"毕业生 {graduate_id} 没有编号为 {identity_id} 的聊天账号绑定")
    identity.graduate_id = None
    identity.bound_at = None
    audit.record(
        session, actor=principal.audit_actor, actor_user_id=principal.user_id, action="graduate.unbind_identity",
        object_type="graduate", object_id=graduate.id,
        detail={"student_no": graduate.student_no, "identity_id": identity.id, "channel": identity.channel.value,
                "account": identity.account},
        ip=ip, at=now,
    )  # fmt: skip
