"""Helpers for adapter-level tests: build an adapter and feed it a fixture signed the platform's way."""

from __future__ import annotations

from bot.channels.base import Accepted, ChannelAdapter, HttpReply, Outcome
from bot.channels.registry import build_adapter
from bot.config import ChannelConfig
from bot.domain import InboundMessage
from tests.support.channels import fixture, sign


def outcome(cfg: ChannelConfig, channel: str, name: str, **kwargs: int) -> Outcome:
    return build_adapter(cfg).accept(sign(cfg, fixture(channel, name), **kwargs).request())


def accepted(cfg: ChannelConfig, channel: str, name: str) -> Accepted:
    result = outcome(cfg, channel, name)
    assert isinstance(result, Accepted), result
    return result


def inbound(cfg: ChannelConfig, channel: str, name: str) -> InboundMessage:
    return accepted(cfg, channel, name).message


def protocol_reply(cfg: ChannelConfig, channel: str, name: str) -> HttpReply:
    result = outcome(cfg, channel, name)
    assert isinstance(result, HttpReply), result
    return result


def adapter(cfg: ChannelConfig) -> ChannelAdapter:
    return build_adapter(cfg)
