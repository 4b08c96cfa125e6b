"""Staff accounts: create, assign classes, disable, list, and their API tokens. Every write is audited.

The functions work inside the caller's transaction (`session`), so the change and its audit row commit
together. Bad input raises `InvalidInput` listing every problem in Chinese; nothing is written then.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.access.rules import ROLE_LABELS
from bot.domain import Role
from bot.errors import Conflict, InvalidInput, NotFound
from bot.security import audit
from bot.security.passwords import hash_password
from bot.services.auth import API, IssuedToken, issue_token, normalise_username
from models import College, SchoolClass, StaffToken, StaffUser

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{2,63}$")
MIN_PASSWORD = 10


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is making a change, as the audit log records it: a username, or "cli"."""

    name: str
    user_id: int | None = None
    ip: str | None = None


CLI = Actor("cli")


@dataclass(frozen=True, slots=True)
class UserSummary:
    id: int
    username: str
    display_name: str
    role: Role
    college: str | None
    classes: tuple[str, ...]
    active: bool
    locked_until: datetime | None
    last_login_at: datetime | None


def parse_role(value: str | Role) -> Role:
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        raise InvalidInput(["角色必须是 admin（管理员）、college（学院）或 counselor（辅导员）"]) from None


def password_problems(password: str, username: str) -> list[str]:
    """The password policy; an empty list means the password is acceptable."""
    problems = []
    if len(password) < MIN_PASSWORD:
        problems.append(f"密码至少需要 {MIN_PASSWORD} 个字符")
    if password.isdigit():
        problems.append("密码不能全是数字")
    if password.strip().lower() == username.strip().lower():
        problems.append("密码不能与用户名相同")
    return problems


def _audit(session: Session, actor: Actor, action: str, user: StaffUser, **detail: object) -> None:
    audit.record(
        session,
        actor=actor.name,
        actor_user_id=actor.user_id,
        action=action,
        object_type="staff_user",
        object_id=user.id,
        detail={"username": user.username, **detail},
        ip=actor.ip,
    )


def find_college(session: Session, name_or_code: str) -> College | None:
    key = name_or_code.strip()
    stmt = sa.select(College).where(sa.or_(College.name == key, College.code == key))
    return session.scalars(stmt).first()


def _find_classes(session: Session, names: Iterable[str]) -> tuple[list[SchoolClass], list[str]]:
    wanted = [n.strip() for n in names if n.strip()]
    found = {c.name: c for c in session.scalars(sa.select(SchoolClass).where(SchoolClass.name.in_(wanted)))}
    missing = [n for n in wanted if n not in found]
    return [found[n] for n in dict.fromkeys(wanted) if n in found], missing


