"""The typed Container: what the composition root (bot/bootstrap.py) builds and the use cases receive.

A leaf: it names the parts of the running system and imports only their types, so any module may take a
`Container` without importing the root that builds it. Mechanisms below it (inbox, outbox, storage) do not take
the container at all; they name the attributes they use in a Protocol, which the container satisfies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.registry import ChannelRegistry
from bot.clock import Clock
from bot.codes import CodeBook
from bot.config import FileConfig, Settings
from bot.dialogue import FaqIndexCache
from bot.imports.upload_area import default_root
from bot.inbox.responder import DefaultResponder, Responder
from bot.security.links import LinkSigner
from bot.security.pii import PiiCipher
from bot.storage.database import Database


@dataclass
class Container:
    settings: Settings
    file_config: FileConfig
    codebook: CodeBook
    db: Database
    clock: Clock
    pii: PiiCipher
    metrics: CollectorRegistry
    links: LinkSigner
    http_transport: httpx.BaseTransport | None = None
    # Channel adapters by (kind, account), and the dialogue engine that answers inbound messages.
    channels: ChannelRegistry = field(default_factory=ChannelRegistry)
    responder: Responder = field(default_factory=DefaultResponder)
    faq_indexes: FaqIndexCache = field(default_factory=FaqIndexCache)
    # Where the console keeps uploaded ledgers while they are imported, and their error files for a day.
    upload_root: Path = field(default_factory=default_root)

    @property
    def engine(self) -> Engine:
        return self.db.engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.db.sessions

    def http_client(self, **kwargs: Any) -> httpx.Client:
        """An outbound HTTP client; tests reach fake platforms through `http_transport`."""
        kwargs.setdefault("timeout", httpx.Timeout(10.0, connect=5.0))
        if self.http_transport is not None:
            kwargs.setdefault("transport", self.http_transport)
        return httpx.Client(**kwargs)

    def dispose(self) -> None:
        self.db.dispose()
