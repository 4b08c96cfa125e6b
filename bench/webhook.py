"""Webhook throughput and latency: `python -m bench.webhook [--duration 10] [--connections 32] [--rounds 3]`.

One uvicorn worker serves the real app on a temporary SQLite database with a safe-mode (AES) WeChat account; the
load generator posts pre-encrypted text messages, each with its own MsgId, so every request takes the full webhook
path: signature, decryption, XML, and the durable inbox (the message is stored, deduplicated, before the ack).
When the worker is idle a message is also processed at once and answered passively (encrypted reply); under load
the ack comes first and the message is processed in the background, its replies going out through the outbox
(bot/inbox/runtime.py). After the load the benchmark waits until every stored message is processed and reports
how long that took and how the replies went out, so no work is hidden. In the same
run a bare FastAPI app (one endpoint returning a constant) is measured the same way as the ceiling, in rounds that
alternate with the full path's (bare, full, backlog processed; `--rounds` times); the ratio is that of the medians,
and every round is reported. The load
generator is `wrk` with bench/webhook.lua when installed (Debian: `apt-get install wrk`), else a lean asyncio
client; the JSON says which. Last line: one JSON object of figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import FastAPI, Response

from bot.channels.wxcrypto import WxCipher, signature
from models import ConversationLog, InboundDedupe, migrate
from models.db import make_engine

TOKEN = "benchtoken"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wxbench0000000001"
ACCOUNT = "bench"
LUA = Path(__file__).with_name("webhook.lua")
SECRET_KEY = "bench-secret-key-0123456789-abcdefghijklmnop"
DATA_KEY = "YmVuY2gtZGF0YS1rZXktMzItYnl0ZXMtbG9uZyEhISE="
TARGET_RATIO = 0.40
TARGET_P99_MS = 50.0


def bare_app() -> FastAPI:
    """The ceiling: FastAPI with one endpoint that returns a constant."""
    app = FastAPI()

    @app.post("/bare")
    async def bare() -> Response:
        return Response(b"success", media_type="text/plain")

    return app


def full_app() -> FastAPI:
    from api.app import create_app

    return create_app()


def build_requests(path: Path, count: int, start_id: int, ts: int) -> None:
    """One line per request: path?query TAB body, a distinct MsgId each, encrypted as WeChat does."""
    cipher = WxCipher(AES_KEY, APP_ID)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            msg_id = start_id + i
            xml = (
                f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oBench{i % 500:04d}]]>"
                f"</FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                f"<Content><![CDATA[你好，想找武汉的工作]]></Content><MsgId>{msg_id}</MsgId></xml>"
            )
            encrypted = cipher.encrypt(xml)
            nonce = str(msg_id)
            query = {
                "signature": signature(TOKEN, str(ts), nonce),
                "timestamp": str(ts),
                "nonce": nonce,
                "openid": f"oBench{i % 500:04d}",
                "encrypt_type": "aes",
                "msg_signature": signature(TOKEN, str(ts), nonce, encrypted),
            }
            body = f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
            out.write(f"/hooks/wechat_mp/{ACCOUNT}?{urlencode(query)}\t{body}\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(factory: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", "1", "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(cmd, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError(f"server {factory} did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def run_wrk(
    port: int, requests_file: Path, args: argparse.Namespace, duration: float, path: str | None
) -> dict[str, Any]:
    cmd = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "5s",
        "-s",
        str(LUA),
    ]
    cmd += [f"http://127.0.0.1:{port}", "--", str(requests_file), str(args.threads)]
    if path:
        cmd.append(path)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    match = re.search(r"WRK_JSON (\{.*\})", out)
    if match is None:
        raise RuntimeError(f"wrk printed no figures:\n{out}")
    raw = json.loads(match.group(1))
    errors = sum(raw[k] for k in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts"))
    return summarise(raw["requests"], raw["duration_us"] / 1e6, errors, raw["p50_us"], raw["p99_us"], raw["max_us"])


def summarise(
    requests: int, seconds: float, errors: int, p50_us: float, p99_us: float, max_us: float
) -> dict[str, Any]:
    return {
        "requests": requests,
        "rps": round(requests / seconds, 1),
        "p50_ms": round(p50_us / 1000, 2),
        "p99_ms": round(p99_us / 1000, 2),
        "max_ms": round(max_us / 1000, 2),
        "errors": errors,
    }


async def _client(port: int, lines: list[bytes], offset: int, stride: int, stop_at: float, lat: list[float]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors, i = 0, offset
    while time.perf_counter() < stop_at:
        start = time.perf_counter()
        writer.write(lines[i % len(lines)])
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
        await reader.readexactly(length)
        lat.append(time.perf_counter() - start)
        errors += not head.startswith(b"HTTP/1.1 200")
        i += stride
    writer.close()
    return errors


def run_asyncio(
    port: int, requests_file: Path, args: argparse.Namespace, duration: float, path: str | None
) -> dict[str, Any]:
    lines = []
    for line in requests_file.read_text(encoding="utf-8").splitlines():
        target, body = line.split("\t", 1)
        data = body.encode()
        head = f"POST {path or target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
        lines.append(head.encode() + f"Content-Length: {len(data)}\r\n\r\n".encode() + data)

    async def main() -> tuple[int, list[float], float]:
        lat: list[float] = []
        began = time.perf_counter()
        stop_at = began + duration
        n = args.connections
        errors = await asyncio.gather(*(_client(port, lines, k, n, stop_at, lat) for k in range(n)))
        return sum(errors), lat, time.perf_counter() - began

    errors, lat, seconds = asyncio.run(main())
    lat.sort()

    def pick(q: float) -> float:
        return lat[min(len(lat) - 1, int(q * len(lat)))] * 1e6

    return summarise(len(lat), seconds, errors, pick(0.50), pick(0.99), lat[-1] * 1e6)


def drain(url: str, timeout_s: float) -> dict[str, Any]:
    """Wait until the server has processed every stored message; how long that took and how replies went out."""
    engine = make_engine(url)
    began = time.perf_counter()
    pending_q = sa.select(sa.func.count()).select_from(InboundDedupe).where(InboundDedupe.processed_at.is_(None))
    try:
        with engine.connect() as conn:
            left_at_end_of_load = conn.execute(pending_q).scalar_one()
        left = left_at_end_of_load
        while left and time.perf_counter() - began < timeout_s:
            time.sleep(0.2)
            with engine.connect() as conn:
                left = conn.execute(pending_q).scalar_one()
        with engine.connect() as conn:
            stored = conn.execute(sa.select(sa.func.count()).select_from(InboundDedupe)).scalar_one()
            via = dict(
                conn.execute(
                    sa.select(ConversationLog.data["via"].as_string(), sa.func.count())
                    .where(ConversationLog.direction == "out")
                    .group_by(ConversationLog.data["via"].as_string())
                ).all()
            )
    finally:
        engine.dispose()
    return {
        "stored": stored,
        "unprocessed_at_end_of_load": left_at_end_of_load,
        "drain_s_after_load": round(time.perf_counter() - began, 2),
        "unprocessed_after_drain": left,
        "replies_passive": via.get("passive", 0),
        "replies_via_outbox": via.get("outbox", 0),
    }


def breakdown(work: Path, requests_file: Path, count: int = 2000) -> dict[str, float]:
    """Median in-process cost (ms) of each step of the full path, on its own database, without HTTP."""
    from datetime import datetime
    from urllib.parse import parse_qsl, urlsplit

    from bot.bootstrap import bootstrap
    from bot.channels.base import Accepted, WebhookRequest
    from bot.config import FileConfig, Settings, WechatMpChannel
    from bot.inbox import handle_inbound

    url = f"sqlite:///{work / 'breakdown.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    channel = WechatMpChannel(
        kind="wechat_mp",
        account=ACCOUNT,
        app_id=APP_ID,
        app_secret="bench-app-secret-7f6e5d4c3b2a",
        token=TOKEN,
        encoding_aes_key=AES_KEY,
    )
    settings = Settings(database_url=url, secret_key=SECRET_KEY, data_key=DATA_KEY, demo=False)
    c = bootstrap(settings, file_config=FileConfig(channels=[channel]), engine=engine, configure_logs=False)
    adapter = c.channels.get("wechat_mp", ACCOUNT)
    steps: dict[str, list[float]] = {"verify_decrypt_parse": [], "pipeline_db_transaction": [], "render_encrypt": []}
    for line in requests_file.read_text(encoding="utf-8").splitlines()[:count]:
        target, body = line.split("\t", 1)
        req = WebhookRequest("POST", dict(parse_qsl(urlsplit(target).query)), {}, body.encode(), datetime.now(UTC))
        t0 = time.perf_counter()
        outcome = adapter.accept(req)
        t1 = time.perf_counter()
        assert isinstance(outcome, Accepted)
        replies = handle_inbound(c, outcome.message)
        t2 = time.perf_counter()
        adapter.render(outcome, replies)
        t3 = time.perf_counter()
        for name, dt in zip(steps, (t1 - t0, t2 - t1, t3 - t2), strict=True):
            steps[name].append(dt * 1000)
    c.dispose()
    return {name: round(median(values), 3) for name, values in steps.items()}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measured run (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up before each run")
    parser.add_argument("--connections", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument(
        "--threads", type=int, default=1, help="wrk threads (default 1: leave the other core to the server)"
    )
    parser.add_argument(
        "--messages", type=int, default=150000, help="distinct pre-built messages per round (default 150000)"
    )
    parser.add_argument("--tool", choices=["auto", "wrk", "asyncio"], default="auto", help="load generator")
    parser.add_argument("--rounds", type=int, default=3, help="alternating bare/full rounds (default 3)")
    return parser.parse_args()


def prepare(work: Path, args: argparse.Namespace) -> dict[str, str]:
    """Migrated database, channel file and request files in `work`; the servers' environment."""
    db = work / "bench.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate.upgrade(engine)
    engine.dispose()
    (work / "channels.toml").write_text(
        f'[[channels]]\nkind = "wechat_mp"\naccount = "{ACCOUNT}"\napp_id = "{APP_ID}"\n'
        f'app_secret = "bench-app-secret-7f6e5d4c3b2a"\ntoken = "{TOKEN}"\nencoding_aes_key = "{AES_KEY}"\n',
        encoding="utf-8",
    )
    ts = int(time.time()) + int(args.warmup * 2 + args.duration * 2)
    build_requests(work / "warm.txt", 5000, 10_000_000, ts)
    build_requests(work / "main.txt", min(args.messages, 5000), 20_000_000, ts)  # the bare rounds: any body
    return {
        **os.environ,
        "JIUYE_DATABASE_URL": f"sqlite:///{db}",
        "JIUYE_CONFIG": str(work / "channels.toml"),
        "JIUYE_SECRET_KEY": SECRET_KEY,
        "JIUYE_DATA_KEY": DATA_KEY,
        "JIUYE_DEMO": "0",
        "JIUYE_LOG_LEVEL": "WARNING",
    }


