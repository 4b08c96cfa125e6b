"""`jiuye match`: run the matching engine over all unplaced graduates, a college, a class or one graduate."""

from __future__ import annotations

import sqlalchemy as sa
import typer

from bot.errors import NotFound
from bot.matching import STEP_NAMES
from bot.services import matching
from bot.services.matching import RunSummary
from jiuye.context import container
from models import Graduate

SHOW_SHORTFALLS = 30


def _graduate_id(student_no: str) -> int:
    with container().sessions() as session:
        gid = session.scalar(sa.select(Graduate.id).where(Graduate.student_no == student_no.strip()))
    if gid is None:
        raise NotFound(f"未找到学号为 {student_no} 的毕业生")
    return gid


def summary_lines(s: RunSummary) -> list[str]:
    """The run summary in Chinese, one line each."""
    st = s.stats
    scope = "、".join(f"{k}={v}" for k, v in s.scope.items() if k != "all") or "全部未落实毕业生"
    by_grad = "，".join(f"{STEP_NAMES[i]} {st.graduates_by_step.get(str(i), 0)}" for i in STEP_NAMES)
    by_match = "，".join(f"{STEP_NAMES[i]} {st.matches_by_step.get(str(i), 0)}" for i in STEP_NAMES)
    lines = [
        f"匹配完成：批次 #{s.run_id}（{scope}），用时 {s.duration_ms / 1000:.1f} 秒",
        f"毕业生 {st.graduates} 人，参与岗位 {st.postings} 个，推荐 {st.matches} 条，岗位不足 {st.shortfalls} 人",
        f"按放宽步骤（人数）：{by_grad}，无匹配 {st.graduates_by_step.get('none', 0)}",
        f"按放宽步骤（推荐条数）：{by_match}",
    ]
    if s.shortfalls:
        lines.append(f"岗位不足名单（{len(s.shortfalls)} 人）：")
        for line in s.shortfalls[:SHOW_SHORTFALLS]:
            lines.append(f"  {line.student_no} {line.name}：{line.reason}")
        if len(s.shortfalls) > SHOW_SHORTFALLS:
            lines.append(f"  …… 另有 {len(s.shortfalls) - SHOW_SHORTFALLS} 人，详见管理后台的匹配记录")
    return lines


def register(app: typer.Typer) -> None:
    @app.command()
    def match(
        college: str | None = typer.Option(None, "--college", help="只匹配该学院（学院代码或名称）"),
        class_name: str | None = typer.Option(None, "--class", help="只匹配该班级（班级名称）"),
        graduate: str | None = typer.Option(None, "--graduate", help="只匹配该毕业生（学号）"),
    ) -> None:
        """为未落实的毕业生匹配岗位（每人至少 K 个，K 见配置），并打印本次匹配的汇总。"""
        c = container()
        try:
            gid = _graduate_id(graduate) if graduate else None
            summary = matching.run_batch(c, college=college, class_name=class_name, graduate_id=gid, actor="cli")
        except NotFound as exc:
            typer.secho(f"错误：{exc}", fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from exc
        for line in summary_lines(summary):
            typer.echo(line)
