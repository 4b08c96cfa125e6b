"""Channel accounts from the TOML file, each behind its adapter; looked up by (kind, account)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from bot.channels.base import ChannelAdapter
from bot.channels.onebot import OnebotAdapter
from bot.channels.qqbot import QqbotAdapter
from bot.channels.web import WebAdapter
from bot.channels.wechat_mp import WechatMpAdapter
from bot.channels.wecom import WecomAdapter
from bot.channels.wecom_bot import WecomBotAdapter
from bot.config import (
    ChannelConfig,
    FileConfig,
    OnebotChannel,
    QqbotChannel,
    WebChannel,
    WechatMpChannel,
    WecomBotChannel,
    WecomChannel,
)
from bot.errors import UnknownAccount


def build_adapter(cfg: ChannelConfig) -> ChannelAdapter:
    if isinstance(cfg, WechatMpChannel):
        return WechatMpAdapter(cfg)
    if isinstance(cfg, WecomChannel):
        return WecomAdapter(cfg)
    if isinstance(cfg, WecomBotChannel):
        return WecomBotAdapter(cfg)
    if isinstance(cfg, OnebotChannel):
        return OnebotAdapter(cfg)
    if isinstance(cfg, QqbotChannel):
        return QqbotAdapter(cfg)
    if isinstance(cfg, WebChannel):
        return WebAdapter(cfg)
    raise TypeError(f"unknown channel config {type(cfg).__name__}")


class ChannelRegistry:
    def __init__(self, adapters: Mapping[tuple[str, str], ChannelAdapter] | None = None) -> None:
        self._adapters = dict(adapters or {})

    @classmethod
    def from_config(cls, cfg: FileConfig) -> ChannelRegistry:
        return cls({(ch.kind, ch.account): build_adapter(ch) for ch in cfg.channels})

    def get(self, kind: str, account: str) -> ChannelAdapter:
        adapter = self._adapters.get((kind, account))
        if adapter is None:
            raise UnknownAccount(f"未配置的渠道账号：{kind}/{account}")
        return adapter

    def __iter__(self) -> Iterator[ChannelAdapter]:
        return iter(self._adapters.values())

    def __len__(self) -> int:
        return len(self._adapters)
