"""Employment statistics for the annual employment-quality report, always within the caller's scope.

就业率 = placed / all graduates (placed per the code book, 2024 definition). Region, employer nature and industry
are read from each graduate's latest `status_history` row and counted over the graduates in employment (placed,
excluding 升学 and 出国出境, whose "place" is a school, not a job). Counted in SQL, shaped here; no web framework.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.access.queries import graduate_scope, placed_codes
from bot.access.rules import StaffPrincipal, ensure_can_filter_college
from bot.codes import places
from bot.codes.book import CodeBook
from models import College, Graduate, Major, StatusRecord

STUDY_GROUPS = frozenset({"升学", "出国出境"})
NOT_REPORTED = "尚未登记去向"
NO_REASON = "未填写原因"
UNKNOWN = "未填写"


@dataclass(frozen=True, slots=True)
class StatsFilter:
    college_id: int | None = None
    cohort: int | None = None


@dataclass(frozen=True, slots=True)
class RateRow:
    """A group of graduates with how many of them are placed."""

    label: str
    total: int
    placed: int
    code: str = ""
    group: str = ""

    @property
    def rate(self) -> float:
        return self.placed / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class CountRow:
    """One value of a distribution: its code (may be empty), its name, how many and their share."""

    code: str
    label: str
    count: int
    share: float
    group: str = ""


@dataclass(frozen=True, slots=True)
class EmploymentStats:
    total: int
    placed: int
    employed: int  # placed, not studying: the base of the region / nature / industry tables
    by_college: list[RateRow]
    by_major: list[RateRow]
    destinations: list[CountRow]
    unplaced_reasons: list[CountRow]
    regions: list[CountRow]
    natures: list[CountRow]
    industries: list[CountRow]
    hardship: list[RateRow]

    @property
    def rate(self) -> float:
        return self.placed / self.total if self.total else 0.0


def employed_codes(book: CodeBook) -> list[str]:
    return sorted(c for c, d in book.destinations.items() if d.placed and d.group not in STUDY_GROUPS)


def conditions(principal: StaffPrincipal, f: StatsFilter) -> list[ColumnElement[bool]]:
    """The graduates a statistic counts: the caller's scope, narrowed by the filter (never widened)."""
    conds = [graduate_scope(principal)]
    if f.college_id is not None:
        ensure_can_filter_college(principal, f.college_id)
        conds.append(Graduate.college_id == f.college_id)
    if f.cohort is not None:
        conds.append(Graduate.cohort == f.cohort)
    return conds


def employment_stats(session: Session, principal: StaffPrincipal, book: CodeBook, f: StatsFilter) -> EmploymentStats:
    conds = conditions(principal, f)
    by_college = _by_college(session, conds, book)
    by_major = _by_major(session, conds, book)
    total = sum(r.total for r in by_college)
    placed = sum(r.placed for r in by_college)
    latest = _latest_employed(session, conds, book)
    employed = sum(latest.values())
    return EmploymentStats(
        total=total,
        placed=placed,
        employed=employed,
        by_college=by_college,
        by_major=by_major,
        destinations=_destinations(session, conds, book, total),
        unplaced_reasons=_unplaced_reasons(session, conds, book),
        regions=_regions(latest, employed),
        natures=_coded(latest, 1, book.employer_natures, employed),
        industries=_coded(latest, 2, book.industries, employed),
        hardship=_hardship(session, conds, book),
    )


def _placed_sum(book: CodeBook) -> sa.ColumnElement[int]:
    return sa.func.sum(sa.case((Graduate.destination_code.in_(placed_codes(book)), 1), else_=0))


def _by_college(session: Session, conds: Sequence[ColumnElement[bool]], book: CodeBook) -> list[RateRow]:
    stmt = (
        sa.select(College.code, College.name, sa.func.count(Graduate.id), _placed_sum(book))
        .select_from(Graduate)
        .join(College, Graduate.college_id == College.id)
        .where(*conds)
        .group_by(College.id, College.code, College.name)
        .order_by(College.code)
    )
    return [
        RateRow(label=name, total=int(n), placed=int(p or 0), code=code) for code, name, n, p in session.execute(stmt)
    ]


def _by_major(session: Session, conds: Sequence[ColumnElement[bool]], book: CodeBook) -> list[RateRow]:
    stmt = (
        sa.select(College.name, Major.code, Major.name, sa.func.count(Graduate.id), _placed_sum(book))
        .select_from(Graduate)
        .join(College, Graduate.college_id == College.id)
        .join(Major, Graduate.major_id == Major.id)
        .where(*conds)
        .group_by(College.code, College.name, Major.id, Major.code, Major.name)
        .order_by(College.code, Major.code, Major.name)
    )
    return [
        RateRow(label=name, total=int(n), placed=int(p or 0), code=code, group=college)
        for college, code, name, n, p in session.execute(stmt)
    ]


def _share_rows(counts: Iterable[tuple[str, str, int, str]], base: int) -> list[CountRow]:
    return [CountRow(code, label, n, n / base if base else 0.0, group) for code, label, n, group in counts]


def _destinations(session: Session, conds: Sequence[ColumnElement[bool]], book: CodeBook, total: int) -> list[CountRow]:
    stmt = sa.select(Graduate.destination_code, sa.func.count()).where(*conds).group_by(Graduate.destination_code)
    found = {code: int(n) for code, n in session.execute(stmt)}
    order = list(book.destinations)
    known = sorted((c for c in found if c is not None), key=lambda c: (order.index(c) if c in order else len(order), c))
    rows = [(c, book.destination_name(c), found[c], _group_of(book, c)) for c in known]
    if None in found:
        rows.append(("", NOT_REPORTED, found[None], ""))
    return _share_rows(rows, total)


