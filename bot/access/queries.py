"""The scope rules of `bot.access.rules` as SQL: filters to AND into every staff query, and the principal's loader.

Both sides must agree: a row a filter lets through is one `bot.scope.can_see` accepts, so lists and detail
reads never disagree about what a counselor may see.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from bot.access.rules import StaffPrincipal, ensure_can_filter_college, ensure_can_see_class
from bot.codes.book import CodeBook
from bot.domain import Role
from bot.errors import InvalidInput, NotFound
from models import Graduate, SchoolClass, StaffUser


def class_ids_of(session: Session, user_id: int) -> frozenset[int]:
    rows = session.scalars(sa.select(SchoolClass.id).where(SchoolClass.counselor_id == user_id))
    return frozenset(rows)


def principal_for(session: Session, user: StaffUser) -> StaffPrincipal:
    return StaffPrincipal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        college_id=user.college_id,
        class_ids=class_ids_of(session, user.id) if user.role is Role.COUNSELOR else frozenset(),
    )


def _scoped(
    principal: StaffPrincipal, college_col: QueryableAttribute[Any], class_col: QueryableAttribute[Any]
) -> ColumnElement[bool]:
    if principal.role is Role.ADMIN:
        return sa.true()
    if principal.role is Role.COLLEGE:
        if principal.college_id is None:
            return sa.false()
        return college_col == principal.college_id
    if not principal.class_ids:
        return sa.false()
    return class_col.in_(sorted(principal.class_ids))


def graduate_scope(principal: StaffPrincipal) -> ColumnElement[bool]:
    """WHERE clause limiting `graduates` to the principal's scope."""
    return _scoped(principal, Graduate.college_id, Graduate.class_id)


def class_scope(principal: StaffPrincipal) -> ColumnElement[bool]:
    """WHERE clause limiting `classes` to the principal's scope."""
    return _scoped(principal, SchoolClass.college_id, SchoolClass.id)


# ------------------------------------------------------------------------------------------ graduate filters


def placed_codes(book: CodeBook) -> list[str]:
    return sorted(code for code, dest in book.destinations.items() if dest.placed)


def status_filter(book: CodeBook, status: str) -> ColumnElement[bool] | None:
    """`placed`, `unplaced` (including not yet reported) or a destination code (a 2-digit code takes its
    sub-codes); None if the value is none of these."""
    key = status.strip()
    if key == "placed":
        return Graduate.destination_code.in_(placed_codes(book))
    if key == "unplaced":
        return sa.or_(Graduate.destination_code.is_(None), Graduate.destination_code.not_in(placed_codes(book)))
    if key not in book.destinations:
        return None
    codes = sorted(c for c, dest in book.destinations.items() if c == key or dest.parent == key)
    return Graduate.destination_code.in_(codes)


def hardship_expr() -> ColumnElement[bool]:
    return sa.or_(
        Graduate.hardship_mask != 0,
        Graduate.flag_poverty.is_(True),
        Graduate.flag_dibao.is_(True),
        Graduate.flag_zero_employment.is_(True),
        Graduate.flag_disability.is_(True),
    )


def text_filter(q: str) -> ColumnElement[bool]:
    """Name contains the text, or the 学号 starts with it (wildcards in the text are literal)."""
    text = q.strip()
    return sa.or_(
        Graduate.name.contains(text, autoescape=True),
        Graduate.student_no.startswith(text, autoescape=True),
    )


def graduate_filters(
    session: Session,
    principal: StaffPrincipal,
    book: CodeBook,
    *,
    class_id: int | None,
    college_id: int | None,
    status: str | None,
    hardship: bool | None,
    text: str | None,
    unknown_status: str,
) -> list[ColumnElement[bool]]:
    """The filters every graduate list shares (the console's and the API's), ANDed into the principal's scope;
    `unknown_status` is the caller's message for a status filter it does not know (`{status}` is filled in)."""
    conds = [graduate_scope(principal)]
    if class_id is not None:
        school_class = session.get(SchoolClass, class_id)
        if school_class is None:
            raise NotFound(f"找不到班级 {class_id}")
        ensure_can_see_class(principal, class_id=school_class.id, college_id=school_class.college_id)
        conds.append(Graduate.class_id == class_id)
    if college_id is not None:
        ensure_can_filter_college(principal, college_id)
        conds.append(Graduate.college_id == college_id)
    if status is not None:
        by_status = status_filter(book, status)
        if by_status is None:
            raise InvalidInput([unknown_status.format(status=status)])
        conds.append(by_status)
    if hardship is not None:
        conds.append(hardship_expr() if hardship else sa.not_(hardship_expr()))
    if text is not None and text.strip():
        conds.append(text_filter(text))
    return conds
