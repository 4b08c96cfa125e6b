"""`jiuye channels check`: validate the channel file and, where the platform allows, the credentials."""

from __future__ import annotations

from pathlib import Path

import httpx
import typer

from bot.channels.checks import run_checks
from bot.config import Settings, load_file_config
from bot.errors import ConfigError

channels_app = typer.Typer(help="渠道账号（公众号、企业微信、QQ、网页聊天）", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the CLI."""
    app.add_typer(channels_app, name="channels")


@channels_app.command("check")
def check(
    config: Path | None = typer.Option(None, "--config", help="渠道配置文件（默认取 JIUYE_CONFIG）"),
    timeout: float = typer.Option(5.0, help="每个平台请求的超时秒数"),
) -> None:
    """检查渠道配置文件，并在平台允许时校验凭据（获取 access_token / 登录信息），不会给任何人发消息。"""
    settings = Settings()
    path = config or settings.config
    if not path.exists():
        typer.secho(f"✗ 配置文件 {path} 不存在（用 --config 或 JIUYE_CONFIG 指定）", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    try:
        cfg = load_file_config(path, demo=settings.demo)
    except ConfigError as exc:
        typer.secho(f"✗ {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    if not cfg.channels:
        typer.echo(f"配置文件 {path} 中没有任何渠道。")
        return
    typer.echo(f"配置文件 {path} 格式正确，共 {len(cfg.channels)} 个渠道，正在校验凭据……")
    with httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0))) as http:
        results = run_checks(cfg, http)
    for result in results:
        typer.secho(result.line, fg=typer.colors.GREEN if result.ok else typer.colors.RED)
    failed = sum(not r.ok for r in results)
    if failed:
        typer.secho(f"{failed} 个渠道未通过检查。", fg=typer.colors.RED)
        raise typer.Exit(1)
    typer.secho("全部渠道检查通过。", fg=typer.colors.GREEN)
