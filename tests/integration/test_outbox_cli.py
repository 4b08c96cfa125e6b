"""`jiuye outbox list|retry|drain` and `jiuye worker` (stops cleanly on SIGTERM), with the real CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot import outbox
from bot.container import Container
from jiuye.cli import app
from models import AuditLog, OutboxMessage, OutboxStatus
from tests.support.cli import env_for

ROOT = Path(__file__).resolve().parents[2]


def queue(c: Container, key: str, status: OutboxStatus = OutboxStatus.PENDING) -> int:
    with c.sessions.begin() as s:
        outbox.enqueue(s, idempotency_key=key, channel="wecom", account="gone", target_kind="user", target_id="u",
                       payload={"text": "hi"}, intent="reply", now=c.clock.now())  # fmt: skip
        row = s.scalars(sa.select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).one()
        row.status, row.last_error = status, "已尝试 8 次仍失败：请求超时" if status is OutboxStatus.PARKED else None
        return row.id


def test_list_retry_and_drain(cli: CliRunner, container: Container) -> None:
    parked = queue(container, "p1", OutboxStatus.PARKED)
    listed = cli.invoke(app, ["outbox", "list"])
    assert listed.exit_code == 0, listed.output
    assert "已搁置 1" in listed.output and f"#{parked} wecom/gone" in listed.output and "请求超时" in listed.output
    retried = cli.invoke(app, ["outbox", "retry", str(parked)])
    assert retried.exit_code == 0 and f"已放回队列：#{parked}" in retried.output
    again = cli.invoke(app, ["outbox", "retry", str(parked)])
    assert again.exit_code == 1 and "待发送" in again.output
    assert cli.invoke(app, ["outbox", "retry", "999999"]).exit_code == 1
    # The account is not configured: draining parks it again, with the reason.
    drained = cli.invoke(app, ["outbox", "drain"])
    assert drained.exit_code == 0, drained.output
    assert "处理 1 条，发送成功 0 条" in drained.output and "另有 1 条已搁置" in drained.output
    with container.sessions() as s:
        row = s.get_one(OutboxMessage, parked)
        assert row.status is OutboxStatus.PARKED and "未配置的渠道账号" in (row.last_error or "")
        assert s.scalar(sa.select(AuditLog.actor).where(AuditLog.action == "outbox.retry")) == "cli"


def test_worker_stops_cleanly_on_sigterm(db_engine: Engine, container: Container) -> None:
    env = {**os.environ, **env_for(db_engine, container), "JIUYE_LOG_LEVEL": "WARNING"}
    cmd = [sys.executable, "-m", "jiuye", "worker", "--drainers", "2", "--lease", "30"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert "工作进程已启动" in proc.stdout.readline()
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0 and "工作进程已停止" in out
