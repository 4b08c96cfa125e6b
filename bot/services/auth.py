"""Staff authentication: password login with lockout, session and API tokens, and token checks.

Tokens are random (32 bytes, urlsafe) and only their SHA-256 digest is stored, so a database dump holds no
usable credential. A session (kind "session") expires after `settings.session_hours`; an API token (kind "api")
is named, may expire, and is revoked by hand. Every login attempt leaves an audit row.

A failed login says the same thing whether the username exists or not, and costs the same time: an unknown
name is checked against a dummy argon2 hash. After `settings.login_max_failures` consecutive failures the
account is locked for `settings.login_lock_minutes`; a locked account is told so, and until when.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bot.access.queries import principal_for
from bot.access.rules import StaffPrincipal
from bot.container import Container
from bot.errors import AccountLocked, LoginFailed
from bot.security import audit
from bot.security.passwords import hash_password, needs_rehash, verify_password
from models import StaffToken, StaffUser

SESSION = "session"
API = "api"
BAD_CREDENTIALS = "用户名或密码错误"
NOT_AUTHENTICATED = "登录已失效或令牌无效，请重新登录"
# Writing last_used_at on every request would turn each read into a write; once a minute is precise enough.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token as handed out once: the caller shows it and forgets it; only its digest stays."""

    token: str
    token_id: int
    kind: str
    expires_at: datetime | None
    principal: StaffPrincipal


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def csrf_token_for(secret_key: str, session_token: str) -> str:
    """The double-submit CSRF value bound to one session: an attacker can neither guess nor reuse it."""
    mac = hmac.new(secret_key.encode("utf-8"), b"jiuye-csrf|" + session_token.encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()


def csrf_matches(secret_key: str, session_token: str, cookie: str | None, header: str | None) -> bool:
    if not cookie or not header:
        return False
    expected = csrf_token_for(secret_key, session_token)
    return hmac.compare_digest(cookie, header) and hmac.compare_digest(header, expected)


def normalise_username(username: str) -> str:
    return username.strip().lower()


@cache
def _dummy_hash() -> str:
    # Same argon2 parameters as real hashes, so that checking an unknown name costs what a real check costs.
    return hash_password(secrets.token_urlsafe(16))


@contextmanager
def write_session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction that takes the write lock up front (SQLite BEGIN IMMEDIATE; PostgreSQL uses FOR UPDATE)."""
    with sessions.begin() as session:
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        yield session


def login(container: Container, username: str, password: str, ip: str | None = None) -> IssuedToken:
    """Check a password and open a session; raise LoginFailed or AccountLocked (after recording why)."""
    with write_session(container.sessions) as session:
        outcome = _attempt(container, session, normalise_username(username), password, ip)
    # Raised after the commit so that the failure counter and the audit row survive the refusal.
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _attempt(
    container: Container, session: Session, username: str, password: str, ip: str | None
) -> IssuedToken | LoginFailed | AccountLocked:
    now = container.clock.now()
    stmt = sa.select(StaffUser).where(StaffUser.username == username).with_for_update()
    user = session.scalars(stmt).one_or_none()
    if user is None or not user.active:
        verify_password(_dummy_hash(), password)
        reason = "unknown_user" if user is None else "inactive"
        _audit_login(session, username[:64], user, "login.failure", ip, reason=reason)
        return LoginFailed(BAD_CREDENTIALS)
    if user.locked_until is not None:
        if user.locked_until > now:
            verify_password(_dummy_hash(), password)
            _audit_login(session, user.username, user, "login.refused_locked", ip, until=user.locked_until)
            return AccountLocked(locked_message(container, user.locked_until))
        user.locked_until = None
        user.failed_logins = 0
    if not verify_password(user.password_hash, password):
        return _count_failure(container, session, user, now, ip)
    user.failed_logins = 0
    user.last_login_at = now
    rehashed = needs_rehash(user.password_hash)
    if rehashed:
        user.password_hash = hash_password(password)
    expires = now + timedelta(hours=container.settings.session_hours)
    issued = issue_token(session, user, kind=SESSION, expires_at=expires, now=now, ip=ip)
    _audit_login(session, user.username, user, "login.success", ip, rehashed=rehashed, token_id=issued.token_id)
    return issued


def _count_failure(
    container: Container, session: Session, user: StaffUser, now: datetime, ip: str | None
) -> LoginFailed | AccountLocked:
    settings = container.settings
    user.failed_logins += 1
    _audit_login(session, user.username, user, "login.failure", ip, reason="bad_password", count=user.failed_logins)
    if user.failed_logins < settings.login_max_failures:
        return LoginFailed(BAD_CREDENTIALS)
    user.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
    user.failed_logins = 0
    _audit_login(session, user.username, user, "login.lockout", ip, until=user.locked_until)
    return AccountLocked(locked_message(container, user.locked_until))


def locked_message(container: Container, until: datetime) -> str:
    local = until.astimezone(ZoneInfo(container.settings.schedule.timezone))
    return f"连续登录失败次数过多，账号已锁定，请于 {local:%Y-%m-%d %H:%M} 后再试"


def _audit_login(
    session: Session,
    actor: str,
    user: StaffUser | None,
    action: str,
    ip: str | None,
    *,
    until: datetime | None = None,
    **detail: object,
) -> None:
    if until is not None:
        detail["locked_until"] = until.isoformat()
    audit.record(
        session,
        actor=actor,
        actor_user_id=user.id if user else None,
        action=action,
        object_type="staff_user",
        object_id=user.id if user else None,
        detail=detail,
        ip=ip,
    )


def issue_token(
    session: Session,
    user: StaffUser,
    *,
    kind: str,
    now: datetime,
    expires_at: datetime | None,
    name: str | None = None,
    ip: str | None = None,
) -> IssuedToken:
    token = new_token("jyk_" if kind == API else "")
    row = StaffToken(
        token_digest=token_digest(token),
        user_id=user.id,
        kind=kind,
        name=name,
        created_at=now,
        expires_at=expires_at,
        data={"ip": ip} if ip else {},
    )
    session.add(row)
    session.flush()
    return IssuedToken(token, row.id, kind, expires_at, principal_for(session, user))


def authenticate(container: Container, token: str) -> StaffPrincipal:
    """The principal a token stands for; LoginFailed if it is unknown, expired, revoked or its user disabled."""
    now = container.clock.now()
    with container.sessions() as session:
        # Only session and API tokens authenticate; other kinds (one-time chat bind codes) never do.
        stmt = sa.select(StaffToken).where(
            StaffToken.token_digest == token_digest(token), StaffToken.kind.in_((SESSION, API))
        )
        row = session.scalars(stmt).one_or_none()
        if row is None or row.revoked or (row.expires_at is not None and row.expires_at <= now):
            raise LoginFailed(NOT_AUTHENTICATED)
        user = row.user
        if not user.active:
            raise LoginFailed(NOT_AUTHENTICATED)
        principal = principal_for(session, user)
        stale = row.last_used_at is None or now - row.last_used_at >= _LAST_USED_RESOLUTION
        token_id = row.id
    if stale:
        # A separate write-first transaction: SQLite takes the write lock at once instead of upgrading a read.
        with container.sessions.begin() as session:
            session.execute(sa.update(StaffToken).where(StaffToken.id == token_id).values(last_used_at=now))
    return principal


def logout(container: Container, token: str, ip: str | None = None) -> bool:
    """Revoke the token presented; False if it was not a live token (logging out twice is harmless)."""
    with container.sessions.begin() as session:
        row = session.scalars(sa.select(StaffToken).where(StaffToken.token_digest == token_digest(token))).one_or_none()
        if row is None or row.revoked:
            return False
        row.revoked = True
        audit.record(
            session,
            actor=row.user.username,
            actor_user_id=row.user_id,
            action="logout",
            object_type="staff_token",
            object_id=row.id,
            detail={"kind": row.kind},
            ip=ip,
        )
        return True
