"""The composition root: the one place where settings, database, clock, channels and outside systems meet.

It builds the `Container` (bot/container.py) and is imported only by entry points: api/, jiuye/, jobs/, bench/
and tests/. Tests build theirs through the same function and swap in fakes (a `FakeClock`, an
`httpx.MockTransport`, an in-memory channel file, a responder of their own).
"""

from __future__ import annotations

import httpx
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine

from bot import codes
from bot.channels.registry import ChannelRegistry
from bot.clock import Clock, SystemClock
from bot.config import FileConfig, Settings, load_file_config
from bot.container import Container
from bot.conversation.responder import DialogueResponder
from bot.inbox import Responder
from bot.logging import configure_logging
from bot.security.links import LinkSigner
from bot.security.pii import PiiCipher
from bot.storage.database import Database
from models.db import make_engine

__all__ = ["bootstrap"]


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
    clock = clock or SystemClock()
    container = Container(
        settings=settings,
        file_config=file_config,
        codebook=book,
        db=Database.of(engine or make_engine(settings.database_url)),
        clock=clock,
        pii=PiiCipher(settings.data_key_value()),
        metrics=CollectorRegistry(auto_describe=True),
        links=LinkSigner(settings.secret_key_value(), settings.base_url, settings.link_ttl_hours, clock=clock),
        http_transport=http_transport,
        channels=ChannelRegistry.from_config(file_config),
    )
    # The dialogue engine holds the container it answers with, so it is wired in once the container exists.
    container.responder = responder or DialogueResponder(container)
    return container
