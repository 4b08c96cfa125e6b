"""Who may see and change what: the staff principal and the role and class-scope rules (pure, no I/O).

- admin sees everything and alone may see personal data unmasked and read the audit log;
- college (a college's employment office) sees every class of its own college;
- counselor (辅导员) sees only the classes whose `counselor_id` is them, and no graduate without a class.

Postings belong to the whole school, so every role may read them; only admin and college may review them.
The query side of these rules (SQLAlchemy filters) lives in `bot.access.queries`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.domain import Role
from bot.errors import Forbidden

ROLE_LABELS = {Role.ADMIN: "管理员", Role.COLLEGE: "学院就业负责人", Role.COUNSELOR: "辅导员"}
REVIEWER_ROLES = frozenset({Role.ADMIN, Role.COLLEGE})


@dataclass(frozen=True, slots=True)
class StaffPrincipal:
    """An authenticated staff member as every route sees them: identity, role and the classes they follow."""

    user_id: int
    username: str
    display_name: str
    role: Role
    college_id: int | None
    class_ids: frozenset[int]

    @property
    def sees_all(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def audit_actor(self) -> str:
        return self.username


class InClass(Protocol):
    """Anything placed in a class of a college: a graduate row, a summary, a test double."""

    @property
    def class_id(self) -> int | None: ...

    @property
    def college_id(self) -> int: ...


def can_see(principal: StaffPrincipal, *, college_id: int | None, class_id: int | None) -> bool:
    """Whether a record in this college and class is inside the principal's scope."""
    if principal.role is Role.ADMIN:
        return True
    if principal.role is Role.COLLEGE:
        return principal.college_id is not None and college_id == principal.college_id
    return class_id is not None and class_id in principal.class_ids


def can_see_class(principal: StaffPrincipal, *, class_id: int, college_id: int) -> bool:
    return can_see(principal, college_id=college_id, class_id=class_id)


def can_see_college(principal: StaffPrincipal, college_id: int) -> bool:
    """Whole-college views: counselors only ever see their classes, never a college as such."""
    if principal.role is Role.ADMIN:
        return True
    return principal.role is Role.COLLEGE and principal.college_id == college_id


def ensure_can_see_graduate(principal: StaffPrincipal, graduate: InClass) -> None:
    if not can_see(principal, college_id=graduate.college_id, class_id=graduate.class_id):
        raise Forbidden("无权查看该毕业生：不在您负责的范围内")


def ensure_can_see_class(principal: StaffPrincipal, *, class_id: int, college_id: int) -> None:
    if not can_see_class(principal, class_id=class_id, college_id=college_id):
        raise Forbidden("无权查看该班级：不在您负责的范围内")


def ensure_can_see_college(principal: StaffPrincipal, college_id: int) -> None:
    if not can_see_college(principal, college_id):
        raise Forbidden("无权查看该学院：不在您负责的范围内")


def ensure_role(principal: StaffPrincipal, *roles: Role) -> None:
    if principal.role not in roles:
        allowed = "、".join(ROLE_LABELS[r] for r in roles)
        raise Forbidden(f"权限不足：此操作仅限{allowed}")


def ensure_can_review_postings(principal: StaffPrincipal) -> None:
    ensure_role(principal, *sorted(REVIEWER_ROLES))


def ensure_can_reveal_pii(principal: StaffPrincipal) -> None:
    if principal.role is not Role.ADMIN:
        raise Forbidden("权限不足：只有管理员可以查看完整的手机号和身份证号")


def ensure_can_read_audit(principal: StaffPrincipal) -> None:
    if principal.role is not Role.ADMIN:
        raise Forbidden("权限不足：只有管理员可以查看审计日志")


def ensure_can_filter_college(principal: StaffPrincipal, college_id: int) -> None:
    """Asking for another college is refused; a counselor's own scope already narrows any college to their classes."""
    if principal.role is Role.COLLEGE and principal.college_id != college_id:
        raise Forbidden("无权查看该学院：不在您负责的范围内")
