"""`jiuye migrate`: bring the database schema to the latest migration."""

from __future__ import annotations

import typer

from jiuye.context import container
from models import migrate as migrations


def register(app: typer.Typer) -> None:
    @app.command()
    def migrate(
        revision: str = typer.Argument("head", help="目标版本（默认 head）"),
        check: bool = typer.Option(False, "--check", help="只检查模型与迁移是否一致"),
    ) -> None:
        """执行数据库迁移（SQLite 或 PostgreSQL）。"""
        c = container()
        if check:
            migrations.check(c.engine)
            typer.echo("模型与迁移一致。")
            return
        migrations.upgrade(c.engine, revision)
        typer.echo(f"数据库已迁移到 {migrations.current_revision(c.engine)}（{c.engine.url.render_as_string()}）")
