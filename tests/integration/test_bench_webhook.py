"""The webhook benchmark runs end to end at a tiny size: real servers, alternating rounds, and no message lost.

Figures are not asserted (shared machines are noisy); what is asserted is that the benchmark measures what it says:
every request answered without error, every stored message processed, one reply per message.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_the_webhook_benchmark_alternates_rounds_and_accounts_for_every_message() -> None:
    args = ["--duration", "1", "--warmup", "1", "--rounds", "2", "--messages", "20000", "--tool", "asyncio"]
    out = subprocess.run(
        [sys.executable, "-m", "bench.webhook", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr[-2000:]
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(figures["rounds"]) == 2
    for r in figures["rounds"]:
        assert r["bare"]["requests"] > 0 and r["bare"]["errors"] == 0
        assert r["full"]["requests"] > 0 and r["full"]["errors"] == 0
        processing = r["processing"]
        assert processing["unprocessed_after_drain"] == 0
        assert processing["replies_passive"] + processing["replies_via_outbox"] == processing["stored"]
    # Distinct MsgIds per round: the second round's messages are stored on top of the first's.
    assert figures["rounds"][1]["processing"]["stored"] > figures["rounds"][0]["processing"]["stored"]
    assert figures["ratio"] == round(figures["full_rps_median"] / figures["bare_rps_median"], 3)
    assert set(figures["full_in_process_median_ms"]) == {
        "verify_decrypt_parse",
        "pipeline_db_transaction",
        "render_encrypt",
    }
