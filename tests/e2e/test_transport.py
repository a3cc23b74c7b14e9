"""The clients' transports against a real emulator socket: same answers and the same error classes
whichever pool sends (aiohttp's on asyncio by default, httpx's on trio or on request)."""

from __future__ import annotations

import socket

import httpx
import pytest

from aioauthing import AuthingValidationError, ManagementClient, TransportError, models
from aioauthing.emulator.settings import EmulatorSettings
from aioauthing.runtime.transport import AiohttpTransport, AutoTransport, make_transport

pytestmark = [pytest.mark.e2e, pytest.mark.anyio]


def _mgmt(pool: EmulatorSettings, transport: str) -> ManagementClient:
    return ManagementClient(
        pool.user_pool_id,
        pool.secret,
        host=pool.host,
        public_key=pool.public_key,
        transport=transport,  # type: ignore[arg-type]
        max_concurrency=8,
        max_retries=0,
    )


@pytest.mark.parametrize("transport", ["auto", "httpx", "aiohttp"])
async def test_each_transport_creates_and_reads(
    authing_pool: EmulatorSettings, transport: str, anyio_backend: str
) -> None:
    if transport == "aiohttp" and anyio_backend == "trio":
        pytest.skip("aiohttp runs on asyncio only")
    async with _mgmt(authing_pool, transport) as mgmt:
        created = await mgmt.users.create(
            models.CreateUserInput(email=f"t-{transport}@example.com", nickname="Tess")
        )
        found = await mgmt.users.detail(created.id)
        assert (found.email, found.nickname) == (f"t-{transport}@example.com", "Tess")
        with pytest.raises(AuthingValidationError) as info:
            await mgmt.users.detail("")
        assert info.value.parameter == "user_id"


async def test_lost_answer_is_a_transport_error_not_a_retried_connect_error(
    authing_pool: EmulatorSettings, anyio_backend: str
) -> None:
    """A create whose answer is lost must not look like 'never sent' (that would be retried)."""
    async with (
        httpx.AsyncClient(timeout=10) as admin,
        _mgmt(authing_pool, "auto") as mgmt,
    ):
        await mgmt.users.list(page=1, limit=1)  # the management token, before the fault
        answer = await admin.post(
            f"{authing_pool.host}/__emulator__/faults",
            params={"pool": authing_pool.user_pool_id},
            json={"spec": "lost=1"},
        )
        assert answer.status_code == 200
        with pytest.raises(TransportError) as info:
            await mgmt.users.create(models.CreateUserInput(email="lost@example.com"))
        assert isinstance(info.value.__cause__, httpx.RemoteProtocolError)


async def test_refused_connection_is_a_connect_error(anyio_backend: str) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with ManagementClient(
        "pool", "secret", host=f"http://127.0.0.1:{port}", max_retries=0
    ) as mgmt:
        with pytest.raises(TransportError) as info:
            await mgmt.users.list(page=1, limit=1)
        assert isinstance(info.value.__cause__, httpx.ConnectError)


def test_transport_names() -> None:
    assert isinstance(make_transport("auto", 4), AutoTransport)
    assert isinstance(make_transport("aiohttp", 4), AiohttpTransport)
    assert isinstance(make_transport("httpx", 4), httpx.AsyncHTTPTransport)
    with pytest.raises(AuthingValidationError) as info:
        ManagementClient("pool", "secret", transport="h3")  # type: ignore[arg-type]
    assert info.value.parameter == "transport"


async def test_direct_path_sends_what_httpx_sends(anyio_backend: str) -> None:
    """The SDK's own pool on asyncio skips building httpx requests: the server must not see any
    difference in headers or body (an aiohttp server on loopback records them)."""
    if anyio_backend != "asyncio":
        pytest.skip("the direct path exists on asyncio only")
    from aiohttp import web

    from aioauthing import AuthenticationClient

    seen: list[tuple[dict[str, str], bytes]] = []

    async def graphql(request: web.Request) -> web.Response:
        seen.append((dict(request.headers), await request.read()))
        return web.json_response(
            {"data": {"checkLoginStatus": {"code": 200, "message": "ok", "status": False}}}
        )

    app = web.Application()
    app.router.add_post("/graphql/v2", graphql)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        for transport in ("auto", "httpx"):
            async with AuthenticationClient(
                "app-1",
                host=f"http://127.0.0.1:{port}",
                user_pool_id="pool-1",
                transport=transport,  # type: ignore[arg-type]
            ) as auth:
                status = await auth.check_login_status("tok-1")
                assert status is not None and status.status is False
    finally:
        await runner.cleanup()
    (direct_headers, direct_body), (httpx_headers, httpx_body) = seen
    assert direct_body == httpx_body
    assert {k.lower(): v for k, v in direct_headers.items()} == {
        k.lower(): v for k, v in httpx_headers.items()
    }


async def test_direct_path_reads_compressed_and_charset_answers(anyio_backend: str) -> None:
    """The direct path reads plain bodies itself and hands compressed ones to httpx: a gzip
    answer, a plain one and a 502 with a Latin-1 body read as the httpx pool reads them."""
    if anyio_backend != "asyncio":
        pytest.skip("the direct path exists on asyncio only")
    import gzip
    import json

    from aiohttp import web

    from aioauthing import AuthenticationClient, ServerError

    answer = {"data": {"checkLoginStatus": {"code": 200, "message": "ok", "status": True}}}
    modes = iter(["gzip", "plain", "latin-1"] * 2)

    async def graphql(request: web.Request) -> web.Response:
        mode = next(modes)
        if mode == "gzip":
            return web.Response(
                body=gzip.compress(json.dumps(answer).encode()),
                headers={"content-type": "application/json", "content-encoding": "gzip"},
            )
        if mode == "plain":
            return web.json_response(answer)
        return web.Response(
            status=502,
            body="passerelle fermée".encode("latin-1"),
            headers={"content-type": "text/plain; charset=ISO-8859-1"},
        )

    app = web.Application()
    app.router.add_post("/graphql/v2", graphql)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        for transport in ("auto", "httpx"):
            async with AuthenticationClient(
                "app-1",
                host=f"http://127.0.0.1:{port}",
                user_pool_id="pool-1",
                transport=transport,  # type: ignore[arg-type]
                max_retries=0,
            ) as auth:
                for _ in range(2):  # gzip, then plain
                    status = await auth.check_login_status("tok-1")
                    assert status is not None and status.status is True
                with pytest.raises(ServerError) as info:
                    await auth.check_login_status("tok-1")
                assert (info.value.http_status, info.value.code) == (502, None)
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain; charset=ISO-8859-1", "passerelle fermée".encode("latin-1")),
        ("text/plain", "网关".encode()),
        ("text/plain; charset=no-such-charset", b"ok"),
        ("application/json", b"\xff{}"),
    ],
)
def test_direct_response_text_is_httpx_text(content_type: str, body: bytes) -> None:
    from aioauthing.runtime.transport import DirectResponse

    headers = httpx.Headers({"content-type": content_type})
    direct = DirectResponse(200, headers, body)
    assert direct.text == httpx.Response(200, headers=headers, content=body).text
