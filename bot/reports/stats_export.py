"""`jiuye export stats` and the 统计 page's download: the statistics tables as a workbook, one sheet each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.access.rules import StaffPrincipal
from bot.container import Container
from bot.domain import Role
from bot.errors import InvalidInput
from bot.reports.national_export import ExportScope, resolve_college
from bot.reports.stats import CountRow, EmploymentStats, RateRow, StatsFilter, employment_stats
from bot.reports.workbook import Cell, Sheet, write_workbook
from bot.security import audit

# Who the command line acts as: the whole school, like an admin.
CLI_PRINCIPAL = StaffPrincipal(0, "cli", "命令行", Role.ADMIN, None, frozenset())
_RATE = ("人数", "已落实", "就业率")
_SHARE = ("人数", "占比")


@dataclass(frozen=True)
class StatsExportResult:
    path: Path
    stats: EmploymentStats
    college: str | None


def _rate_rows(rows: Sequence[RateRow], *, code: bool = False, group: bool = False) -> list[list[Cell]]:
    out: list[list[Cell]] = []
    for r in rows:
        lead: list[Cell] = [*([r.group] if group else []), *([r.code] if code else []), r.label]
        out.append([*lead, r.total, r.placed, r.rate])
    return out


def _share_rows(rows: Sequence[CountRow], *, group: bool = False, code: bool = True) -> list[list[Cell]]:
    return [[*([r.code] if code else []), r.label, *([r.group] if group else []), r.count, r.share] for r in rows]


def stats_sheets(s: EmploymentStats) -> list[Sheet]:
    total: list[list[Cell]] = [["全部毕业生", s.total, s.placed, s.rate]]
    return [
        Sheet("总体", ["范围", *_RATE], total, (18, 10, 10, 10), frozenset({3})),
        Sheet("按学院", ["学院代码", "学院", *_RATE], _rate_rows(s.by_college, code=True), (10, 20, 10, 10, 10),
              frozenset({4})),
        Sheet("按专业", ["学院", "专业代码", "专业", *_RATE], _rate_rows(s.by_major, code=True, group=True),
              (18, 10, 22, 10, 10, 10), frozenset({5})),
        Sheet("毕业去向", ["去向代码", "毕业去向", "类别", *_SHARE], _share_rows(s.destinations, group=True),
              (10, 26, 16, 10, 10), frozenset({4})),
        Sheet("未就业原因", ["未就业原因", *_SHARE], _share_rows(s.unplaced_reasons, code=False), (20, 10, 10),
              frozenset({2})),
        Sheet("就业地区", ["省级代码", "就业地区（省）", *_SHARE], _share_rows(s.regions), (10, 20, 10, 10),
              frozenset({3})),
        Sheet("单位性质", ["单位性质代码", "单位性质", *_SHARE], _share_rows(s.natures), (12, 20, 10, 10),
              frozenset({3})),
        Sheet("单位行业", ["行业代码", "单位行业", *_SHARE], _share_rows(s.industries), (10, 34, 10, 10),
              frozenset({3})),
        Sheet("困难生", ["群体", *_RATE], _rate_rows(s.hardship), (14, 10, 10, 10), frozenset({3})),
    ]  # fmt: skip


def export_stats(
    c: Container,
    path: Path,
    scope: ExportScope,
    *,
    cohort: int | None = None,
    actor: str = "cli",
    actor_user_id: int | None = None,
    ip: str | None = None,
) -> StatsExportResult:
    if path.suffix.lower() != ".xlsx":
        raise InvalidInput([f"导出文件须为 .xlsx：{path.name}"])
    principal = scope.principal or CLI_PRINCIPAL
    with c.sessions() as session:
        college = resolve_college(session, scope)
        f = StatsFilter(college_id=college.id if college else None, cohort=cohort)
        stats = employment_stats(session, principal, c.codebook, f)
    write_workbook(path, stats_sheets(stats))
    with c.sessions.begin() as session:
        audit.record(
            session,
            actor=actor,
            actor_user_id=actor_user_id,
            action="export.stats",
            object_type="statistics",
            detail={"college": college.name if college else None, "cohort": cohort, "file": path.name},
            ip=ip,
            at=c.clock.now(),
        )
    return StatsExportResult(path, stats, college.name if college else None)
