"""The national upload format (全国高校毕业生毕业去向登记): one row per graduate from their latest status.

Columns are exactly `CodeBook.export_columns`, in that order. Values come from the latest `status_history` row
(the graduate's cached status when there is none yet); 工作职位类别代码 stays empty because jiuye does not record
it. An export of personal data is an audited read: the audit row names who, what scope and how many rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.access.queries import graduate_scope
from bot.access.rules import StaffPrincipal, ensure_can_filter_college
from bot.codes.book import CodeBook
from bot.container import Container
from bot.domain import EducationLevel
from bot.errors import InvalidInput, NotFound
from bot.reports.workbook import Sheet, write_workbook
from bot.security import audit
from models import College, Graduate, Major, SchoolClass, StatusRecord

SHEET_TITLE = "毕业去向"
# 学历层次 as the national lists name them (the code book's education_levels).
EDUCATION_NAMES = {
    EducationLevel.ZHUANKE: "专科生",
    EducationLevel.BENKE: "本科生",
    EducationLevel.SHUOSHI: "硕士生",
    EducationLevel.BOSHI: "博士生",
}
_WIDTHS = {"学号": 14, "考生号": 16, "姓名": 10, "单位名称": 30, "统一社会信用代码": 22, "留学国家地区": 14}


@dataclass(frozen=True)
class ExportScope:
    """Whose rows: a principal's scope (web) or everyone (the command line), optionally one college."""

    principal: StaffPrincipal | None = None
    college_id: int | None = None
    college: str | None = None  # code or name, as typed at the command line


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    college: str | None
    warnings: list[str] = field(default_factory=list)


def education_name(value: int) -> str:
    try:
        return EDUCATION_NAMES.get(EducationLevel(value), "")
    except ValueError:
        return ""


def resolve_college(session: Session, scope: ExportScope) -> College | None:
    if scope.college_id is not None:
        found = session.get(College, scope.college_id)
        if found is None:
            raise NotFound(f"找不到学院 {scope.college_id}")
        return found
    if scope.college:
        text = scope.college.strip()
        found = session.scalar(sa.select(College).where(sa.or_(College.code == text, College.name == text)))
        if found is None:
            raise NotFound(f"未找到学院“{text}”（可用学院代码或名称）")
        return found
    return None


def _conditions(session: Session, scope: ExportScope) -> tuple[list[ColumnElement[bool]], College | None]:
    conds: list[ColumnElement[bool]] = []
    if scope.principal is not None:
        conds.append(graduate_scope(scope.principal))
    college = resolve_college(session, scope)
    if college is not None:
        if scope.principal is not None:
            ensure_can_filter_college(scope.principal, college.id)
        conds.append(Graduate.college_id == college.id)
    return conds, college


def national_rows(session: Session, book: CodeBook, conds: Sequence[ColumnElement[bool]]) -> Iterator[list[str]]:
    """The rows of the upload, in college, class and 学号 order; every value a string ("" when unknown)."""
    columns = book.export_columns
    latest = sa.select(sa.func.max(StatusRecord.id)).group_by(StatusRecord.graduate_id)
    stmt = (
        sa.select(Graduate, Major.code, StatusRecord)
        .join(Major, Graduate.major_id == Major.id)
        .join(College, Graduate.college_id == College.id)
        .outerjoin(SchoolClass, Graduate.class_id == SchoolClass.id)
        .outerjoin(StatusRecord, sa.and_(StatusRecord.graduate_id == Graduate.id, StatusRecord.id.in_(latest)))
        .where(*conds)
        .order_by(College.code, SchoolClass.name, Graduate.student_no)
        .execution_options(yield_per=1000)
    )
    for graduate, major_code, status in session.execute(stmt):
        values = record_values(graduate, major_code, status)
        yield [values.get(name, "") for name in columns]


def record_values(g: Graduate, major_code: str, s: StatusRecord | None) -> dict[str, str]:
    """One graduate's values by national column name."""

    def text(value: Any) -> str:
        return "" if value is None else str(value).strip()

    values = {
        "学号": text(g.student_no),
        "考生号": text(g.exam_no),
        "姓名": text(g.name),
        "生源地代码": text(g.origin_adcode),
        "专业代码": text(major_code),
        "学历层次": education_name(g.education),
        "毕业去向类别代码": text(s.destination_code if s else g.destination_code),
        "工作职位类别代码": "",  # not recorded by jiuye: left empty rather than guessed
        "单位名称": text(s.employer_name if s else g.employer_name),
    }
    if s is not None:
        values.update(
            {
                "统一社会信用代码": text(s.employer_credit_code),
                "单位性质代码": text(s.employer_nature_code),
                "单位行业代码": text(s.industry_code),
                "单位所在地代码": text(s.place_adcode),
                "留学国家地区": text(s.study_country),
            }
        )
    return values


def quality_warnings(rows: Sequence[Sequence[str]], book: CodeBook) -> list[str]:
    """What the national system is likely to reject, counted so the office can fix it before uploading."""
    index = {name: i for i, name in enumerate(book.export_columns)}
    no_code = sum(1 for r in rows if not r[index["毕业去向类别代码"]])
    unknown = sum(
        1 for r in rows if r[index["毕业去向类别代码"]] and r[index["毕业去向类别代码"]] not in book.destinations
    )
    employed = {c for c, d in book.destinations.items() if d.group == "协议和合同就业"}
    no_employer = sum(1 for r in rows if r[index["毕业去向类别代码"]] in employed and not r[index["统一社会信用代码"]])
    warnings = []
    if no_code:
        warnings.append(f"{no_code} 名毕业生尚未登记毕业去向，“毕业去向类别代码”为空")
    if unknown:
        warnings.append(f"{unknown} 名毕业生的毕业去向代码不在 {book.version} 版代码表中")
    if no_employer:
        warnings.append(f"{no_employer} 名协议和合同就业的毕业生缺少统一社会信用代码")
    return warnings


def export_national(
    c: Container,
    path: Path,
    scope: ExportScope,
    *,
    actor: str = "cli",
    actor_user_id: int | None = None,
    ip: str | None = None,
) -> ExportResult:
    """Write the upload file and audit the export; nothing is audited if the file cannot be written."""
    if path.suffix.lower() != ".xlsx":
        raise InvalidInput([f"导出文件须为 .xlsx：{path.name}"])
    book = c.codebook
    with c.sessions() as session:
        conds, college = _conditions(session, scope)
        rows = list(national_rows(session, book, conds))
    widths = [_WIDTHS.get(name, 12) for name in book.export_columns]
    write_workbook(path, [Sheet(SHEET_TITLE, book.export_columns, rows, widths)])
    warnings = quality_warnings(rows, book)
    with c.sessions.begin() as session:
        audit.record(
            session,
            actor=actor,
            actor_user_id=actor_user_id,
            action="export.national",
            object_type="graduates",
            detail={
                "rows": len(rows),
                "college": college.name if college else None,
                "file": path.name,
                "code_version": book.version,
            },
            ip=ip,
            at=c.clock.now(),
        )
    return ExportResult(path, len(rows), college.name if college else None, warnings)
