"""`jiuye channels check` and the checks behind it."""

from __future__ import annotations

from pathlib import Path

import httpx
from typer.testing import CliRunner

from bot.channels.checks import run_checks
from bot.channels.registry import ChannelRegistry
from bot.config import FileConfig, load_file_config
from jiuye.cli import app
from tests.support.channels import CHANNELS
from tests.unit.channels.fakes import FakePlatform, reply

EXAMPLE = Path(__file__).resolve().parents[3] / "deploy" / "jiuye.example.toml"


def run(tmp_path: Path, toml: str | None, *args: str, demo: str = "0") -> tuple[int, str]:
    env = {"JIUYE_DEMO": demo}
    if toml is not None:
        path = tmp_path / "jiuye.toml"
        path.write_text(toml, encoding="utf-8")
        env["JIUYE_CONFIG"] = str(path)
    else:
        env["JIUYE_CONFIG"] = str(tmp_path / "absent.toml")
    result = CliRunner().invoke(app, ["channels", "check", *args], env=env)
    return result.exit_code, result.output


def test_every_kind_is_checked_with_the_platform_answers() -> None:
    platform = FakePlatform(
        {"/get_login_info": reply(status="ok", retcode=0, data={"user_id": 10001, "nickname": "助手"})}
    )
    results = run_checks(CHANNELS, httpx.Client(transport=httpx.MockTransport(platform)))
    by_account = {r.account: r for r in results}
    assert all(r.ok for r in results), [r.line for r in results if not r.ok]
    assert "access_token" in by_account["safe"].message and "access_token" in by_account["corp"].message
    assert "access_token" in by_account["official"].message
    assert by_account["qq"].message == "已连接 QQ 账号 助手（10001）"
    assert "跳过" in by_account["hookonly"].message and by_account["demo"].message == "无需凭据"
    paths = {r.url.path for r in platform.requests}
    assert {"/cgi-bin/token", "/cgi-bin/gettoken", "/app/getAppAccessToken", "/get_login_info"} <= paths
    assert not any("send" in p for p in paths)  # checking never messages anyone


def test_failures_are_reported_per_channel() -> None:
    platform = FakePlatform(
        {
            "/cgi-bin/token": reply(errcode=40125, errmsg="invalid appsecret"),
            "/get_login_info": reply(401),
        }
    )
    results = run_checks(CHANNELS, httpx.Client(transport=httpx.MockTransport(platform)))
    failed = {r.account: r.line for r in results if not r.ok}
    assert set(failed) == {"safe", "plain", "qq", "open"}
    assert "40125" in failed["safe"] and failed["safe"].startswith("✗ wechat_mp/safe（公众号）")
    assert "access_token 不正确" in failed["qq"]


def test_cli_with_a_good_file(tmp_path: Path) -> None:
    code, out = run(tmp_path, '[[channels]]\nkind = "web"\naccount = "demo"\n')
    assert code == 0
    assert "✓ web/demo（网页聊天）：无需凭据" in out and "全部渠道检查通过" in out


def test_cli_exit_code_1_when_a_platform_is_unreachable(tmp_path: Path) -> None:
    toml = (
        '[[channels]]\nkind = "onebot"\naccount = "qq"\napi_base = "http://127.0.0.1:9"\n'
        'access_token = "ob-token-5e4d3c"\n'
    )
    code, out = run(tmp_path, toml, "--timeout", "1")
    assert code == 1
    assert "✗ onebot/qq（QQ（OneBot））" in out and "1 个渠道未通过检查" in out


def test_cli_rejects_a_broken_file(tmp_path: Path) -> None:
    code, out = run(tmp_path, '[[channels]]\nkind = "wecom"\naccount = "a"\n')
    assert code == 1 and "配置文件" in out and "corp_id" in out
    code, out = run(tmp_path, "[[channels]\nkind=")
    assert code == 1 and "不是合法的 TOML" in out
    code, out = run(tmp_path, None)
    assert code == 1 and "不存在" in out


def test_cli_refuses_placeholders_outside_demo_mode(tmp_path: Path) -> None:
    code, out = run(tmp_path, EXAMPLE.read_text(encoding="utf-8"))
    assert code == 1 and "占位符" in out


def test_example_file_documents_every_kind() -> None:
    cfg: FileConfig = load_file_config(EXAMPLE, demo=True)
    assert sorted(c.kind for c in cfg.channels) == sorted(["wechat_mp", "wecom", "wecom_bot", "onebot", "qqbot", "web"])
    assert len(ChannelRegistry.from_config(cfg)) == 6  # every adapter can be built from it
