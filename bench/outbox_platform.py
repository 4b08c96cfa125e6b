"""A loopback fake of the QQ official bot's send API, for `bench.outbox` and the outbox crash test.

It behaves like the platform where it matters: replies carry `msg_id` + `msg_seq`, and a second request with a
pair already received is refused with code 40054005 (消息被去重) instead of being shown again. It also counts what
a real platform would not tell us: every arrival, the resends it refused (`wire_resends`), and per outbox key (the
`[key]` the bench puts at the start of each text) how many times a message was actually delivered, so that
`duplicated` (a key delivered twice, e.g. under two different platform keys) is measured, not assumed.

Run: `python -m bench.outbox_platform --port 18080`; `GET /_stats` answers the counters as JSON. The server is a
bare asyncio protocol (uvloop when installed): the workers under test share the CPU with it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import threading
import time
from collections import Counter
from typing import Any

_KEY = re.compile(r"^\[([^\]]+)\]")
DEDUPE_CODE = 40054005


class Platform:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: set[tuple[str, int]] = set()
        self.delivered: Counter[str] = Counter()
        self.arrivals = 0
        self.wire_resends = 0
        self.tokens = 0
        self.first_at: float | None = None
        self.last_at: float | None = None

    def message(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not body.get("msg_id") or not body.get("content"):
            return 400, {"code": 40034001, "message": "缺少 msg_id 或 content"}
        pair = (str(body["msg_id"]), int(body.get("msg_seq") or 1))
        match = _KEY.match(str(body.get("content") or ""))
        key = match.group(1) if match else pair[0]
        now = time.time()
        with self.lock:
            self.arrivals += 1
            if pair in self.seen:
                self.wire_resends += 1
                return 400, {"code": DEDUPE_CODE, "message": "消息被去重，请检查请求msgseq"}
            self.seen.add(pair)
            self.delivered[key] += 1
            self.first_at = now if self.first_at is None else self.first_at
            self.last_at = now
        return 200, {"id": f"ROBOT-{len(self.seen)}", "timestamp": int(now)}

    def stats(self) -> dict[str, Any]:
        with self.lock:
            duplicated = sum(1 for n in self.delivered.values() if n > 1)
            return {
                "arrivals": self.arrivals,
                "delivered": len(self.delivered),
                "duplicated": duplicated,
                "wire_resends": self.wire_resends,
                "token_requests": self.tokens,
                "first_at": self.first_at,
                "last_at": self.last_at,
            }


class Handler(asyncio.Protocol):
    """A minimal HTTP/1.1 server (keep-alive, Content-Length bodies): on a two-core machine the fake platform
    shares the CPU with the workers it measures, so it should cost as little as possible per request."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.buffer = b""
        self.transport: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # uvloop's transports are not asyncio.Transport subclasses

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end].decode("latin-1").split("\r\n")
            length = 0
            for line in head[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if len(self.buffer) < head_end + 4 + length:
                return  # the body is still on its way (a sender killed now never completes it: nothing arrived)
            body = self.buffer[head_end + 4 : head_end + 4 + length]
            self.buffer = self.buffer[head_end + 4 + length :]
            method, path = head[0].split(" ")[:2]
            self.respond(*self.route(method, path.split("?")[0], body))

    def route(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        platform = self.platform
        if path == "/_stats":
            return 200, platform.stats()
        if method == "POST" and path.endswith("/getAppAccessToken"):
            with platform.lock:
                platform.tokens += 1
            return 200, {"access_token": f"BENCH-TOKEN-{platform.tokens}", "expires_in": "7200"}
        if method == "POST" and path.startswith("/v2/") and path.endswith("/messages"):
            try:
                return platform.message(json.loads(body))
            except ValueError:
                return 400, {"code": 40034002, "message": "请求体不是 JSON"}
        return 404, {"message": "no such route"}

    def respond(self, status: int, answer: dict[str, Any]) -> None:
        payload = json.dumps(answer, ensure_ascii=False).encode()
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}.get(status, "OK")
        head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        assert self.transport is not None
        self.transport.write(head.encode() + payload)


async def serve(port: int, platform: Platform) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Handler(platform), "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description="Loopback fake of the QQ bot send API (dedupes msg_id + msg_seq).")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    with contextlib.suppress(ImportError):
        import uvloop

        uvloop.install()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, Platform()))


if __name__ == "__main__":
    main()
