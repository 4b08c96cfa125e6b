"""Typed settings (env `JIUYE_*`) and the TOML channel file (`JIUYE_CONFIG`), validated at start-up.

Outside demo mode every secret must be set and must not look like a placeholder; the process refuses to start
with a message that names the offending setting instead of running with a guessable key.
"""

from __future__ import annotations

import tomllib
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, TypeAdapter, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigError

# Demo-only keys: published in the source on purpose, refused unless JIUYE_DEMO=1.
DEMO_SECRET_KEY = "jiuye-demo-secret-key-do-not-use-in-production-0000"  # noqa: S105
DEMO_DATA_KEY = "ZGVtby1kYXRhLWtleS1kby1ub3QtdXNlLWluLXByb2Q="  # urlsafe base64 of 32 bytes

_PLACEHOLDER_WORDS = ("changeme", "change-me", "placeholder", "your-", "your_", "xxx", "todo", "example", "demo")


def looks_like_placeholder(value: str) -> bool:
    low = value.strip().lower()
    return not low or any(word in low for word in _PLACEHOLDER_WORDS) or len(set(low)) <= 2


class MatchingSettings(BaseModel):
    """Weights and limits of the matching engine; every run records the values it used."""

    k: int = 10
    capacity_factor: float = 3.0
    max_per_employer: int = 2
    w_major: float = 3.0
    w_place: float = 2.5
    w_industry: float = 1.0
    w_text: float = 2.0
    w_salary: float = 1.0
    w_fresh: float = 0.5
    w_feedback: float = 1.5
    w_origin: float = 0.3


class ScheduleSettings(BaseModel):
    """Cadences and times of the daily follow-up (days unless named otherwise)."""

    timezone: str = "Asia/Shanghai"
    quiet_start: time = time(22, 0)
    quiet_end: time = time(8, 0)
    digest_at: time = time(8, 30)
    nightly_match_at: time = time(2, 0)
    checkin_unplaced_days: int = 7
    checkin_hardship_days: int = 3
    checkin_signing_days: int = 3
    checkin_placed_days: int = 30
    followup_after_hours: int = 48
    escalate_after_unanswered: int = 2
    deadline_remind_days: int = 3


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIUYE_", env_nested_delimiter="__", extra="ignore")

    database_url: str = "sqlite:///./var/jiuye.db"
    config: Path = Path("./jiuye.toml")
    demo: bool = False
    secret_key: SecretStr | None = None
    data_key: SecretStr | None = None
    base_url: str = "http://127.0.0.1:8000"
    log_level: str = "INFO"
    log_json: bool = False
    # How a graduate proves who they are when binding: the last six characters of the ID number, or a
    # school-issued code imported in the 绑定码 column.
    binding_secret: Literal["id_last6", "column"] = "id_last6"  # noqa: S105
    bind_max_failures: int = 5
    bind_lock_minutes: int = 30
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    session_hours: int = 12
    max_body_bytes: int = 256 * 1024
    link_ttl_hours: int = 72
    outbox_max_attempts: int = 8
    # Processed inbound messages (dedupe keys and passive replies) are kept this long, then pruned.
    inbox_retention_days: int = 30
    matching: MatchingSettings = Field(default_factory=MatchingSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)

    @field_validator("database_url")
    @classmethod
    def _normalise_db_url(cls, value: str) -> str:
        return normalise_database_url(value)

    def secret_key_value(self) -> str:
        return self._secret("secret_key", self.secret_key, DEMO_SECRET_KEY)

    def data_key_value(self) -> str:
        return self._secret("data_key", self.data_key, DEMO_DATA_KEY)

    def _secret(self, name: str, value: SecretStr | None, demo_default: str) -> str:
        if value is None or not value.get_secret_value():
            if self.demo:
                return demo_default
            raise ConfigError(f"JIUYE_{name.upper()} 未设置：生产模式必须提供该密钥（演示模式请设置 JIUYE_DEMO=1）")
        raw = value.get_secret_value()
        if not self.demo and (looks_like_placeholder(raw) or len(raw) < 32):
            raise ConfigError(f"JIUYE_{name.upper()} 看起来是占位符或过短（至少 32 个字符），拒绝启动")
        return raw

    def validate_for_start(self) -> None:
        """Fail fast on anything that would only break later."""
        self.secret_key_value()
        self.data_key_value()


