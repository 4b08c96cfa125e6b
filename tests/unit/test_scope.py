"""The role and class-scope rules, as plain functions over plain values."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.access import rules as scope
from bot.access.rules import StaffPrincipal
from bot.domain import Role
from bot.errors import Forbidden

COLLEGE_A, COLLEGE_B = 1, 2
CLASS_A1, CLASS_A2, CLASS_B1 = 11, 12, 21


@dataclass(frozen=True)
class Grad:
    college_id: int
    class_id: int | None


def principal(role: Role, college_id: int | None = None, classes: frozenset[int] = frozenset()) -> StaffPrincipal:
    return StaffPrincipal(
        user_id=7, username="u", display_name="某老师", role=role, college_id=college_id, class_ids=classes
    )


ADMIN = principal(Role.ADMIN)
COLLEGE_USER = principal(Role.COLLEGE, COLLEGE_A)
COUNSELOR = principal(Role.COUNSELOR, COLLEGE_A, frozenset({CLASS_A1}))

IN_A1 = Grad(COLLEGE_A, CLASS_A1)
IN_A2 = Grad(COLLEGE_A, CLASS_A2)
IN_B1 = Grad(COLLEGE_B, CLASS_B1)
A_NO_CLASS = Grad(COLLEGE_A, None)


@pytest.mark.parametrize(
    ("who", "graduate", "visible"),
    [
        (ADMIN, IN_A1, True),
        (ADMIN, IN_B1, True),
        (ADMIN, A_NO_CLASS, True),
        (COLLEGE_USER, IN_A1, True),
        (COLLEGE_USER, IN_A2, True),
        (COLLEGE_USER, A_NO_CLASS, True),
        (COLLEGE_USER, IN_B1, False),
        (COUNSELOR, IN_A1, True),
        (COUNSELOR, IN_A2, False),
        (COUNSELOR, IN_B1, False),
        # A graduate not yet placed in a class belongs to no counselor, even one of the same college.
        (COUNSELOR, A_NO_CLASS, False),
    ],
)
def test_graduate_visibility(who: StaffPrincipal, graduate: Grad, visible: bool) -> None:
    assert scope.can_see(who, college_id=graduate.college_id, class_id=graduate.class_id) is visible
    if visible:
        scope.ensure_can_see_graduate(who, graduate)
    else:
        with pytest.raises(Forbidden, match="不在您负责的范围内"):
            scope.ensure_can_see_graduate(who, graduate)


def test_counselor_without_classes_sees_nothing() -> None:
    nobody = principal(Role.COUNSELOR, COLLEGE_A)
    assert not scope.can_see(nobody, college_id=COLLEGE_A, class_id=CLASS_A1)
    assert not scope.can_see(nobody, college_id=COLLEGE_A, class_id=None)


def test_college_user_without_college_sees_nothing() -> None:
    orphan = principal(Role.COLLEGE, None)
    assert not scope.can_see(orphan, college_id=COLLEGE_A, class_id=CLASS_A1)
    assert not scope.can_see_college(orphan, COLLEGE_A)


def test_class_checks() -> None:
    scope.ensure_can_see_class(COUNSELOR, class_id=CLASS_A1, college_id=COLLEGE_A)
    scope.ensure_can_see_class(COLLEGE_USER, class_id=CLASS_A2, college_id=COLLEGE_A)
    with pytest.raises(Forbidden):
        scope.ensure_can_see_class(COUNSELOR, class_id=CLASS_A2, college_id=COLLEGE_A)
    with pytest.raises(Forbidden):
        scope.ensure_can_see_class(COLLEGE_USER, class_id=CLASS_B1, college_id=COLLEGE_B)


def test_college_views() -> None:
    assert scope.can_see_college(ADMIN, COLLEGE_B)
    assert scope.can_see_college(COLLEGE_USER, COLLEGE_A)
    assert not scope.can_see_college(COLLEGE_USER, COLLEGE_B)
    # A counselor never sees a college as a whole, only their classes inside it.
    assert not scope.can_see_college(COUNSELOR, COLLEGE_A)
    with pytest.raises(Forbidden):
        scope.ensure_can_see_college(COUNSELOR, COLLEGE_A)
    # Filtering a list by college is allowed to a counselor: their scope still narrows it to their classes.
    scope.ensure_can_filter_college(COUNSELOR, COLLEGE_B)
    scope.ensure_can_filter_college(COLLEGE_USER, COLLEGE_A)
    with pytest.raises(Forbidden):
        scope.ensure_can_filter_college(COLLEGE_USER, COLLEGE_B)


def test_role_gates() -> None:
    scope.ensure_can_review_postings(ADMIN)
    scope.ensure_can_review_postings(COLLEGE_USER)
    with pytest.raises(Forbidden, match="管理员、学院就业负责人"):
        scope.ensure_can_review_postings(COUNSELOR)
    scope.ensure_can_reveal_pii(ADMIN)
    for who in (COLLEGE_USER, COUNSELOR):
        with pytest.raises(Forbidden, match="只有管理员"):
            scope.ensure_can_reveal_pii(who)
        with pytest.raises(Forbidden, match="审计日志"):
            scope.ensure_can_read_audit(who)
    scope.ensure_can_read_audit(ADMIN)
    with pytest.raises(Forbidden, match="辅导员"):
        scope.ensure_role(ADMIN, Role.COUNSELOR)


def test_principal_is_a_value() -> None:
    again = principal(Role.COUNSELOR, COLLEGE_A, frozenset({CLASS_A1}))
    assert again == COUNSELOR and hash(again) == hash(COUNSELOR)
    assert ADMIN.sees_all and not COUNSELOR.sees_all
    assert COUNSELOR.audit_actor == "u"
