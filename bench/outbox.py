"""Outbox drain throughput, the crash test, and the check-in planner at scale.

`python -m bench.outbox [--rows 10000] [--workers 2] [--crash] [--plan-graduates 100000]`

Drain: a scratch database (PostgreSQL from JIUYE_BENCH_DATABASE_URL or JIUYE_TEST_DATABASE_URL, else SQLite) gets
`--rows` outbox rows: replies on the official QQ bot account `bench`, each with its own msg_id. `--workers` real
worker processes (`jiuye worker --no-scheduler`) drain them against a loopback fake of the QQ send API
(`bench.outbox_platform`, a uvicorn process) that deduplicates msg_id + msg_seq like the platform and counts every
arrival. Throughput is delivered messages over the span between the first and the last delivery.
With `--crash`, worker 0 is killed with SIGKILL once a third of the rows were delivered; the others take over its
rows when their lease ends. The JSON reports delivered, lost (a row never delivered), duplicated (an outbox key
delivered twice) and wire_resends (requests the platform refused as already received).

Planner: `--plan-graduates` graduates (70 % bound to a channel, statuses mixed) in the same database; times the
pure decision over all of them and the whole check-in job (load, decide, plan, write) on the first day (everyone
due) and on the next (nothing due). Last line: one JSON object of figures.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from bot import outbox
from models import OutboxMessage, OutboxStatus, migrate
from models.db import make_engine

ACCOUNT = "bench"
SECRET_KEY = "bench-secret-key-0123456789-abcdefghijklmnop"
DATA_KEY = base64.urlsafe_b64encode(b"bench-data-key-32-bytes-long!!!!").decode()
ROOT = Path(__file__).resolve().parents[1]


def pg_server_url() -> str | None:
    raw = os.environ.get("JIUYE_BENCH_DATABASE_URL") or os.environ.get("JIUYE_TEST_DATABASE_URL")
    if not raw:
        return None
    from bot.config import normalise_database_url

    return normalise_database_url(raw)


@contextmanager
def scratch_database(kind: str, workdir: Path) -> Iterator[str]:
    """A fresh, migrated database: a PostgreSQL database created (and dropped) on the server, or a SQLite file."""
    server = pg_server_url() if kind == "postgresql" else None
    if kind == "postgresql" and server is None:
        raise SystemExit("PostgreSQL wanted but neither JIUYE_BENCH_DATABASE_URL nor JIUYE_TEST_DATABASE_URL is set")
    if server is None:
        url = f"sqlite:///{workdir / 'bench.db'}"
        _migrate(url)
        yield url
        return
    name = f"jiuye_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def fake_platform() -> Iterator[str]:
    port = free_port()
    cmd = [sys.executable, "-m", "bench.outbox_platform", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/_stats", timeout=1.0)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the fake platform did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def platform_stats(base: str) -> dict[str, Any]:
    data: dict[str, Any] = httpx.get(f"{base}/_stats", timeout=5.0).json()
    return data


def write_config(workdir: Path, base: str) -> Path:
    path = workdir / "jiuye.toml"
    path.write_text(
        "[[channels]]\n"
        f'kind = "qqbot"\naccount = "{ACCOUNT}"\napp_id = "10000001"\napp_secret = "{uuid.uuid4().hex}"\n'
        f'api_base = "{base}"\ntoken_url = "{base}/app/getAppAccessToken"\n',
        encoding="utf-8",
    )
    return path


def worker_env(url: str, config: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        JIUYE_DATABASE_URL=url, JIUYE_CONFIG=str(config), JIUYE_SECRET_KEY=SECRET_KEY, JIUYE_DATA_KEY=DATA_KEY,
        JIUYE_DEMO="0", JIUYE_LOG_LEVEL="WARNING",
    )  # fmt: skip
    return env


HELD_UNTIL = datetime(2100, 1, 1, tzinfo=UTC)


def seed(url: str, rows: int) -> None:
    """`rows` QQ bot replies, each with its own msg_id, the outbox key at the start of the text; they become due
    only when `release` says so, so that every worker has started by then."""
    engine = make_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        batch = [
            {
                "idempotency_key": f"bench-{i:06d}", "channel": "qqbot", "account": ACCOUNT, "target_kind": "user",
                "target_id": f"user{i % 997}", "intent": "reply",
                "payload": {"text": f"[bench-{i:06d}] 你好，这是第 {i} 条", "msg_id": f"m{i:06d}", "msg_seq": 1},
                "next_attempt_at": HELD_UNTIL,
            }
            for i in range(rows)
        ]  # fmt: skip
        outbox.enqueue_many(conn, batch, now=now)
    engine.dispose()


def release(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.update(OutboxMessage).values(next_attempt_at=datetime.now(UTC)))


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        got = dict(conn.execute(sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)).all())
    return {s.value: int(got.get(s, got.get(s.value, 0))) for s in OutboxStatus}


@dataclass(frozen=True)
class DrainRun:
    rows: int = 10_000
    workers: int = 2
    drainers: int = 1
    batch: int = 200
    concurrency: int = 16
    lease: float = 10.0
    crash: bool = False
    timeout: float = 600.0

    @classmethod
    def of(cls, args: argparse.Namespace) -> DrainRun:
        return cls(**{f.name: getattr(args, f.name) for f in fields(cls)})


def spawn(env: dict[str, str], args: DrainRun, log: Path) -> subprocess.Popen[bytes]:
    """A worker process; its output goes to `log` (a pipe nobody reads would fill up and block the worker)."""
    cmd = [
        sys.executable, "-m", "jiuye", "worker", "--no-scheduler", "--drainers", str(args.drainers),
        "--batch", str(args.batch), "--concurrency", str(args.concurrency), "--lease", str(args.lease),
    ]  # fmt: skip
    with log.open("wb") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_started(procs: list[subprocess.Popen[bytes]], logs: list[Path], timeout_s: float = 120.0) -> None:
    """Each worker prints a line once its drainers run."""
    deadline = time.monotonic() + timeout_s
    for p, log in zip(procs, logs, strict=True):
        while "工作进程已启动" not in log.read_text("utf-8", errors="replace"):
            if p.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"a worker did not start:\n{log.read_text('utf-8', errors='replace')[-2000:]}")
            time.sleep(0.1)


def drain(url: str, base: str, config: Path, args: DrainRun) -> dict[str, Any]:
    env = worker_env(url, config)
    logs = [config.parent / f"worker{i}.log" for i in range(args.workers)]
    procs = [spawn(env, args, log) for log in logs]
    killed_at = None
    engine = make_engine(url, pool_size=1)
    started = time.monotonic()
    wall = 0.0
    try:
        wait_started(procs, logs)
        release(engine)
        started = time.monotonic()
        while True:
            time.sleep(0.2 if args.crash and killed_at is None else 0.5)
            stats = platform_stats(base)
            if args.crash and killed_at is None and stats["delivered"] >= args.rows // 3:
                procs[0].send_signal(signal.SIGKILL)
                killed_at = stats["delivered"]
            left = counts(engine)
            wall = time.monotonic() - started
            if (left["pending"] == 0 and left["sending"] == 0) or wall > args.timeout:
                break
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(60)
    stats = platform_stats(base)
    final = counts(engine)
    engine.dispose()
    span = (stats["last_at"] or 0) - (stats["first_at"] or 0)
    return {
        "rows": args.rows,
        "workers": args.workers,
        "delivered": stats["delivered"],
        "lost": args.rows - stats["delivered"],
        "duplicated": stats["duplicated"],
        "wire_resends": stats["wire_resends"],
        "arrivals": stats["arrivals"],
        "killed_after_delivered": killed_at,
        "outbox": final,
        "drain_wall_s": round(wall, 2),
        "delivery_span_s": round(span, 2),
        "throughput_msgs_per_s": round(stats["delivered"] / span, 1) if span > 0 else None,
        "worker_errors": sum(log.read_text("utf-8", errors="replace").count("[error") for log in logs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=10_000, help="outbox rows to drain (default 10000)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--drainers", type=int, default=1, help="drain threads per worker process (default 1)")
    parser.add_argument("--batch", type=int, default=200, help="rows per claim (default 200)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight per drain thread (default 16)")
    parser.add_argument("--lease", type=float, default=10.0, help="claim lease in seconds (default 10)")
    parser.add_argument("--crash", action="store_true", help="SIGKILL worker 0 after a third of the rows")
    parser.add_argument("--database", choices=["postgresql", "sqlite", "auto"], default="auto")
    parser.add_argument(
        "--plan-graduates", type=int, default=100_000, help="graduates for the planner timing (0: skip)"
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="give up draining after this many seconds")
    args = parser.parse_args()
    kind = args.database if args.database != "auto" else ("postgresql" if pg_server_url() else "sqlite")
    figures: dict[str, Any] = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "database": kind,
        "mode": "crash" if args.crash else "throughput",
    }
    with tempfile.TemporaryDirectory() as tmp, scratch_database(kind, Path(tmp)) as url:
        if args.rows:
            seed(url, args.rows)
            with fake_platform() as base:
                figures["drain"] = drain(url, base, write_config(Path(tmp), base), DrainRun.of(args))
                print(json.dumps(figures["drain"], ensure_ascii=False), flush=True)
        if args.plan_graduates and not args.crash:
            from bench.outbox_plan import plan_bench

            figures["planner"] = plan_bench(url, args.plan_graduates)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
