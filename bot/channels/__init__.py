"""Channel adapters: one module per platform, each owning its protocol (signature, encryption, wire format).

The core only ever sees `bot.domain.InboundMessage` and hands back `bot.domain.OutboundMessage`s; see
`bot.channels.base` for the adapter interface and `bot.channels.registry` for the (kind, account) lookup.
"""

from bot.channels.base import Accepted, ChannelAdapter, HttpReply, Outcome, SendContext, WebhookRequest
from bot.channels.registry import ChannelRegistry, build_adapter

__all__ = [
    "Accepted",
    "ChannelAdapter",
    "ChannelRegistry",
    "HttpReply",
    "Outcome",
    "SendContext",
    "WebhookRequest",
    "build_adapter",
]
