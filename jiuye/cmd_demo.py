"""`jiuye demo`: seed a realistic demo school once and write var/demo-accounts.json."""

from __future__ import annotations

import typer
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot.demo.accounts import DEFAULT_PATH
from bot.demo.seed import SeedResult, seed_demo
from bot.errors import Conflict
from jiuye.context import container


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        once: bool = typer.Option(False, "--once", help="已有演示数据时安静地跳过（供 make run 使用）"),
        seed: int = typer.Option(2026, "--seed", help="随机种子：同一种子生成完全相同的演示学校"),
    ) -> None:
        """生成演示学校（学院、班级、600 名毕业生、800 个岗位、账号），可重复执行，不会重复写入。"""
        c = container()
        try:
            result = seed_demo(c, seed=seed, accounts_path=DEFAULT_PATH)
        except Conflict as exc:
            typer.secho(f"未写入演示数据：{exc}", fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from exc
        except (OperationalError, ProgrammingError) as exc:
            typer.secho("数据库表不存在或无法访问，请先运行 `jiuye migrate`。", fg=typer.colors.RED, err=True)
            raise typer.Exit(2) from exc
        for note in result.notes:
            typer.secho(note, fg=typer.colors.YELLOW)
        if once:
            state = "已生成" if result.created else "已存在，跳过"
            typer.echo(f"演示学校{state}；演示账号见 {result.accounts_path}")
            return
        _print_summary(result)


def _print_summary(result: SeedResult) -> None:
    n = result.counts
    school = result.school
    head = "已生成演示学校" if result.created else "演示学校已存在，未重复写入"
    typer.secho(f"{head}：{school.name}（种子 {school.seed}，基准日期 {school.today:%Y-%m-%d}）", fg=typer.colors.GREEN)
    typer.echo(f"  学院 {n['colleges']} 个，专业 {n['majors']} 个，班级 {n['classes']} 个")
    typer.echo(
        f"  毕业生 {n['graduates']} 名（困难生 {n['hardship']} 名，已登记去向 {n['with_status']} 名，"
        f"填写求职意向 {n['preferences']} 名）"
    )
    typer.echo(
        f"  用人单位 {n['employers']} 家，岗位 {n['postings']} 个（在招 {n['open_postings']} 个，"
        f"待审核的疑似歧视岗位 {n['flagged_postings']} 个）"
    )
    typer.echo(f"  工作人员账号 {n['staff']} 个，常见问题 {n['faq']} 条")
    typer.echo(f"演示账号与口令：{result.accounts_path}（仅限演示环境使用）")
    typer.echo("接下来可以试试：")
    typer.echo("  jiuye serve                       启动服务，打开 http://127.0.0.1:8000/chat 用账号文件里的学号绑定")
    typer.echo("  jiuye match                       为所有毕业生匹配岗位")
    typer.echo("  管理后台 http://127.0.0.1:8000/admin  用账号文件里的管理员或辅导员登录")
