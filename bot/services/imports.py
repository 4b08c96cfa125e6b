"""Use cases: import the graduate or the posting ledger from a spreadsheet; hand out the blank templates.

An import reads the whole file, judges every row (pure parse, then the checks only the database can make)
and reports every bad row. By default a file with any bad row changes nothing; with `partial` the good rows
are imported and the bad ones are written to an error file. Either way one audit row records the attempt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.container import Container
from bot.domain import ReviewState
from bot.errors import ImportFileError
from bot.imports.columns import GRADUATE_COLUMNS, POSTING_COLUMNS
from bot.imports.graduates import GraduateContext, parse_graduate
from bot.imports.headers import ColumnSpec, HeaderMap, match_headers
from bot.imports.postings import PostingContext, parse_posting
from bot.imports.reader import RawRow, Table, read_table
from bot.imports.report import KIND_LABELS, ImportReport, ParsedRow, RowError
from bot.imports.store_common import begin_write
from bot.imports.store_graduates import BIND_BY_COLUMN, GraduateStore
from bot.imports.store_postings import PostingStore
from bot.imports.writer import default_error_path, write_error_file, write_template
from bot.security import audit

MAX_LISTED_NOTES = 20
TEMPLATES: dict[str, tuple[Sequence[ColumnSpec], str]] = {
    "graduates": (GRADUATE_COLUMNS, "毕业生"),
    "postings": (POSTING_COLUMNS, "岗位"),
}


@dataclass(frozen=True, slots=True)
class ImportOptions:
    partial: bool = False  # import the good rows, write the bad ones to an error file
    error_file: Path | None = None  # default: next to the input, "<name>.错误行.<ext>"
    pending: bool = False  # postings: wait for review instead of APPROVED
    cohort: int | None = None  # graduates: 届别 for rows without one (default: this year)
    actor: str = "cli"
    actor_user_id: int | None = None


def import_graduates(c: Container, path: Path, options: ImportOptions | None = None) -> ImportReport:
    options = options or ImportOptions()
    table = read_table(path, GRADUATE_COLUMNS)
    hmap, report = _start("graduates", table, GRADUATE_COLUMNS)
    cohort = options.cohort or c.clock.now().astimezone(ZoneInfo(c.settings.schedule.timezone)).year
    ctx = GraduateContext(c.codebook, cohort)
    rows = [parse_graduate(raw, hmap, ctx) for raw in table.rows]
    if c.settings.binding_secret != BIND_BY_COLUMN and any("bind_code" in r.refs for r in rows):
        report.warnings.append("系统配置为用身份证号后六位绑定，“绑定码”列未使用")
    if c.settings.binding_secret == BIND_BY_COLUMN and hmap.has("id_number") and not hmap.has("bind_code"):
        report.warnings.append("系统配置为用绑定码绑定，但文件中没有“绑定码”列：这些学生暂时无法自助绑定")
    with _writing(c) as session:
        store = GraduateStore(session, c.pii, c.settings.binding_secret, cohort)
        store.resolve(rows)
        _finish(session, report, table, hmap, rows, options, store.write)
        report.counts.update(store.counts)
        _audit_and_commit(session, report, options)
    return report


def import_postings(c: Container, path: Path, options: ImportOptions | None = None) -> ImportReport:
    options = options or ImportOptions()
    table = read_table(path, POSTING_COLUMNS)
    hmap, report = _start("postings", table, POSTING_COLUMNS)
    ctx = PostingContext(c.codebook)
    rows = [parse_posting(raw, hmap, ctx) for raw in table.rows]
    with _writing(c) as session:
        store = PostingStore(session, ReviewState.PENDING if options.pending else ReviewState.APPROVED)
        repeats = store.resolve(rows)
        if repeats:
            skipped = {id(r) for r in repeats}
            rows = [r for r in rows if id(r) not in skipped]
            listed = "、".join(str(r.number) for r in repeats[:MAX_LISTED_NOTES])
            more = "等" if len(repeats) > MAX_LISTED_NOTES else ""
            report.warnings.append(f"第 {listed}{more} 行（共 {len(repeats)} 行）与前面的行完全相同，已跳过")
            report.counts["repeated_rows"] = len(repeats)
        _note_rows(report, rows)
        _finish(session, report, table, hmap, rows, options, store.write)
        report.counts.update(store.counts)
        _audit_and_commit(session, report, options)
    return report


@contextmanager
def _writing(c: Container) -> Iterator[Session]:
    """One transaction for the whole import; a clash with a concurrent writer becomes a clear error."""
    with c.sessions() as session:
        begin_write(session)
        try:
            yield session
        except sa.exc.IntegrityError as exc:
            session.rollback()
            raise ImportFileError(
                "导入期间数据库中的同一批记录被同时修改（可能另一次导入正在进行），本次未导入任何数据，请稍后重试"
            ) from exc


def export_template(kind: str, path: Path) -> Path:
    """Write the blank ledger for `kind` ("graduates" or "postings")."""
    if kind not in TEMPLATES:
        raise ImportFileError(f"没有“{kind}”模板：可选 graduates（毕业生）或 postings（岗位）")
    specs, title = TEMPLATES[kind]
    return write_template(specs, title, path)


def _start(kind: str, table: Table, specs: Sequence[ColumnSpec]) -> tuple[HeaderMap, ImportReport]:
    hmap = match_headers(table.header, specs)
    name = table.path.name
    if hmap.missing_required:
        found = "、".join(h for c in table.header if (h := str(c or "").strip())) or "无"
        missing = "、".join(hmap.missing_required)
        raise ImportFileError(f"{name}：缺少必需的列 {missing}（第 {table.header_row} 行是表头，现有列：{found}）")
    report = ImportReport(kind=kind, file=name, rows=len(table.rows), warnings=list(table.warnings))
    if hmap.unknown:
        report.warnings.append(f"以下列无法识别，已忽略：{'、'.join(hmap.unknown)}")
    if hmap.duplicates:
        report.warnings.append(f"以下列与前面的列重复，已忽略：{'、'.join(hmap.duplicates)}")
    if not table.rows:
        report.warnings.append(f"文件中没有{KIND_LABELS[kind]}数据行")
    return hmap, report


def _note_rows(report: ImportReport, rows: list[ParsedRow]) -> None:
    noted = [(r.number, note) for r in rows for note in r.notes]
    for number, note in noted[:MAX_LISTED_NOTES]:
        report.warnings.append(f"第 {number} 行：{note}")
    if len(noted) > MAX_LISTED_NOTES:
        report.warnings.append(f"另有 {len(noted) - MAX_LISTED_NOTES} 条类似提示未列出")


def _finish(
    session: Session,
    report: ImportReport,
    table: Table,
    hmap: HeaderMap,
    rows: list[ParsedRow],
    options: ImportOptions,
    write: Callable[[list[ParsedRow]], tuple[int, int, int]],
) -> None:
    """Record the errors; write the good rows unless any row is bad and the import is all-or-nothing."""
    bad = [r for r in rows if not r.ok]

    def position(name: str) -> int:  # errors read left to right, as the counselor's eye goes along the row
        return hmap.columns[name][0] if name in hmap.columns else len(table.header)

    found = sorted((r.number, position(f), f, reason) for r in bad for f, reason in r.errors)
    report.errors = [RowError(number, hmap.header_of(f) if f else "", reason) for number, _, f, reason in found]
    if bad and not options.partial:
        return
    good = [r for r in rows if r.ok]
    if good:
        report.new, report.updated, report.unchanged = write(good)
        report.imported = True
    if bad:
        # Written before the commit: if the error file cannot be written, nothing is imported either.
        target = options.error_file or default_error_path(table.path)
        reasons = [
            (RawRow(r.number, r.raw), "；".join(f"{hmap.header_of(f) or '整行'}：{m}" for f, m in r.errors))
            for r in bad
        ]
        try:
            report.error_file = str(write_error_file(table, reasons, target))
        except OSError as exc:
            raise ImportFileError(f"无法写入错误文件 {target}：{exc}") from exc


def _audit_and_commit(session: Session, report: ImportReport, options: ImportOptions) -> None:
    audit.record(
        session,
        actor=options.actor,
        actor_user_id=options.actor_user_id,
        action=f"import.{report.kind}",
        object_type=report.kind,
        detail=report.audit_detail(),
    )
    session.commit()
