"""班班清: each class in the caller's scope at a glance, as a counselor reads it each morning.

Per class: graduates, 已落实 and the rate, 未就业 by reason, hardship graduates not yet placed, graduates who did
not answer their latest check-in, today's "请电话联系" list (check-ins no channel could carry), unplaced graduates
with fewer than K active matches, and the 岗位不足 of the latest batch match run. Counted in SQL, a handful of
grouped queries whatever the school's size.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.access.queries import class_scope, graduate_scope, hardship_expr, placed_codes
from bot.access.rules import StaffPrincipal
from bot.container import Container
from bot.reports.stats import HARDSHIP_COLUMNS, is_hardship, reason_label
from bot.security.pii import mask_phone
from models import Checkin, College, Graduate, Match, MatchRun, MatchShortfall, SchoolClass, StaffUser

PHONE_LIST_LIMIT = 200
# Why a graduate is on the phone list, by the kind of the `checkins` row that put them there.
PHONE_REASONS = {
    "checkin": "状态询问无法送达",
    "followup": "状态询问未回复，且无法再次提醒",
    "escalation": "连续多次未回复状态询问",
    "new_matches": "有新的推荐岗位，但无法推送",
    "deadline": "感兴趣的岗位即将截止，但无法提醒",
    "broadcast": "岗位通知无法送达",
}
BATCH_TRIGGERS = ("batch", "nightly")


@dataclass
class ClassRow:
    class_id: int | None
    name: str
    college: str = ""
    college_code: str = ""
    counselor: str = ""
    total: int = 0
    placed: int = 0
    unplaced_by_reason: Counter[str] = field(default_factory=Counter)
    hardship_unplaced: int = 0
    no_reply: int = 0
    phone_today: int = 0
    few_matches: int = 0
    shortfall: int = 0

    @property
    def unplaced(self) -> int:
        return self.total - self.placed

    @property
    def rate(self) -> float:
        return self.placed / self.total if self.total else 0.0

    def add(self, other: ClassRow) -> None:
        for name in ("total", "placed", "hardship_unplaced", "no_reply", "phone_today", "few_matches", "shortfall"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.unplaced_by_reason.update(other.unplaced_by_reason)


@dataclass(frozen=True, slots=True)
class PhoneItem:
    graduate_id: int
    student_no: str
    name: str
    class_name: str
    phone: str  # masked: the full number is the admin's to reveal
    reasons: tuple[str, ...]
    due_at: datetime
    hardship: bool


@dataclass(frozen=True, slots=True)
class LatestRun:
    id: int
    trigger: str
    finished_at: datetime | None


@dataclass
class ClassBoard:
    day: date
    k: int
    rows: list[ClassRow]
    totals: ClassRow
    phone_list: list[PhoneItem]
    latest_run: LatestRun | None


def local_day_bounds(c: Container) -> tuple[date, datetime, datetime]:
    """Today in the school's time zone, and its start and end as UTC instants."""
    tz = ZoneInfo(c.settings.schedule.timezone)
    today = c.clock.now().astimezone(tz).date()
    start = datetime.combine(today, time(0, 0), tzinfo=tz)
    return today, start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def class_board(c: Container, session: Session, principal: StaffPrincipal) -> ClassBoard:
    today, start, end = local_day_bounds(c)
    k = c.settings.matching.k
    rows = _classes(session, principal)
    scope = [graduate_scope(principal)]
    _add_status(session, scope, c, rows)
    _add_counts(rows, "no_reply", no_reply_counts(session, scope))
    _add_counts(rows, "phone_today", _grouped(session, scope, phone_today_filter(start, end)))
    _add_counts(rows, "few_matches", _grouped(session, scope, few_matches_filter(c, k)))
    run = latest_batch_run(session)
    if run is not None:
        shortfall = Graduate.id.in_(sa.select(MatchShortfall.graduate_id).where(MatchShortfall.run_id == run.id))
        _add_counts(rows, "shortfall", _grouped(session, scope, shortfall))
    ordered = [r for r in rows.values() if r.total or r.class_id is not None]
    ordered.sort(key=lambda r: (r.class_id is None, r.college_code, r.name))
    totals = ClassRow(class_id=None, name="合计")
    for row in ordered:
        totals.add(row)
    phone = phone_list(session, c, scope, start, end)
    return ClassBoard(today, k, ordered, totals, phone, run)


def _classes(session: Session, principal: StaffPrincipal) -> dict[int | None, ClassRow]:
    stmt = (
        sa.select(SchoolClass.id, SchoolClass.name, College.code, College.name, StaffUser.display_name)
        .join(College, SchoolClass.college_id == College.id)
        .outerjoin(StaffUser, SchoolClass.counselor_id == StaffUser.id)
        .where(class_scope(principal))
    )
    rows: dict[int | None, ClassRow] = {
        cid: ClassRow(class_id=cid, name=name, college=college, college_code=code, counselor=counselor or "")
        for cid, name, code, college, counselor in session.execute(stmt)
    }
    # Graduates without a class are visible to admins and college users; they get a row of their own.
    rows[None] = ClassRow(class_id=None, name="（未分班）")
    return rows


