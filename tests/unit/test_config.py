from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings, WebChannel, load_file_config, normalise_database_url
from bot.errors import ConfigError

GOOD_KEY = "k3y-for-tests-9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"


def test_production_refuses_missing_secrets() -> None:
    settings = Settings(demo=False, secret_key=None, data_key=None)
    with pytest.raises(ConfigError, match="JIUYE_SECRET_KEY"):
        settings.validate_for_start()


@pytest.mark.parametrize("bad", ["changeme", "your-secret-here-your-secret-here", "x" * 40, "short"])
def test_production_refuses_placeholder_secrets(bad: str) -> None:
    settings = Settings(demo=False, secret_key=SecretStr(bad), data_key=SecretStr(GOOD_KEY))
    with pytest.raises(ConfigError):
        settings.validate_for_start()


def test_demo_mode_uses_published_demo_keys() -> None:
    settings = Settings(demo=True)
    settings.validate_for_start()
    assert "demo" in settings.secret_key_value()


def test_database_url_normalised_to_psycopg() -> None:
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql+asyncpg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///./var/jiuye.db") == "sqlite:///./var/jiuye.db"


def test_channel_file_parses_every_kind(tmp_path: Path) -> None:
    path = tmp_path / "jiuye.toml"
    path.write_text(
        """
[[channels]]
kind = "wechat_mp"
account = "gzh"
app_id = "wx5823bf96d3bd56c7"
app_secret = "9f3a1c2b4d5e6f708192a3b4c5d6e7f8"
token = "QDG6eK"
encoding_aes_key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

[[channels]]
kind = "wecom"
account = "school"
corp_id = "wx5823bf96d3bd56c7"
agent_id = 1000002
secret = "Kq8sd7fJ3hL2mN9pQ4rT6vW1xY5zA0bC"
token = "QDG6eK"
encoding_aes_key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

[[channels]]
kind = "wecom_bot"
account = "robot1"
webhook_key = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa1"

[[channels]]
kind = "onebot"
account = "qq"
api_base = "http://127.0.0.1:3000"
access_token = "s3cr3t-bearer-token-for-napcat"
secret = "hmac-secret-for-onebot-events"
max_clock_skew_s = 0

[[channels]]
kind = "qqbot"
account = "official"
app_id = "102000001"
app_secret = "naOC0ocQE3shWLAfffVLB1rhYPG7"

[[channels]]
kind = "web"
account = "demo"
""",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="webhook_key"):
        # "xxx" inside the robot key is a placeholder marker: refused outside demo mode.
        load_file_config(path, demo=False)
    cfg = load_file_config(path, demo=True)
    assert [c.kind for c in cfg.channels] == ["wechat_mp", "wecom", "wecom_bot", "onebot", "qqbot", "web"]
    assert cfg.channel("onebot", "qq") is not None
    assert cfg.channel("onebot", "qq").max_clock_skew_s == 0  # type: ignore[union-attr]
    assert cfg.channel("wechat_mp", "gzh").max_clock_skew_s == 300  # type: ignore[union-attr]


def test_channel_file_errors_name_the_field(tmp_path: Path) -> None:
    path = tmp_path / "jiuye.toml"
    path.write_text('[[channels]]\nkind = "wecom"\naccount = "a"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_file_config(path, demo=True)
    assert "corp_id" in str(exc.value)

    path.write_text("[[channels]\nkind=", encoding="utf-8")
    with pytest.raises(ConfigError, match="TOML"):
        load_file_config(path, demo=True)

    path.write_text('[[channels]]\nkind = "web"\naccount = "a"\n[[channels]]\nkind = "web"\naccount = "a"\n')
    with pytest.raises(ConfigError, match="重复"):
        load_file_config(path, demo=True)


def test_missing_file_in_demo_gives_web_demo_channel(tmp_path: Path) -> None:
    cfg = load_file_config(tmp_path / "absent.toml", demo=True)
    assert cfg.channels == [WebChannel(kind="web", account="demo")]
    assert load_file_config(tmp_path / "absent.toml", demo=False).channels == []