def get_user(session: Session, username: str) -> StaffUser:
    user = session.scalars(sa.select(StaffUser).where(StaffUser.username == normalise_username(username))).first()
    if user is None:
        raise NotFound(f"找不到用户：{username}")
    return user


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str | Role,
    display_name: str | None = None,
    college: str | None = None,
    classes: Sequence[str] = (),
    actor: Actor = CLI,
) -> StaffUser:
    """Create a staff account; raise InvalidInput naming every problem, or Conflict if the name is taken."""
    name = normalise_username(username)
    problems: list[str] = []
    if not USERNAME_RE.fullmatch(name):
        problems.append("用户名须为 3–64 位小写字母、数字、点、下划线或连字符，并以字母或数字开头")
    display = (display_name or "").strip() or name
    if len(display) > 64:
        problems.append("显示名不能超过 64 个字符")
    problems += password_problems(password, name)
    try:
        role_value = parse_role(role)
    except InvalidInput as exc:
        raise InvalidInput(problems + exc.problems) from None
    college_row = _resolve_college(session, role_value, college, problems)
    class_rows = _resolve_classes(session, role_value, classes, college_row, problems)
    if problems:
        raise InvalidInput(problems)
    if session.scalars(sa.select(StaffUser.id).where(StaffUser.username == name)).first() is not None:
        raise Conflict(f"用户名 {name} 已存在")
    college_id = college_row.id if college_row else None
    if college_id is None and len({c.college_id for c in class_rows}) == 1:
        # A counselor whose classes are all in one college belongs to it; that keeps later assignments consistent.
        college_id = class_rows[0].college_id
    user = StaffUser(
        username=name,
        display_name=display,
        role=role_value,
        college_id=college_id,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    _audit(session, actor, "user.create", user, role=role_value.value, college_id=user.college_id)
    if class_rows:
        _assign(session, user, class_rows, actor)
    return user


def _resolve_college(session: Session, role: Role, college: str | None, problems: list[str]) -> College | None:
    if not college or not college.strip():
        if role is Role.COLLEGE:
            problems.append("学院用户必须用 --college 指定学院（名称或代码）")
        return None
    if role is Role.ADMIN:
        problems.append("管理员可查看全校，不需要指定学院")
        return None
    row = find_college(session, college)
    if row is None:
        problems.append(f"找不到学院：{college.strip()}")
    return row


def _resolve_classes(
    session: Session, role: Role, names: Sequence[str], college: College | None, problems: list[str]
) -> list[SchoolClass]:
    if not [n for n in names if n.strip()]:
        return []
    if role is not Role.COUNSELOR:
        problems.append(f"只有辅导员需要指定班级；{ROLE_LABELS[role]}按角色查看")
        return []
    rows, missing = _find_classes(session, names)
    if missing:
        problems.append("找不到班级：" + "、".join(missing))
    if college is not None:
        outside = [c.name for c in rows if c.college_id != college.id]
        if outside:
            problems.append(f"班级不属于学院 {college.name}：" + "、".join(outside))
    return rows


def _assign(session: Session, user: StaffUser, rows: Sequence[SchoolClass], actor: Actor) -> list[str]:
    """Make `user` the counselor of these classes; a class has one counselor, so a previous one is replaced."""
    notes = []
    for row in rows:
        if row.counselor_id == user.id:
            continue
        previous = row.counselor
        row.counselor_id = user.id
        detail: dict[str, object] = {"class_id": row.id, "class": row.name}
        if previous is not None:
            detail["previous_counselor"] = previous.username
            notes.append(f"班级 {row.name} 原由 {previous.username} 负责，现改为 {user.username}")
        _audit(session, actor, "user.class_assign", user, **detail)
    session.flush()
    return notes


def change_classes(
    session: Session, username: str, *, add: Sequence[str] = (), remove: Sequence[str] = (), actor: Actor = CLI
) -> list[str]:
    """Assign and unassign classes of a counselor; returns notes for the operator (e.g. replaced counselors)."""
    user = get_user(session, username)
    if user.role is not Role.COUNSELOR:
        raise InvalidInput([f"{user.username} 是{ROLE_LABELS[user.role]}，只有辅导员可以分配班级"])
    problems: list[str] = []
    to_add = _resolve_classes(session, user.role, add, None, problems)
    if user.college_id is not None:
        outside = [c.name for c in to_add if c.college_id != user.college_id]
        if outside:
            problems.append("班级不属于该辅导员所在学院：" + "、".join(outside))
    to_remove, missing = _find_classes(session, remove)
    if missing:
        problems.append("找不到班级：" + "、".join(missing))
    not_theirs = [c.name for c in to_remove if c.counselor_id != user.id]
    if not_theirs:
        problems.append(f"这些班级不由 {user.username} 负责，无法移除：" + "、".join(not_theirs))
    if problems:
        raise InvalidInput(problems)
    notes = _assign(session, user, to_add, actor)
    for row in to_remove:
        row.counselor_id = None
        _audit(session, actor, "user.class_unassign", user, class_id=row.id, **{"class": row.name})
    session.flush()
    return notes


def deactivate(session: Session, username: str, *, actor: Actor = CLI) -> int:
    """Disable an account and revoke its live tokens at once; returns how many tokens were revoked."""
    user = get_user(session, username)
    live = list(session.scalars(sa.select(StaffToken).where(StaffToken.user_id == user.id, ~StaffToken.revoked)))
    for token in live:
        token.revoked = True
    was_active = user.active
    user.active = False
    _audit(session, actor, "user.disable", user, was_active=was_active, tokens_revoked=len(live))
    return len(live)


def unlock(session: Session, username: str, *, actor: Actor = CLI) -> None:
    user = get_user(session, username)
    user.locked_until = None
    user.failed_logins = 0
    _audit(session, actor, "user.unlock", user)


def list_users(session: Session) -> list[UserSummary]:
    users = session.scalars(sa.select(StaffUser).order_by(StaffUser.username)).all()
    colleges = dict(session.execute(sa.select(College.id, College.name)).all())
    classes: dict[int, list[str]] = {}
    stmt = sa.select(SchoolClass.counselor_id, SchoolClass.name).where(SchoolClass.counselor_id.is_not(None))
    for counselor_id, class_name in session.execute(stmt.order_by(SchoolClass.name)):
        if counselor_id is not None:
            classes.setdefault(counselor_id, []).append(class_name)
    return [
        UserSummary(
            id=u.id,
            username=u.username,
            display_name=u.display_name,
            role=u.role,
            college=colleges.get(u.college_id) if u.college_id else None,
            classes=tuple(classes.get(u.id, [])),
            active=u.active,
            locked_until=u.locked_until,
            last_login_at=u.last_login_at,
        )
        for u in users
    ]


def create_api_token(
    session: Session, username: str, *, name: str, now: datetime, days: int | None = None, actor: Actor = CLI
) -> IssuedToken:
    """A named bearer token for scripts; shown once. `days` None means it lasts until revoked."""
    user = get_user(session, username)
    label = name.strip()
    problems = []
    if not label or len(label) > 64:
        problems.append("令牌名称不能为空，且不超过 64 个字符")
    if days is not None and days <= 0:
        problems.append("有效天数必须是正整数")
    if not user.active:
        problems.append(f"用户 {user.username} 已停用，不能签发令牌")
    if problems:
        raise InvalidInput(problems)
    if _live_api_token(session, user.id, label, now) is not None:
        raise Conflict(f"用户 {user.username} 已有名为 {label} 的有效令牌，请换个名称或先吊销")
    expires = now + timedelta(days=days) if days else None
    issued = issue_token(session, user, kind=API, now=now, expires_at=expires, name=label)
    detail = {"token_id": issued.token_id, "name": label, "expires_at": expires.isoformat() if expires else None}
    _audit(session, actor, "token.create", user, **detail)
    return issued


def _live_api_token(session: Session, user_id: int, name: str, now: datetime) -> StaffToken | None:
    stmt = sa.select(StaffToken).where(
        StaffToken.user_id == user_id,
        StaffToken.kind == API,
        StaffToken.name == name,
        ~StaffToken.revoked,
        sa.or_(StaffToken.expires_at.is_(None), StaffToken.expires_at > now),
    )
    return session.scalars(stmt).first()


def revoke_api_token(session: Session, username: str, *, name: str, now: datetime, actor: Actor = CLI) -> None:
    user = get_user(session, username)
    row = _live_api_token(session, user.id, name.strip(), now)
    if row is None:
        raise NotFound(f"用户 {user.username} 没有名为 {name.strip()} 的有效令牌")
    row.revoked = True
    _audit(session, actor, "token.revoke", user, token_id=row.id, name=row.name)