def _add_status(
    session: Session, scope: Sequence[ColumnElement[bool]], c: Container, rows: dict[int | None, ClassRow]
) -> None:
    # Grouped by plain columns and judged here: PostgreSQL refuses GROUP BY over expressions with bound parameters.
    book = c.codebook
    columns = (Graduate.class_id, Graduate.destination_code, Graduate.unplaced_reason, *HARDSHIP_COLUMNS)
    stmt = sa.select(*columns, sa.func.count()).where(*scope).group_by(*columns)
    for class_id, code, reason, mask, poverty, dibao, zero, disability, n in session.execute(stmt):
        # A graduate in scope whose class lies outside it (inconsistent data) still counts, under a row of its own.
        row = rows.setdefault(class_id, ClassRow(class_id=class_id, name=f"班级 {class_id}"))
        row.total += n
        if code is not None and book.is_placed(code):
            row.placed += n
            continue
        row.unplaced_by_reason[reason_label(code is None, reason)] += n
        if is_hardship(mask, poverty, dibao, zero, disability):
            row.hardship_unplaced += n


def _add_counts(rows: dict[int | None, ClassRow], name: str, counts: dict[int | None, int]) -> None:
    for class_id, n in counts.items():
        row = rows.get(class_id)
        if row is not None:
            setattr(row, name, getattr(row, name) + n)


def _grouped(
    session: Session, scope: Sequence[ColumnElement[bool]], condition: ColumnElement[bool]
) -> dict[int | None, int]:
    stmt = sa.select(Graduate.class_id, sa.func.count()).where(*scope, condition).group_by(Graduate.class_id)
    return {cid: int(n) for cid, n in session.execute(stmt)}


def no_reply_filter() -> ColumnElement[bool]:
    """Graduates whose latest sent check-in is still unanswered."""
    latest = sa.select(sa.func.max(Checkin.id)).where(Checkin.sent_at.is_not(None)).group_by(Checkin.graduate_id)
    unanswered = sa.select(Checkin.graduate_id).where(Checkin.id.in_(latest), Checkin.answered_at.is_(None))
    return Graduate.id.in_(unanswered)


def no_reply_counts(session: Session, scope: Sequence[ColumnElement[bool]]) -> dict[int | None, int]:
    return _grouped(session, scope, no_reply_filter())


def phone_today_filter(start: datetime, end: datetime) -> ColumnElement[bool]:
    """Graduates on today's phone list: a check-in due today that no channel could carry, not yet answered."""
    return Graduate.id.in_(_phone_checkins(start, end).with_only_columns(Checkin.graduate_id))


def _phone_checkins(start: datetime, end: datetime) -> sa.Select[Checkin]:
    return sa.select(Checkin).where(
        Checkin.channel.is_(None), Checkin.answered_at.is_(None), Checkin.due_at >= start, Checkin.due_at < end
    )


def few_matches_filter(c: Container, k: int) -> ColumnElement[bool]:
    """Unplaced graduates holding fewer than K active matches (none at all included)."""
    enough = sa.select(Match.graduate_id).where(Match.active).group_by(Match.graduate_id).having(sa.func.count() >= k)
    placed = placed_codes(c.codebook)
    unplaced = sa.or_(Graduate.destination_code.is_(None), Graduate.destination_code.not_in(placed))
    return sa.and_(unplaced, Graduate.id.not_in(enough))


def latest_batch_run(session: Session) -> LatestRun | None:
    stmt = (
        sa.select(MatchRun.id, MatchRun.trigger, MatchRun.finished_at)
        .where(MatchRun.status == "done", MatchRun.trigger.in_(BATCH_TRIGGERS))
        .order_by(MatchRun.id.desc())
        .limit(1)
    )
    row = session.execute(stmt).first()
    return LatestRun(row[0], row[1], row[2]) if row else None


def shortfall_filter(session: Session) -> ColumnElement[bool]:
    run = latest_batch_run(session)
    if run is None:
        return sa.false()
    return Graduate.id.in_(sa.select(MatchShortfall.graduate_id).where(MatchShortfall.run_id == run.id))


def phone_list(
    session: Session, c: Container, scope: Sequence[ColumnElement[bool]], start: datetime, end: datetime
) -> list[PhoneItem]:
    """Today's list, one line per graduate with every reason; hardship graduates first."""
    due = _phone_checkins(start, end).subquery()
    stmt = (
        sa.select(Graduate, SchoolClass.name, due.c.kind, due.c.due_at)
        .join(due, due.c.graduate_id == Graduate.id)
        .outerjoin(SchoolClass, Graduate.class_id == SchoolClass.id)
        .where(*scope)
        .order_by(sa.case((hardship_expr(), 0), else_=1), SchoolClass.name, Graduate.student_no, due.c.due_at)
    )
    items: dict[int, PhoneItem] = {}
    for g, class_name, kind, due_at in session.execute(stmt):
        reason = PHONE_REASONS.get(kind, kind)
        old = items.get(g.id)
        if old is not None:
            if reason not in old.reasons:
                items[g.id] = replace(old, reasons=(*old.reasons, reason))
            continue
        if len(items) >= PHONE_LIST_LIMIT:
            continue
        phone = mask_phone(c.pii.decrypt(g.phone_enc))
        items[g.id] = PhoneItem(g.id, g.student_no, g.name, class_name or "", phone, (reason,), due_at, g.is_hardship)
    return list(items.values())


def reasons_in(rows: Sequence[ClassRow]) -> list[str]:
    """The unplaced reasons that occur, in a stable order, for the board's columns."""
    seen: dict[str, int] = defaultdict(int)
    for row in rows:
        for reason, n in row.unplaced_by_reason.items():
            seen[reason] += n
    return sorted(seen, key=lambda r: -seen[r])