def main() -> None:
    args = parse_args()
    tool = "wrk" if args.tool == "wrk" or (args.tool == "auto" and shutil.which("wrk")) else "asyncio"
    load = run_wrk if tool == "wrk" else run_asyncio
    rounds: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="jiuye-bench-") as tmp:
        work = Path(tmp)
        env = prepare(work, args)
        servers = {name: free_port() for name in ("bare", "full")}
        procs = {
            "bare": start_server("bench.webhook:bare_app", servers["bare"], env),
            "full": start_server("bench.webhook:full_app", servers["full"], env),
        }
        try:
            load(servers["bare"], work / "warm.txt", args, args.warmup, "/bare")
            load(servers["full"], work / "warm.txt", args, args.warmup, None)
            drain(env["JIUYE_DATABASE_URL"], timeout_s=600)  # the warm-up's backlog is not measured
            # Bare and full alternate, each full round's backlog processed before the next bare round, so that
            # a slow spell of the shared machine does not fall on one side only; the medians are compared.
            for n in range(args.rounds):
                # Built just before its round (timestamps within the clock-skew window), from its own MsgId range:
                # no message is ever sent twice.
                requests = work / f"main{n}.txt"
                build_requests(requests, args.messages, 20_000_000 + n * 1_000_000, int(time.time()) + 30)
                bare = load(servers["bare"], work / "main.txt", args, args.duration, "/bare")
                full = load(servers["full"], requests, args, args.duration, None)
                processing = drain(env["JIUYE_DATABASE_URL"], timeout_s=600)
                rounds.append({"bare": bare, "full": full, "processing": processing})
        finally:
            for proc in procs.values():
                stop(proc)
        build_requests(work / "spare.txt", 2000, 30_000_000, int(time.time()) + 60)
        steps = breakdown(work, work / "spare.txt")

    bare_rps = median(r["bare"]["rps"] for r in rounds)
    full_rps = median(r["full"]["rps"] for r in rounds)
    ratio = full_rps / bare_rps if bare_rps else 0.0
    worst_p99 = max(r["full"]["p99_ms"] for r in rounds)
    errors = sum(r["full"]["errors"] for r in rounds)
    figures = {
        "benchmark": "webhook",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_generator": f"wrk ({args.threads} thread, bench/webhook.lua)" if tool == "wrk" else "asyncio client",
        "connections": args.connections,
        "duration_s": args.duration,
        "message": "safe-mode (AES) WeChat text, distinct MsgId per request, SQLite, 1 uvicorn worker",
        "rounds": [
            {**r, "ratio": round(r["full"]["rps"] / r["bare"]["rps"], 3) if r["bare"]["rps"] else 0.0} for r in rounds
        ],
        "bare_rps_median": bare_rps,
        "full_rps_median": full_rps,
        "full_p99_ms_worst": worst_p99,
        "ratio": round(ratio, 3),
        "bare_ms_per_request": round(1000 / bare_rps, 3) if bare_rps else None,
        "full_in_process_median_ms": steps,
        "target": {"ratio": TARGET_RATIO, "p99_ms": TARGET_P99_MS},
        "met": ratio >= TARGET_RATIO and worst_p99 < TARGET_P99_MS and errors == 0,
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
