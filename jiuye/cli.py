"""Entry point of the `jiuye` console script. Each command group lives in its own `cmd_*` module."""

from __future__ import annotations

import typer

from jiuye import (
    cmd_channels,
    cmd_db,
    cmd_demo,
    cmd_export,
    cmd_imports,
    cmd_match,
    cmd_parse,
    cmd_serve,
    cmd_user,
    cmd_worker,
)

app = typer.Typer(
    name="jiuye",
    help="就业助手：帮助高校让每一位毕业生都找到工作。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (
    cmd_db,
    cmd_serve,
    cmd_demo,
    cmd_imports,
    cmd_export,
    cmd_user,
    cmd_match,
    cmd_channels,
    cmd_parse,
    cmd_worker,
):
    module.register(app)


def main() -> None:
    app()
