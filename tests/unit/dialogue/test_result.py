"""The parse result as other code and the `jiuye parse` command see it."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from bot.dialogue import Intent, parse
from jiuye.cli import app


def test_to_dict_is_plain_json() -> None:
    result = parse("签了三方，华工激光，在武汉")
    data = result.to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["intent"] == "status_update"
    assert data["slots"]["status"] == {"code": "10", "employer": "华工激光", "place_adcode": "420100"}
    assert data["codes"] == {"destination": "10", "place": "420100"}
    assert data["clarification"] is None


def test_clarification_choices_in_json() -> None:
    data = parse("差不多了").to_dict()
    choices = data["clarification"]["choices"]
    assert [c["n"] for c in choices] == list(range(1, len(choices) + 1))
    assert {"n": 3, "label": "拿到offer，还没签", "code": "70", "reason": "签约中"} in choices


def test_binding_secret_is_masked_unless_asked() -> None:
    result = parse("绑定 2021001234 张三 12345X")
    assert result.to_dict()["slots"]["binding"]["secret"] == "******"
    assert result.to_dict(reveal_secrets=True)["slots"]["binding"]["secret"] == "12345X"
    assert result.binding is not None and result.binding.secret == "12345X"  # the value itself is intact


def test_posting_education_and_dates_as_text() -> None:
    data = parse("发布岗位 护士 5名 武汉 本科 截止2026年7月31日", "counselor").to_dict()
    posting = data["slots"]["posting"]
    assert (posting["education"], posting["deadline"]) == ("本科", "2026-07-31")


runner = CliRunner()


def test_cli_prints_the_parse_as_json() -> None:
    out = runner.invoke(app, ["parse", "签了三方，华工激光"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert (data["intent"], data["codes"]["destination"]) == ("status_update", "10")
    assert "华工激光" in out.output  # Chinese printed as is, not \\u escapes


def test_cli_counselor_role_and_expectation() -> None:
    out = runner.invoke(app, ["parse", "统计 计科2101班", "--role", "counselor"])
    assert json.loads(out.output)["slots"]["scope"] == "计科2101班"
    as_graduate = json.loads(runner.invoke(app, ["parse", "统计"]).output)
    assert (as_graduate["intent"], as_graduate["slots"]["staff_only"]) == ("unknown", "stats")
    answer = json.loads(runner.invoke(app, ["parse", "没有", "--expect", "status"]).output)
    assert answer["intent"] == Intent.STATUS_UPDATE.value


def test_cli_reads_lines_from_stdin() -> None:
    out = runner.invoke(app, ["parse", "-"], input="还在找\n\n换一批\n")
    assert out.exit_code == 0, out.output
    lines = [json.loads(line) for line in out.output.splitlines()]
    assert [d["intent"] for d in lines] == ["status_update", "more"]


def test_cli_bad_options_fail_in_chinese() -> None:
    bad_role = runner.invoke(app, ["parse", "你好", "--role", "boss"])
    assert bad_role.exit_code == 2
    assert "未知角色" in bad_role.output
    bad_expect = runner.invoke(app, ["parse", "你好", "--expect", "later"])
    assert bad_expect.exit_code == 2
    assert "--expect" in bad_expect.output
