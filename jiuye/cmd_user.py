"""`jiuye user ...`: staff accounts, class assignments and API tokens from the command line (audited as "cli")."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar
from zoneinfo import ZoneInfo

import typer
from sqlalchemy.orm import Session

from bot.access.rules import ROLE_LABELS
from bot.container import Container
from bot.errors import Conflict, InvalidInput, NotFound
from bot.services import staff_binding, users
from jiuye.context import container
from models.db import transaction

T = TypeVar("T")

user_app = typer.Typer(help="管理教职工账号：创建、分配班级、签发令牌、停用。", no_args_is_help=True)


def _split(value: str | None) -> list[str]:
    if not value:
        return []
    return [part.strip() for part in value.replace("，", ",").split(",") if part.strip()]


def _run(work: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run one service call in a transaction; bad input ends the command with its Chinese message."""
    c = container()
    try:
        with transaction(c.sessions) as session:
            return work(session, *args, **kwargs)
    except InvalidInput as exc:
        for problem in exc.problems:
            typer.secho(f"错误：{problem}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    except (Conflict, NotFound) as exc:
        typer.secho(f"错误：{exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            typer.secho("错误：标准输入中没有密码", fg=typer.colors.RED, err=True)
            raise typer.Exit(1)
        return line
    if not sys.stdin.isatty():
        typer.secho("错误：不是交互式终端，请用 --password-stdin 从标准输入提供密码", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    password: str = typer.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    return password


@user_app.command("create")
def create(
    username: str = typer.Argument(..., help="用户名（小写字母、数字、点、下划线、连字符）"),
    role: str = typer.Option(..., "--role", help="角色：admin 管理员 | college 学院 | counselor 辅导员"),
    name: str | None = typer.Option(None, "--name", help="显示名，如 张老师"),
    college: str | None = typer.Option(None, "--college", help="学院名称或代码（学院用户必填）"),
    classes: str | None = typer.Option(None, "--classes", help="辅导员负责的班级，逗号分隔"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="从标准输入读取密码（一行）"),
) -> None:
    """创建教职工账号。"""
    password = _read_password(password_stdin)
    user = _run(
        users.create_user,
        username=username,
        password=password,
        role=role,
        display_name=name,
        college=college,
        classes=_split(classes),
    )
    typer.secho(f"已创建{ROLE_LABELS[user.role]} {user.username}（{user.display_name}）", fg=typer.colors.GREEN)


@user_app.command("list")
def list_() -> None:
    """列出全部教职工账号。"""
    c = container()
    tz = ZoneInfo(c.settings.schedule.timezone)
    rows = _run(users.list_users)
    if not rows:
        typer.echo("还没有账号：用 jiuye user create 创建。")
        return
    now = c.clock.now()
    for u in rows:
        state = "已停用" if not u.active else "正常"
        if u.active and u.locked_until and u.locked_until > now:
            state = f"锁定至 {u.locked_until.astimezone(tz):%Y-%m-%d %H:%M}"
        last = f"{u.last_login_at.astimezone(tz):%Y-%m-%d %H:%M}" if u.last_login_at else "从未登录"
        scope = "全校" if u.role.value == "admin" else (u.college or "未指定学院")
        if u.classes:
            scope += "：" + "、".join(u.classes)
        typer.echo(f"{u.username}\t{u.display_name}\t{ROLE_LABELS[u.role]}\t{scope}\t{state}\t最近登录 {last}")


@user_app.command("classes")
def classes_(
    username: str = typer.Argument(..., help="辅导员用户名"),
    add: str | None = typer.Option(None, "--add", help="要分配的班级，逗号分隔"),
    remove: str | None = typer.Option(None, "--remove", help="要移除的班级，逗号分隔"),
) -> None:
    """为辅导员分配或移除班级（一个班级只有一名辅导员，分配会替换原辅导员）。"""
    if not add and not remove:
        typer.secho("错误：请用 --add 或 --remove 指定班级", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    notes = _run(users.change_classes, username, add=_split(add), remove=_split(remove))
    for note in notes:
        typer.secho(f"注意：{note}", fg=typer.colors.YELLOW)
    typer.secho(f"已更新 {username} 的班级", fg=typer.colors.GREEN)


@user_app.command("token")
def token(
    username: str = typer.Argument(..., help="用户名"),
    name: str = typer.Option(..., "--name", help="令牌名称，如 导出脚本"),
    days: int | None = typer.Option(None, "--days", help="有效天数（不填则长期有效，直到吊销）"),
) -> None:
    """签发 API 令牌（只显示这一次，请妥善保存）。"""
    c = container()
    issued = _run(users.create_api_token, username, name=name, days=days, now=c.clock.now())
    typer.echo(issued.token)
    tz = ZoneInfo(c.settings.schedule.timezone)
    until = f"有效期至 {issued.expires_at.astimezone(tz):%Y-%m-%d %H:%M}" if issued.expires_at else "长期有效，直到吊销"
    typer.secho(f"以上是 {username} 的令牌“{name}”，{until}；它只显示这一次。", fg=typer.colors.GREEN, err=True)


@user_app.command("revoke-token")
def revoke_token(
    username: str = typer.Argument(..., help="用户名"),
    name: str = typer.Option(..., "--name", help="令牌名称"),
) -> None:
    """吊销 API 令牌。"""
    _run(users.revoke_api_token, username, name=name, now=container().clock.now())
    typer.secho(f"已吊销 {username} 的令牌“{name}”", fg=typer.colors.GREEN)


@user_app.command("bind-code")
def bind_code(username: str = typer.Argument(..., help="用户名")) -> None:
    """签发一次性聊天绑定码：本人在任一聊天渠道发送“绑定工作人员 绑定码”（24 小时内有效，只能用一次）。"""
    c = container()
    issued = _run(_issue_bind_code, username, c)
    typer.echo(issued.code)
    until = issued.expires_at.astimezone(ZoneInfo(c.settings.schedule.timezone))
    typer.secho(
        f"以上是 {issued.username} 的聊天绑定码，有效期至 {until:%Y-%m-%d %H:%M}，只能用一次；"
        f"请本人在公众号、企业微信或 QQ 中发送“绑定工作人员 {issued.code}”。再次签发会作废此码。",
        fg=typer.colors.GREEN,
        err=True,
    )


def _issue_bind_code(session: Session, username: str, c: Container) -> staff_binding.IssuedCode:
    user = users.get_user(session, username)
    return staff_binding.issue_code(session, c.pii, user, now=c.clock.now(), actor="cli")


@user_app.command("disable")
def disable(username: str = typer.Argument(..., help="用户名")) -> None:
    """停用账号，并立即吊销它的全部会话和令牌。"""
    revoked = _run(users.deactivate, username)
    typer.secho(f"已停用 {username}，吊销了 {revoked} 个会话或令牌", fg=typer.colors.GREEN)


@user_app.command("unlock")
def unlock(username: str = typer.Argument(..., help="用户名")) -> None:
    """解除因连续登录失败造成的锁定。"""
    _run(users.unlock, username)
    typer.secho(f"已解除 {username} 的锁定", fg=typer.colors.GREEN)


def register(app: typer.Typer) -> None:
    """Add `jiuye user ...` to the CLI."""
    app.add_typer(user_app, name="user")
