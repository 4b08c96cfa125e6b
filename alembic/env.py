"""Alembic environment: metadata comes from `models`; SQLite uses batch mode for ALTERs."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import engine_from_config, pool

import models
from alembic import context
from bot.config import normalise_database_url

config = context.config
target_metadata = models.Base.metadata

# Tables that live in the same database but belong to libraries (APScheduler's job store).
FOREIGN_TABLES = {"apscheduler_jobs"}


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not (type_ == "table" and name in FOREIGN_TABLES)


def _configure(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    section = config.get_section(config.config_ini_section, {})
    url = os.environ.get("JIUYE_DATABASE_URL") or section.get("sqlalchemy.url", "")
    section["sqlalchemy.url"] = normalise_database_url(url)
    connectable = engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


def run_migrations_offline() -> None:
    url = normalise_database_url(os.environ.get("JIUYE_DATABASE_URL") or config.get_main_option("sqlalchemy.url") or "")
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
