"""The database as the rest of the code receives it: engine, session factory, and this process's SQLite write lock."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from models.db import make_engine, make_session_factory


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    # SQLite has one writer: this process's threads queue here rather than in SQLite's busy-sleep back-off.
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def of(cls, engine: Engine) -> Database:
        return cls(engine, make_session_factory(engine))

    @classmethod
    def connect(cls, url: str) -> Database:
        return cls.of(make_engine(url))

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()
