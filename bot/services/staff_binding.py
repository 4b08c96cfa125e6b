"""Binding a staff member to a chat identity with a one-time code the admin issues.

`issue_code` (CLI `jiuye user bind-code`, API `POST /api/v1/staff/{id}/bind-code`) makes a random code valid for
24 hours and stores only a keyed digest of it as a `staff_tokens` row of kind "bind"; a new code revokes the
user's earlier ones. The counselor sends "绑定工作人员 <code>" in any channel: `redeem` checks it, consumes it,
and sets the identity's staff_user_id. Both are audited.

The digest is an HMAC under the data key with its own label, not the SHA-256 that session and API tokens use:
a bind code presented as a bearer token therefore never matches a login token's digest.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.errors import InvalidInput
from bot.security import audit
from bot.security.pii import PiiCipher
from models import ChannelIdentity, StaffToken, StaffUser

BIND = "bind"
VALID_HOURS = 24
# No 0/O, 1/I/L: codes are read off a screen and typed on a phone.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_CHARS = 10  # about 50 bits: beyond guessing, whatever the rate limit
COMMAND = re.compile(
    r"^\s*(?:绑定|认证|验证)\s*(?:工作人员|教职工|老师|教师|辅导员|员工)\s*[:：]?\s*(?P<code>[A-Za-z0-9\- ]{4,24})\s*$"
)


@dataclass(frozen=True, slots=True)
class IssuedCode:
    code: str
    user_id: int
    username: str
    expires_at: datetime


def normalise(code: str) -> str:
    return re.sub(r"[\s\-]", "", code).upper()


def code_digest(pii: PiiCipher, code: str) -> str:
    return pii.digest("staff-bind|" + normalise(code))


def new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_CHARS))
    return f"{raw[:5]}-{raw[5:]}"


def issue_code(
    session: Session,
    pii: PiiCipher,
    user: StaffUser,
    *,
    now: datetime,
    actor: str,
    actor_user_id: int | None = None,
    ip: str | None = None,
) -> IssuedCode:
    if not user.active:
        raise InvalidInput([f"用户 {user.username} 已停用，不能签发绑定码"])
    session.execute(
        sa.update(StaffToken)
        .where(StaffToken.user_id == user.id, StaffToken.kind == BIND, StaffToken.revoked.is_(False))
        .values(revoked=True)
    )
    code = new_code()
    expires = now + timedelta(hours=VALID_HOURS)
    row = StaffToken(
        token_digest=code_digest(pii, code), user_id=user.id, kind=BIND, name="聊天绑定码", created_at=now,
        expires_at=expires, data={},
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(
        session, actor=actor, actor_user_id=actor_user_id, action="staff.bind_code", object_type="staff_user",
        object_id=user.id, detail={"username": user.username, "token_id": row.id, "expires_at": expires.isoformat()},
        ip=ip, at=now,
    )  # fmt: skip
    return IssuedCode(code, user.id, user.username, expires)


def redeem(
    session: Session, pii: PiiCipher, code: str, identity: ChannelIdentity, *, now: datetime
) -> StaffUser | None:
    """The staff user the code binds `identity` to (now done and audited), or None if the code is not valid."""
    row = session.scalars(
        sa.select(StaffToken).where(StaffToken.token_digest == code_digest(pii, code), StaffToken.kind == BIND)
    ).first()
    if row is None or row.revoked or (row.expires_at is not None and row.expires_at <= now):
        return None
    user = session.get(StaffUser, row.user_id)
    if user is None or not user.active:
        return None
    row.revoked = True
    row.last_used_at = now
    row.data = {**(row.data or {}), "identity_id": identity.id}
    identity.staff_user_id = user.id
    identity.bound_at = now
    identity.bind_failures = 0
    audit.record(
        session, actor=user.username, actor_user_id=user.id, action="staff.bind_identity",
        object_type="channel_identity", object_id=identity.id,
        detail={"channel": identity.channel.value, "account": identity.account, "token_id": row.id}, at=now,
    )  # fmt: skip
    return user
