"""`jiuye import graduates|postings FILE` (`jiuye export template ...` is in jiuye/cmd_export.py)."""

from __future__ import annotations

import enum
from pathlib import Path

import typer

from bot.errors import ImportFileError
from bot.imports.report import ImportReport
from bot.services import imports
from jiuye.context import container

import_app = typer.Typer(help="从 Excel（.xlsx）或 .csv 导入毕业生台账、岗位台账。", no_args_is_help=True)
# The blank templates `jiuye export template` writes (the export group lives in jiuye/cmd_export.py).
template_names = {"graduates": "毕业生导入模板.xlsx", "postings": "岗位导入模板.xlsx"}


class Ledger(enum.StrEnum):
    graduates = "graduates"
    postings = "postings"


_PARTIAL = typer.Option(False, "--partial", help="只导入正确的行，错误的行写入错误文件")
_ERROR_FILE = typer.Option(None, "--error-file", help="错误文件路径（默认与导入文件同目录：<文件名>.错误行.<扩展名>）")


def _print(report: ImportReport) -> None:
    for warning in report.warnings:
        typer.secho(f"提示：{warning}", fg=typer.colors.YELLOW)
    if report.errors:
        typer.secho(f"发现 {len(report.errors)} 处错误（行号为 Excel 中显示的行号）：", fg=typer.colors.RED)
        for error in report.errors:
            typer.echo(f"  {error.line()}")
    colour = typer.colors.GREEN if report.imported or not report.errors else typer.colors.RED
    typer.secho(report.summary(), fg=colour)
    extra = {
        "colleges_created": "新建学院",
        "majors_created": "新建专业",
        "classes_created": "新建班级",
        "preferences_kept": "保留学生本人填写的求职意向",
        "employers_created": "新建单位",
        "employers_updated": "更新单位",
        "flagged": "含歧视性要求、待人工审核的岗位",
    }
    parts = [f"{label} {report.counts[key]}" for key, label in extra.items() if report.counts.get(key)]
    if report.imported and parts:
        typer.echo("；".join(parts))
    if report.error_file:
        typer.secho(f"错误行已写入：{report.error_file}（改正后可直接导入该文件）", fg=typer.colors.YELLOW)


def _run(kind: Ledger, file: Path, options: imports.ImportOptions) -> None:
    c = container()
    try:
        if kind is Ledger.graduates:
            report = imports.import_graduates(c, file, options)
        else:
            report = imports.import_postings(c, file, options)
    except ImportFileError as exc:
        typer.secho(f"导入失败：{exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    _print(report)
    if report.errors and not report.imported:
        raise typer.Exit(1)


@import_app.command("graduates")
def import_graduates(
    file: Path = typer.Argument(..., help="毕业生台账 .xlsx 或 .csv"),
    partial: bool = _PARTIAL,
    error_file: Path | None = _ERROR_FILE,
    cohort: int | None = typer.Option(None, "--cohort", help="表中未填届别时使用的届别（默认今年）"),
) -> None:
    """导入毕业生台账（按学号新增或更新）。"""
    _run(Ledger.graduates, file, imports.ImportOptions(partial=partial, error_file=error_file, cohort=cohort))


@import_app.command("postings")
def import_postings(
    file: Path = typer.Argument(..., help="岗位台账 .xlsx 或 .csv"),
    partial: bool = _PARTIAL,
    error_file: Path | None = _ERROR_FILE,
    pending: bool = typer.Option(False, "--pending", help="导入的岗位先进入待审核（默认直接通过）"),
) -> None:
    """导入岗位台账（按岗位编号，或 单位+岗位+地点 新增或更新）。"""
    _run(Ledger.postings, file, imports.ImportOptions(partial=partial, error_file=error_file, pending=pending))


def register(app: typer.Typer) -> None:
    """Add `jiuye import ...` to the CLI."""
    app.add_typer(import_app, name="import")
