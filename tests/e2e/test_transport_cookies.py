"""A real server on loopback sets a cookie on Alice's answer: Bob's next call never carries it,
whichever pool sends it (aiohttp's, the asyncio default, or httpx's)."""

from __future__ import annotations

import asyncio
import json

import pytest

from aioauthing import AuthenticationClient

pytestmark = pytest.mark.anyio

USER = {"id": "u-1", "userPoolId": "pool-1", "arn": "arn:u-1"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # aiohttp's pool is asyncio's


async def _serve(seen: list[dict[str, str]]) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {
                k.lower(): v.strip()
                for k, _, v in (line.partition(":") for line in lines[1:] if line)
            }
            seen.append(headers)
            body = json.dumps({"code": 200, "message": "ok", "data": USER}).encode()
            cookie = (
                b"Set-Cookie: authing_session=alice-session; Path=/\r\n" if len(seen) == 1 else b""
            )
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + cookie
                + b"Content-Length: %d\r\n\r\n" % len(body)
                + body
            )
            await writer.drain()

    async def guarded(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await handle(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    return await asyncio.start_server(guarded, "127.0.0.1", 0)


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_a_cookie_from_one_users_answer_never_rides_on_another_call(transport: str) -> None:
    seen: list[dict[str, str]] = []
    server = await _serve(seen)
    port = server.sockets[0].getsockname()[1]
    try:
        async with AuthenticationClient(
            "app-1", host=f"http://localhost:{port}", user_pool_id="pool-1", transport=transport
        ) as auth:
            await auth.as_user("alice-token").get_current_user()
            await auth.as_user("bob-token").get_current_user()
    finally:
        server.close()
    assert [h["authorization"] for h in seen] == ["Bearer alice-token", "Bearer bob-token"]
    assert "cookie" not in seen[1]
