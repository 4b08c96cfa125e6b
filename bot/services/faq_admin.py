"""The counselors' FAQ maintained by staff: list for every role, write for admin (any entry, global or a
college's) and college staff (their own college's entries). Counselors read only: an answer the bot gives every
student of a college is the employment office's word, and policy facts (补贴, 档案) must stay consistent.
Every write is audited with the entry's text before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.access.rules import StaffPrincipal
from bot.domain import Role
from bot.errors import Forbidden, InvalidInput, NotFound
from bot.security import audit
from models import College, FaqEntry

LIMITS = {"question": 500, "answer": 4000, "keywords": 256}


@dataclass(frozen=True, slots=True)
class FaqChange:
    question: str | None = None
    answer: str | None = None
    keywords: str | None = None
    college_id: int | None = None
    set_college: bool = False  # college_id given (None then means a global entry)
    active: bool | None = None


def visible(principal: StaffPrincipal) -> sa.ColumnElement[bool]:
    if principal.role is Role.ADMIN:
        return sa.true()
    if principal.college_id is None:
        return FaqEntry.college_id.is_(None)
    return sa.or_(FaqEntry.college_id.is_(None), FaqEntry.college_id == principal.college_id)


def _may_write(principal: StaffPrincipal, college_id: int | None) -> None:
    if principal.role is Role.ADMIN:
        return
    if principal.role is Role.COLLEGE and principal.college_id is not None and college_id == principal.college_id:
        return
    if principal.role is Role.COLLEGE:
        raise Forbidden("学院用户只能维护本学院的问答；全校通用的问答由管理员维护")
    raise Forbidden("权限不足：问答由管理员和学院就业负责人维护，辅导员可以查看")


def _clean(change: FaqChange, *, creating: bool) -> dict[str, str]:
    problems: list[str] = []
    out: dict[str, str] = {}
    for name, label in (("question", "问题"), ("answer", "答案"), ("keywords", "关键词")):
        value = getattr(change, name)
        if value is None:
            if creating and name != "keywords":
                problems.append(f"{label}不能为空")
            continue
        text = value.strip()
        if not text and name != "keywords":
            problems.append(f"{label}不能为空")
        if len(text) > LIMITS[name]:
            problems.append(f"{label}不能超过 {LIMITS[name]} 个字符")
        out[name] = text
    if problems:
        raise InvalidInput(problems)
    return out


def _college_exists(session: Session, college_id: int | None) -> None:
    if college_id is not None and session.get(College, college_id) is None:
        raise InvalidInput([f"学院 {college_id} 不存在"])


def _snapshot(entry: FaqEntry) -> dict[str, object]:
    return {"question": entry.question, "answer": entry.answer, "keywords": entry.keywords,
            "college_id": entry.college_id, "active": entry.active}  # fmt: skip


def _audit(session: Session, principal: StaffPrincipal, action: str, entry: FaqEntry, now: datetime,
           ip: str | None, **detail: object) -> None:  # fmt: skip
    audit.record(session, actor=principal.audit_actor, actor_user_id=principal.user_id, action=action,
                 object_type="faq", object_id=entry.id, detail=detail, ip=ip, at=now)  # fmt: skip


def get(session: Session, principal: StaffPrincipal, faq_id: int) -> FaqEntry:
    entry = session.scalars(sa.select(FaqEntry).where(FaqEntry.id == faq_id, visible(principal))).first()
    if entry is None:
        raise NotFound(f"找不到问答 {faq_id}")
    return entry


def create(session: Session, principal: StaffPrincipal, change: FaqChange, *, now: datetime,
           ip: str | None = None) -> FaqEntry:  # fmt: skip
    college_id = change.college_id if change.set_college else principal.college_id
    if principal.role is Role.ADMIN and not change.set_college:
        college_id = None  # the admin's entries are for everyone unless a college is named
    _may_write(principal, college_id)
    _college_exists(session, college_id)
    values = _clean(change, creating=True)
    entry = FaqEntry(question=values["question"], answer=values["answer"], keywords=values.get("keywords", ""),
                     college_id=college_id, active=True if change.active is None else change.active,
                     updated_by_id=principal.user_id, updated_at=now)  # fmt: skip
    session.add(entry)
    session.flush()
    _audit(session, principal, "faq.create", entry, now, ip, after=_snapshot(entry))
    return entry


def update(session: Session, principal: StaffPrincipal, faq_id: int, change: FaqChange, *, now: datetime,
           ip: str | None = None) -> FaqEntry:  # fmt: skip
    entry = get(session, principal, faq_id)
    _may_write(principal, entry.college_id)
    before = _snapshot(entry)
    if change.set_college:
        _may_write(principal, change.college_id)
        _college_exists(session, change.college_id)
        entry.college_id = change.college_id
    for name, value in _clean(change, creating=False).items():
        setattr(entry, name, value)
    if change.active is not None:
        entry.active = change.active
    entry.updated_by_id = principal.user_id
    entry.updated_at = now
    _audit(session, principal, "faq.update", entry, now, ip, before=before, after=_snapshot(entry))
    return entry


def delete(session: Session, principal: StaffPrincipal, faq_id: int, *, now: datetime, ip: str | None = None) -> None:
    entry = get(session, principal, faq_id)
    _may_write(principal, entry.college_id)
    _audit(session, principal, "faq.delete", entry, now, ip, before=_snapshot(entry))
    session.delete(entry)
