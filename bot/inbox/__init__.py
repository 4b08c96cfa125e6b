"""The durable inbox: a verified platform message is stored before it is acknowledged, then processed exactly once.

store      record (the acknowledgement path, group commit), stored replies, what is pending, pruning
processing claim a stored message and answer it in one transaction; `handle_inbound`, the synchronous path
responder  the port the dialogue engine implements (`Responder`, `ResponderContext`) and a placeholder
rows       conversation-log rows and the keys of replies and dedupe
runtime    the webhook side: batched writes on the event loop, inline answers when cheap, deferred under load
heap       freezing the long-lived start-up heap out of the collector's full passes

Nothing here knows the container: callers pass anything with the attributes `StoreDeps` / `InboxDeps` name.
"""

from bot.inbox.processing import InboxDeps, handle_inbound, process, process_in_background, sweep
from bot.inbox.responder import DefaultResponder, Responder, ResponderContext
from bot.inbox.store import (
    MAX_ATTEMPTS,
    Receipt,
    StoreDeps,
    from_payload,
    ignored,
    pending,
    prune,
    record,
    record_now,
    stored_reply,
    to_payload,
)

__all__ = [
    "MAX_ATTEMPTS",
    "DefaultResponder",
    "InboxDeps",
    "Receipt",
    "Responder",
    "ResponderContext",
    "StoreDeps",
    "from_payload",
    "handle_inbound",
    "ignored",
    "pending",
    "process",
    "process_in_background",
    "prune",
    "record",
    "record_now",
    "stored_reply",
    "sweep",
    "to_payload",
]
