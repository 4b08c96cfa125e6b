"""The composition root: the one place where settings, database, clock, channels and outside systems meet.

Everything else receives what it needs from the `Container` built here. Tests build theirs through the same
function and swap in fakes (a `FakeClock`, an `httpx.MockTransport`, an in-memory channel file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.registry import ChannelRegistry
from bot.clock import Clock, SystemClock
from bot.config import FileConfig, Settings, load_file_config
from bot.links import LinkSigner
from bot.logging import configure_logging
from bot.pii import PiiCipher
from bot.services.inbound import Responder
from models import codes
from models.db import make_engine, make_session_factory


@dataclass
class Container:
    settings: Settings
    file_config: FileConfig
    codebook: codes.CodeBook
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    pii: PiiCipher
    metrics: CollectorRegistry
    links: LinkSigner
    http_transport: httpx.BaseTransport | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    # Channel adapters by (kind, account), and the dialogue engine that answers inbound messages.
    channels: ChannelRegistry = field(default_factory=ChannelRegistry)
    responder: Responder = field(default_factory=lambda: default_responder())

    def http_client(self, **kwargs: Any) -> httpx.Client:
        """An outbound HTTP client; tests reach fake platforms through `http_transport`."""
        kwargs.setdefault("timeout", httpx.Timeout(10.0, connect=5.0))
        if self.http_transport is not None:
            kwargs.setdefault("transport", self.http_transport)
        return httpx.Client(**kwargs)

    def dispose(self) -> None:
        self.engine.dispose()


def bootstrap(
    settings: Settings | None = None,
    *,
    file_config: FileConfig | None = None,
    clock: Clock | None = None,
    engine: Engine | None = None,
    http_transport: httpx.BaseTransport | None = None,
    configure_logs: bool = True,
    responder: Responder | None = None,
) -> Container:
    settings = settings or Settings()
    settings.validate_for_start()
    if configure_logs:
        configure_logging(settings.log_level, json=settings.log_json)
    file_config = file_config if file_config is not None else load_file_config(settings.config, demo=settings.demo)
    book = codes.load().extended(file_config.codes.extra_destinations, file_config.codes.extra_placed)
    engine = engine or make_engine(settings.database_url)
    return Container(
        settings=settings,
        file_config=file_config,
        codebook=book,
        engine=engine,
        sessions=make_session_factory(engine),
        clock=clock or SystemClock(),
        pii=PiiCipher(settings.data_key_value()),
        metrics=CollectorRegistry(auto_describe=True),
        links=LinkSigner(settings.secret_key_value(), settings.base_url, settings.link_ttl_hours),
        http_transport=http_transport,
        channels=ChannelRegistry.from_config(file_config),
        responder=responder or default_responder(),
    )


def default_responder() -> Responder:
    """The dialogue engine; imported here, not at the top, because it imports the services that import us."""
    from bot.conversation.responder import DialogueResponder

    return DialogueResponder()
