"""Staff authentication against a real database: login, lockout, tokens, rehash, audit rows."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from bot.clock import FakeClock
from bot.container import Container
from bot.domain import Role
from bot.errors import AccountLocked, Conflict, LoginFailed
from bot.security.passwords import needs_rehash
from bot.services import auth, users
from models import AuditLog, College, SchoolClass, StaffToken, StaffUser
from models.db import transaction

PASSWORD = "Correct-horse-42"


@pytest.fixture
def staff(container: Container) -> int:
    """A counselor of one class; returns the user id."""
    with transaction(container.sessions) as s:
        college = College(code="01", name="信息工程学院")
        s.add(college)
        s.flush()
        s.add(SchoolClass(name="计应2201", college_id=college.id, cohort=2025))
        s.flush()
        user = users.create_user(s, username="fdy1", password=PASSWORD, role="counselor", classes=["计应2201"])
        return user.id


def audit_actions(container: Container, action_prefix: str = "") -> list[tuple[str, str, dict[str, object]]]:
    with container.sessions() as s:
        rows = s.scalars(sa.select(AuditLog).where(AuditLog.action.startswith(action_prefix)).order_by(AuditLog.id))
        return [(r.action, r.actor, r.detail) for r in rows]


def user_row(container: Container, user_id: int) -> StaffUser:
    with container.sessions() as s:
        user = s.get(StaffUser, user_id)
        assert user is not None
        return user


def test_login_opens_a_session_stored_as_digest(container: Container, clock: FakeClock, staff: int) -> None:
    issued = auth.login(container, "FDY1 ", PASSWORD, "10.0.0.8")
    assert len(issued.token) >= 43 and issued.kind == "session"
    assert issued.expires_at == clock.now() + timedelta(hours=container.settings.session_hours)
    with container.sessions() as s:
        row = s.scalars(sa.select(StaffToken)).one()
        assert row.token_digest == hashlib.sha256(issued.token.encode()).hexdigest()
        assert issued.token not in (row.token_digest, str(row.data))
        assert row.data == {"ip": "10.0.0.8"}
    principal = auth.authenticate(container, issued.token)
    assert (principal.user_id, principal.username, principal.role) == (staff, "fdy1", Role.COUNSELOR)
    assert len(principal.class_ids) == 1
    assert user_row(container, staff).last_login_at == clock.now()
    [(action, actor, detail)] = audit_actions(container, "login.")
    assert (action, actor, detail["rehashed"]) == ("login.success", "fdy1", False)


def test_wrong_password_and_unknown_user_say_the_same(container: Container, staff: int) -> None:
    with pytest.raises(LoginFailed) as wrong:
        auth.login(container, "fdy1", "not-the-password", None)
    misses = auth._dummy_hash.cache_info().hits + auth._dummy_hash.cache_info().misses
    with pytest.raises(LoginFailed) as unknown:
        auth.login(container, "nobody", PASSWORD, None)
    assert str(wrong.value) == str(unknown.value) == "用户名或密码错误"
    # The unknown name was checked against the dummy hash, so it cost an argon2 verification too.
    assert auth._dummy_hash.cache_info().hits + auth._dummy_hash.cache_info().misses == misses + 1
    assert user_row(container, staff).failed_logins == 1
    details = [(a, actor, d.get("reason")) for a, actor, d in audit_actions(container, "login.")]
    assert details == [("login.failure", "fdy1", "bad_password"), ("login.failure", "nobody", "unknown_user")]


def test_lockout_after_repeated_failures_then_unlock_by_time(
    container: Container, clock: FakeClock, staff: int
) -> None:
    limit = container.settings.login_max_failures
    for _ in range(limit - 1):
        with pytest.raises(LoginFailed):
            auth.login(container, "fdy1", "wrong-password", None)
    with pytest.raises(AccountLocked) as locked:
        auth.login(container, "fdy1", "wrong-password", None)
    # 02:00 UTC + 15 min = 10:15 Beijing time.
    assert "账号已锁定" in str(locked.value) and "2026-06-01 10:15" in str(locked.value)
    # Even the right password is refused while the lock holds, and the lock does not grow.
    with pytest.raises(AccountLocked):
        auth.login(container, "fdy1", PASSWORD, None)
    clock.advance(minutes=container.settings.login_lock_minutes - 1)
    with pytest.raises(AccountLocked):
        auth.login(container, "fdy1", PASSWORD, None)
    clock.advance(minutes=1, seconds=1)
    assert auth.login(container, "fdy1", PASSWORD, None).principal.username == "fdy1"
    user = user_row(container, staff)
    assert user.failed_logins == 0 and user.locked_until is None
    actions = [a for a, _, _ in audit_actions(container, "login.")]
    assert actions.count("login.failure") == limit
    assert actions.count("login.lockout") == 1
    assert actions.count("login.refused_locked") == 2
    assert actions[-1] == "login.success"


def test_success_resets_the_failure_count(container: Container, staff: int) -> None:
    limit = container.settings.login_max_failures
    for _ in range(limit - 1):
        with pytest.raises(LoginFailed):
            auth.login(container, "fdy1", "wrong-password", None)
    auth.login(container, "fdy1", PASSWORD, None)
    for _ in range(limit - 1):
        with pytest.raises(LoginFailed):
            auth.login(container, "fdy1", "wrong-password", None)
    assert user_row(container, staff).locked_until is None


def test_disabled_user_cannot_log_in_and_loses_sessions(container: Container, staff: int) -> None:
    issued = auth.login(container, "fdy1", PASSWORD, None)
    with transaction(container.sessions) as s:
        assert users.deactivate(s, "fdy1") == 1
    with pytest.raises(LoginFailed, match="用户名或密码错误"):
        auth.login(container, "fdy1", PASSWORD, None)
    with pytest.raises(LoginFailed):
        auth.authenticate(container, issued.token)


def test_session_expires(container: Container, clock: FakeClock, staff: int) -> None:
    issued = auth.login(container, "fdy1", PASSWORD, None)
    clock.advance(hours=container.settings.session_hours, seconds=-1)
    auth.authenticate(container, issued.token)
    clock.advance(seconds=1)
    with pytest.raises(LoginFailed, match="重新登录"):
        auth.authenticate(container, issued.token)


def test_unknown_token_is_refused(container: Container, staff: int) -> None:
    with pytest.raises(LoginFailed):
        auth.authenticate(container, "made-up-token")


def test_logout_revokes_and_is_idempotent(container: Container, staff: int) -> None:
    issued = auth.login(container, "fdy1", PASSWORD, None)
    assert auth.logout(container, issued.token, "10.0.0.9") is True
    with pytest.raises(LoginFailed):
        auth.authenticate(container, issued.token)
    assert auth.logout(container, issued.token) is False
    assert [a for a, _, _ in audit_actions(container, "logout")] == ["logout"]


def test_api_tokens_expire_and_revoke(container: Container, clock: FakeClock, staff: int) -> None:
    with transaction(container.sessions) as s:
        short = users.create_api_token(s, "fdy1", name="导出", days=1, now=clock.now())
        forever = users.create_api_token(s, "fdy1", name="长期", now=clock.now())
    assert short.token.startswith("jyk_") and short.kind == "api"
    assert auth.authenticate(container, short.token).username == "fdy1"
    with transaction(container.sessions) as s, pytest.raises(Conflict, match="导出"):
        users.create_api_token(s, "fdy1", name="导出", now=clock.now())
    clock.advance(days=1)
    with pytest.raises(LoginFailed):
        auth.authenticate(container, short.token)
    clock.advance(days=365)
    assert auth.authenticate(container, forever.token).user_id == staff
    with transaction(container.sessions) as s:
        users.revoke_api_token(s, "fdy1", name="长期", now=clock.now())
    with pytest.raises(LoginFailed):
        auth.authenticate(container, forever.token)
    assert [a for a, _, _ in audit_actions(container, "token.")] == ["token.create", "token.create", "token.revoke"]


def test_authenticate_records_last_use_once_a_minute(container: Container, clock: FakeClock, staff: int) -> None:
    issued = auth.login(container, "fdy1", PASSWORD, None)

    def last_used() -> object:
        with container.sessions() as s:
            return s.scalars(sa.select(StaffToken.last_used_at)).one()

    auth.authenticate(container, issued.token)
    first = clock.now()
    assert last_used() == first
    clock.advance(seconds=30)
    auth.authenticate(container, issued.token)
    assert last_used() == first
    clock.advance(seconds=31)
    auth.authenticate(container, issued.token)
    assert last_used() == clock.now()


def test_rehash_when_argon2_parameters_changed(container: Container, staff: int) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    with transaction(container.sessions) as s:
        user = s.get(StaffUser, staff)
        assert user is not None
        user.password_hash = weak
    assert needs_rehash(weak)
    auth.login(container, "fdy1", PASSWORD, None)
    stored = user_row(container, staff).password_hash
    assert stored != weak and not needs_rehash(stored)
    auth.login(container, "fdy1", PASSWORD, None)  # the new hash verifies
    successes = [d["rehashed"] for a, _, d in audit_actions(container, "login.success")]
    assert successes == [True, False]


def test_csrf_token_is_bound_to_the_session() -> None:
    token = auth.csrf_token_for("k" * 40, "session-a")
    assert auth.csrf_matches("k" * 40, "session-a", token, token)
    assert not auth.csrf_matches("k" * 40, "session-b", token, token)
    assert not auth.csrf_matches("k" * 40, "session-a", token, None)
    assert not auth.csrf_matches("k" * 40, "session-a", "forged", "forged")
