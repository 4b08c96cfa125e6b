"""`jiuye parse "<text>"`: show what the bot understands of one message, as JSON.

Counselors use it to see why the bot answered as it did; tests use it as the parsing contract. It needs no
database. With "-" as the text it reads one message per line from stdin and prints one JSON object per line.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import typer

from bot.dialogue import Expect, parse

_TZ = ZoneInfo("Asia/Shanghai")


def _result_json(text: str, role: str, expect: Expect | None, reveal: bool, indent: int | None) -> str:
    today = datetime.now(_TZ).date()
    result = parse(text, role, expecting=expect, today=today)
    return json.dumps(result.to_dict(reveal_secrets=reveal), ensure_ascii=False, indent=indent)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the CLI."""

    @app.command("parse")
    def parse_command(
        text: str = typer.Argument(..., help="要理解的一句话；“-”表示从标准输入逐行读取"),
        role: str = typer.Option("graduate", "--role", "-r", help="说话人：graduate（毕业生）或 counselor（辅导员）"),
        expect: str | None = typer.Option(
            None, "--expect", "-e", help="对话正在等待的回答：status / confirm / choice / binding"
        ),
        show_secret: bool = typer.Option(False, "--show-secret", help="显示绑定暗码（默认以 * 遮盖）"),
    ) -> None:
        """理解一句话，输出 JSON：意图、槽位、代码、置信度、澄清问题。"""
        try:
            expecting = Expect(expect) if expect else None
        except ValueError:
            typer.secho(f"错误：--expect 只能是 status、confirm、choice 或 binding，收到“{expect}”", fg="red", err=True)
            raise typer.Exit(2) from None
        try:
            if text != "-":
                typer.echo(_result_json(text, role, expecting, show_secret, indent=2))
                return
            for line in sys.stdin:
                if line.strip():
                    typer.echo(_result_json(line.rstrip("\n"), role, expecting, show_secret, indent=None))
        except ValueError as exc:
            typer.secho(f"错误：{exc}", fg="red", err=True)
            raise typer.Exit(2) from exc
