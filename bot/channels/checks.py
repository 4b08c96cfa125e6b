"""`jiuye channels check`: is every channel account usable? Config first, then credentials where possible.

Fetching an access token (公众号, 企业微信, QQ 官方机器人) or asking OneBot who is logged in proves the
credentials without sending anyone a message; a group robot's webhook key cannot be checked that way.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from bot.channels.registry import build_adapter
from bot.config import FileConfig
from bot.errors import ConfigError, SendError

KIND_LABELS = {
    "wechat_mp": "公众号",
    "wecom": "企业微信应用",
    "wecom_bot": "企业微信机器人",
    "onebot": "QQ（OneBot）",
    "qqbot": "QQ 官方机器人",
    "web": "网页聊天",
}


@dataclass(frozen=True, slots=True)
class CheckResult:
    kind: str
    account: str
    ok: bool
    message: str

    @property
    def line(self) -> str:
        mark = "✓" if self.ok else "✗"
        return f"{mark} {self.kind}/{self.account}（{KIND_LABELS.get(self.kind, self.kind)}）：{self.message}"


def run_checks(cfg: FileConfig, http: httpx.Client) -> list[CheckResult]:
    results = []
    for ch in cfg.channels:
        try:
            adapter = build_adapter(ch)
            results.append(CheckResult(ch.kind, ch.account, True, adapter.check(http)))
        except (ConfigError, SendError) as exc:
            results.append(CheckResult(ch.kind, ch.account, False, str(exc)))
    return results
