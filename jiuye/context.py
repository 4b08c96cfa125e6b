"""The CLI's container, built once per command through the composition root."""

from __future__ import annotations

from functools import cache

import typer

from bot.bootstrap import bootstrap
from bot.container import Container
from bot.errors import ConfigError


@cache
def container() -> Container:
    try:
        return bootstrap()
    except ConfigError as exc:
        typer.secho(f"配置错误：{exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
