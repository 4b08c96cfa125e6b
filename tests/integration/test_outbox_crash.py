"""The crash test on PostgreSQL: two real worker processes drain the outbox against a loopback platform that
deduplicates like the QQ bot; one is killed with SIGKILL mid-drain. Every row must arrive, none twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.outbox import DrainRun, drain, fake_platform, pg_server_url, scratch_database, seed, write_config
from tests.support.db import PG_SKIP_REASON

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.mark.skipif(pg_server_url() is None, reason=PG_SKIP_REASON)
def test_sigkill_mid_drain_loses_nothing_and_delivers_nothing_twice(tmp_path: Path) -> None:
    run = DrainRun(rows=3000, workers=2, lease=10.0, crash=True, timeout=300.0)
    with scratch_database("postgresql", tmp_path) as url:
        seed(url, run.rows)
        with fake_platform() as base:
            result = drain(url, base, write_config(tmp_path, base), run)
    assert result["killed_after_delivered"] is not None, "the worker was not killed mid-drain"
    assert result["killed_after_delivered"] < run.rows
    assert (result["delivered"], result["lost"], result["duplicated"]) == (run.rows, 0, 0)
    assert result["outbox"]["sent"] == run.rows and result["outbox"]["parked"] == 0
    # Every arrival is either a first delivery or a resend the platform refused (and counted).
    assert result["arrivals"] == run.rows + result["wire_resends"]
