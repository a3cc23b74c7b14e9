"""One process: CPU per ``user(id)`` read through the emulator's ASGI app, no HTTP server.

Run by ``emulator_throughput`` (``BENCH_EMULATOR_INPROCESS=1``) once per tree, with that tree's
``PYTHONPATH``; prints the microseconds of process CPU per read. What it leaves out (uvicorn,
the event loop's socket work, the kernel) is what the socket figures add.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from aioauthing.emulator.app import create_app
from aioauthing.generated import operations as ops

USER_BY_ID = (
    "query user($id: String) { user(id: $id) { id arn userPoolId username email emailVerified "
    "phone phoneVerified nickname photo loginsCount lastLogin blocked createdAt updatedAt } }"
)


async def _measure(reads: int) -> float:
    app = create_app()
    runtime = app.state.emulator
    pool = runtime.state.default_pool
    base = [
        (b"host", b"127.0.0.1:8800"),
        (b"accept", b"*/*"),
        (b"accept-encoding", b"gzip, deflate"),
        (b"connection", b"keep-alive"),
        (b"user-agent", b"python-httpx/0.28"),
        (b"x-authing-userpool-id", pool.id.encode()),
        (b"x-authing-app-id", pool.app_id.encode()),
        (b"x-authing-request-from", b"sdk"),
        (b"content-type", b"application/json"),
    ]

    async def call(body: dict[str, Any], token: str | None = None) -> Any:
        raw = json.dumps(body).encode()
        headers = [*base, (b"content-length", str(len(raw)).encode())]
        if token:
            headers.append((b"authorization", b"Bearer " + token.encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql/v2",
            "raw_path": b"/graphql/v2",
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8800),
        }
        sent: list[Any] = []
        given = False

        async def receive() -> dict[str, Any]:
            nonlocal given
            if given:
                await asyncio.Event().wait()  # never: the app reads one message
            given = True
            return {"type": "http.request", "body": raw, "more_body": False}

        async def send(message: Any) -> None:
            sent.append(message)

        await app(scope, receive, send)
        return json.loads(sent[-1]["body"])

    settings = runtime.settings()
    token = (
        await call(
            {
                "query": ops.MANAGEMENT_ACCESS_TOKEN.document,
                "variables": {"userPoolId": settings["user_pool_id"], "secret": settings["secret"]},
            }
        )
    )["data"]["accessToken"]["accessToken"]
    user = (
        await call(
            {
                "query": ops.USERS_CREATE.document,
                "variables": {"userInfo": {"email": "bench@example.com"}},
            },
            token,
        )
    )["data"]["createUser"]
    body = {"query": USER_BY_ID, "variables": {"id": user["id"]}}
    for _ in range(300):  # warm-up: document cache, plans
        await call(body, token)
    start = time.process_time()
    for _ in range(reads):
        answer = await call(body, token)
    spent = time.process_time() - start
    assert "errors" not in answer, answer
    return spent / reads * 1e6


if __name__ == "__main__":
    print(f"{asyncio.run(_measure(int(sys.argv[1]))):.1f}")