def _group_of(book: CodeBook, code: str) -> str:
    dest = book.destinations.get(code)
    return dest.group if dest else "未知代码"


def _unplaced_reasons(session: Session, conds: Sequence[ColumnElement[bool]], book: CodeBook) -> list[CountRow]:
    stmt = (
        sa.select(Graduate.destination_code, Graduate.unplaced_reason, sa.func.count())
        .where(*conds)
        .group_by(Graduate.destination_code, Graduate.unplaced_reason)
    )
    counts: Counter[str] = Counter()
    for code, reason, n in session.execute(stmt):
        if code is not None and book.is_placed(code):
            continue
        counts[reason_label(code is None, reason)] += int(n)
    base = sum(counts.values())
    order = [*book.unplaced_reasons, NO_REASON, NOT_REPORTED]
    labels = sorted(counts, key=lambda r: (order.index(r) if r in order else len(order), r))
    return _share_rows(((r if r in book.unplaced_reasons else "", r, counts[r], "") for r in labels), base)


def reason_label(not_reported: bool, reason: str | None) -> str:
    """How an unplaced graduate is counted: their reason, or why there is none."""
    if not_reported:
        return NOT_REPORTED
    return reason or NO_REASON


def _latest_employed(
    session: Session, conds: Sequence[ColumnElement[bool]], book: CodeBook
) -> Counter[tuple[str, str, str]]:
    """(place adcode, nature code, industry code) of each employed graduate's latest status row, counted."""
    latest = (
        sa.select(sa.func.max(StatusRecord.id).label("id"))
        .join(Graduate, StatusRecord.graduate_id == Graduate.id)
        .where(*conds)
        .group_by(StatusRecord.graduate_id)
        .subquery()
    )
    stmt = (
        sa.select(
            StatusRecord.place_adcode,
            StatusRecord.employer_nature_code,
            StatusRecord.industry_code,
            sa.func.count(),
        )
        .join(latest, StatusRecord.id == latest.c.id)
        .where(StatusRecord.destination_code.in_(employed_codes(book)))
        .group_by(StatusRecord.place_adcode, StatusRecord.employer_nature_code, StatusRecord.industry_code)
    )
    return Counter({(a or "", n or "", i or ""): int(c) for a, n, i, c in session.execute(stmt)})


def province_code(adcode: str) -> str:
    """The province an adcode lies in; "" when it is missing or not a place."""
    if not adcode or not places.is_valid_adcode(adcode) or adcode == places.NATIONWIDE.adcode:
        return ""
    return places.province_of(adcode)


def _regions(latest: Counter[tuple[str, str, str]], base: int) -> list[CountRow]:
    by_province: Counter[str] = Counter()
    for (adcode, _n, _i), count in latest.items():
        by_province[province_code(adcode)] += count
    ordered = sorted(by_province.items(), key=lambda kv: (kv[0] == "", -kv[1], kv[0]))
    return _share_rows(((p, places.name_of(p) if p else UNKNOWN, n, "") for p, n in ordered), base)


def _coded(latest: Counter[tuple[str, str, str]], index: int, names: dict[str, str], base: int) -> list[CountRow]:
    counts: Counter[str] = Counter()
    for key, count in latest.items():
        counts[key[index]] += count
    ordered = sorted(counts.items(), key=lambda kv: (kv[0] == "", -kv[1], kv[0]))
    return _share_rows(((c, names.get(c, f"未知代码 {c}") if c else UNKNOWN, n, "") for c, n in ordered), base)


HARDSHIP_COLUMNS = (
    Graduate.hardship_mask,
    Graduate.flag_poverty,
    Graduate.flag_dibao,
    Graduate.flag_zero_employment,
    Graduate.flag_disability,
)


def is_hardship(mask: int | None, *flags: bool | None) -> bool:
    """The same rule as `Graduate.is_hardship`, on the grouped columns."""
    return bool(mask) or any(bool(f) for f in flags)


def _hardship(session: Session, conds: Sequence[ColumnElement[bool]], book: CodeBook) -> list[RateRow]:
    # Grouped by the plain columns (not by a CASE over them): PostgreSQL cannot match a grouped expression
    # whose bound parameters differ from the selected one's.
    stmt = (
        sa.select(*HARDSHIP_COLUMNS, Graduate.destination_code, sa.func.count())
        .where(*conds)
        .group_by(*HARDSHIP_COLUMNS, Graduate.destination_code)
    )
    totals: Counter[bool] = Counter()
    placed: Counter[bool] = Counter()
    for mask, poverty, dibao, zero, disability, code, n in session.execute(stmt):
        key = is_hardship(mask, poverty, dibao, zero, disability)
        totals[key] += int(n)
        if code is not None and book.is_placed(code):
            placed[key] += int(n)
    return [
        RateRow(label=label, total=totals[key], placed=placed[key])
        for key, label in ((True, "困难生"), (False, "其他毕业生"))
    ]


def cohorts(session: Session, principal: StaffPrincipal) -> list[int]:
    """The 届别 the caller's graduates belong to, newest first (for the filter)."""
    stmt = sa.select(Graduate.cohort).where(graduate_scope(principal)).distinct().order_by(Graduate.cohort.desc())
    return [int(c) for c in session.scalars(stmt)]