def normalise_database_url(url: str) -> str:
    """One driver per database: psycopg 3 for PostgreSQL whatever the caller wrote."""
    for prefix in ("postgres://", "postgresql://", "postgresql+asyncpg://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# ---------------------------------------------------------------------------------------------- channel file


class _ChannelBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    account: str = Field(pattern=r"^[A-Za-z0-9_\-]{1,64}$")
    max_clock_skew_s: int = Field(default=300, ge=0)
    name: str = ""

    def secrets(self) -> dict[str, str]:
        """Values that must not be placeholders outside demo mode."""
        return {}


class WechatMpChannel(_ChannelBase):
    kind: Literal["wechat_mp"]
    app_id: str
    app_secret: str
    token: str
    encoding_aes_key: str | None = None
    api_base: str = "https://api.weixin.qq.com"
    template_id_matches: str | None = None
    template_id_checkin: str | None = None

    @field_validator("encoding_aes_key")
    @classmethod
    def _aes_len(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 43:
            raise ValueError("encoding_aes_key 必须是 43 个字符")
        return value

    def secrets(self) -> dict[str, str]:
        out = {"app_secret": self.app_secret, "token": self.token}
        if self.encoding_aes_key:
            out["encoding_aes_key"] = self.encoding_aes_key
        return out


class WecomChannel(_ChannelBase):
    kind: Literal["wecom"]
    corp_id: str
    agent_id: int
    secret: str
    token: str
    encoding_aes_key: str
    api_base: str = "https://qyapi.weixin.qq.com"

    @field_validator("encoding_aes_key")
    @classmethod
    def _aes_len(cls, value: str) -> str:
        if len(value) != 43:
            raise ValueError("encoding_aes_key 必须是 43 个字符")
        return value

    def secrets(self) -> dict[str, str]:
        return {"secret": self.secret, "token": self.token, "encoding_aes_key": self.encoding_aes_key}


class WecomBotChannel(_ChannelBase):
    kind: Literal["wecom_bot"]
    webhook_key: str | None = None
    token: str | None = None
    encoding_aes_key: str | None = None
    api_base: str = "https://qyapi.weixin.qq.com"
    per_minute: int = 20

    def secrets(self) -> dict[str, str]:
        return {k: v for k, v in {"webhook_key": self.webhook_key, "token": self.token}.items() if v}


class OnebotChannel(_ChannelBase):
    kind: Literal["onebot"]
    api_base: str
    access_token: str | None = None
    secret: str | None = None

    def secrets(self) -> dict[str, str]:
        return {k: v for k, v in {"access_token": self.access_token, "secret": self.secret}.items() if v}


class QqbotChannel(_ChannelBase):
    kind: Literal["qqbot"]
    app_id: str
    app_secret: str
    api_base: str = "https://api.sgroup.qq.com"
    token_url: str = "https://bots.qq.com/app/getAppAccessToken"  # noqa: S105

    def secrets(self) -> dict[str, str]:
        return {"app_secret": self.app_secret}


class WebChannel(_ChannelBase):
    kind: Literal["web"]


ChannelConfig = Annotated[
    WechatMpChannel | WecomChannel | WecomBotChannel | OnebotChannel | QqbotChannel | WebChannel,
    Field(discriminator="kind"),
]


class CodesConfig(BaseModel):
    """Local additions to the national code lists (e.g. a province's 77 其他灵活就业)."""

    model_config = ConfigDict(extra="forbid")
    extra_destinations: dict[str, str] = Field(default_factory=dict)
    extra_placed: list[str] = Field(default_factory=list)


class FileConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channels: list[ChannelConfig] = Field(default_factory=list)
    codes: CodesConfig = Field(default_factory=CodesConfig)

    def channel(self, kind: str, account: str) -> ChannelConfig | None:
        for ch in self.channels:
            if ch.kind == kind and ch.account == account:
                return ch
        return None


_FILE_ADAPTER: TypeAdapter[FileConfig] = TypeAdapter(FileConfig)


def load_file_config(path: Path, *, demo: bool) -> FileConfig:
    """Read and validate the channel file; a missing file means no channels (demo: the web channel `demo`)."""
    if not path.exists():
        if demo:
            return FileConfig(channels=[WebChannel(kind="web", account="demo")])
        return FileConfig()
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"配置文件 {path} 不是合法的 TOML：{exc}") from exc
    try:
        cfg = _FILE_ADAPTER.validate_python(raw)
    except ValidationError as exc:
        lines = [f"配置文件 {path} 有误："]
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            lines.append(f"  - {where}: {err['msg']}")
        raise ConfigError("\n".join(lines)) from exc
    seen: set[tuple[str, str]] = set()
    for ch in cfg.channels:
        key = (ch.kind, ch.account)
        if key in seen:
            raise ConfigError(f"配置文件 {path}：渠道 {ch.kind}/{ch.account} 重复")
        seen.add(key)
        if not demo:
            for name, value in ch.secrets().items():
                if looks_like_placeholder(value):
                    raise ConfigError(f"配置文件 {path}：渠道 {ch.kind}/{ch.account} 的 {name} 是占位符，拒绝启动")
    return cfg
