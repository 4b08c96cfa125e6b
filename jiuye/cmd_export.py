"""`jiuye export ...`: blank import templates, the national upload file and the statistics workbook."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.errors import InvalidInput, NotFound
from bot.reports.national_export import ExportScope, export_national
from bot.reports.stats_export import export_stats
from bot.services import imports
from jiuye.cmd_imports import Ledger, template_names
from jiuye.context import container

export_app = typer.Typer(help="导出文件：导入模板、毕业去向上报表、就业统计表。", no_args_is_help=True)

_COLLEGE = typer.Option(None, "--college", help="只导出一个学院（学院代码或名称）；默认全校")


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


@export_app.command("template")
def export_template(
    kind: Ledger = typer.Argument(..., help="graduates（毕业生）或 postings（岗位）"),
    output: Path | None = typer.Option(None, "-o", "--output", help="输出文件（默认当前目录下的模板文件名）"),
) -> None:
    """导出空白导入模板（.xlsx，含填写说明）。"""
    target = output or Path(template_names[kind.value])
    try:
        path = imports.export_template(kind.value, target)
    except OSError as exc:
        raise _fail(f"无法写入 {target}：{exc}") from exc
    typer.secho(f"模板已生成：{path}", fg=typer.colors.GREEN)


@export_app.command("national")
def national(
    file: Path = typer.Argument(..., help="输出文件 .xlsx"),
    college: str | None = _COLLEGE,
) -> None:
    """导出毕业去向上报表（全国统一格式，每名毕业生一行，取最新去向记录）；导出记入审计日志。"""
    c = container()
    try:
        result = export_national(c, file, ExportScope(college=college))
    except (InvalidInput, NotFound) as exc:
        raise _fail(f"导出失败：{exc}") from exc
    except OSError as exc:
        raise _fail(f"无法写入 {file}：{exc.strerror or exc}") from exc
    where = result.college or "全校"
    typer.secho(f"已导出{where}毕业生 {result.rows} 名：{result.path}", fg=typer.colors.GREEN)
    for warning in result.warnings:
        typer.secho(f"提示：{warning}", fg=typer.colors.YELLOW)


@export_app.command("stats")
def stats(
    file: Path = typer.Argument(..., help="输出文件 .xlsx"),
    college: str | None = _COLLEGE,
    cohort: int | None = typer.Option(None, "--cohort", help="只统计一个届别，如 2026"),
) -> None:
    """导出就业统计表（就业率、毕业去向、未就业原因、地区、单位性质、行业、困难生，每表一个工作表）。"""
    c = container()
    try:
        result = export_stats(c, file, ExportScope(college=college), cohort=cohort)
    except (InvalidInput, NotFound) as exc:
        raise _fail(f"导出失败：{exc}") from exc
    except OSError as exc:
        raise _fail(f"无法写入 {file}：{exc.strerror or exc}") from exc
    s = result.stats
    where = result.college or "全校"
    typer.secho(f"已导出{where}就业统计：{result.path}", fg=typer.colors.GREEN)
    typer.echo(f"  毕业生 {s.total} 名，已落实 {s.placed} 名，就业率 {s.rate * 100:.2f}%")


def register(app: typer.Typer) -> None:
    """Add `jiuye export ...` to the CLI."""
    app.add_typer(export_app, name="export")
