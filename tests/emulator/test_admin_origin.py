"""Admin writes need JSON from a loopback page (or no page); every request needs a known Host."""

from __future__ import annotations

import httpx
import pytest

from aioauthing.emulator.app import create_app
from aioauthing.emulator.config import EmulatorConfig
from aioauthing.emulator.server import EmulatorServer
from aioauthing.emulator.transport import EmulatorTransport

from .conftest import Wire


def _refused(response: httpx.Response, words: str) -> None:
    assert response.status_code == 403, response.text
    body = response.json()
    if "errors" in body:  # GraphQL shape on /graphql/v2
        body = body["errors"][0]["message"]
    assert body["code"] == 403
    assert words in body["message"]


def _users(wire: Wire) -> int:
    pools = wire.admin("GET", "/state")["pools"]
    (pool,) = [p for p in pools if p["id"] == wire.settings.user_pool_id]
    return len(pool["users"])


def test_a_cross_site_simple_request_cannot_reset_or_rotate(wire: Wire) -> None:
    wire.create_user(email="keep@example.com", password="pw")
    host, pool = wire.settings.host, {"pool": wire.settings.user_pool_id}
    evil = {"origin": "http://evil.example", "content-type": "text/plain"}
    for path in ("/reset", "/keys/rotate", "/state", "/clock"):
        response = wire.client.post(
            f"{host}/__emulator__{path}", params=pool, headers=evil, content=b"{}"
        )
        _refused(response, "admin writes")
    # JSON from a foreign page is refused too; so is text/plain from no page at all
    foreign_json = {"origin": "http://evil.example", "content-type": "application/json"}
    response = wire.client.post(
        f"{host}/__emulator__/reset", params=pool, headers=foreign_json, content=b"{}"
    )
    _refused(response, "loopback origins")
    for origin in ("null", "http://127.0.0.1.evil.example"):
        response = wire.client.post(
            f"{host}/__emulator__/reset", params=pool, headers={"origin": origin}, json={}
        )
        _refused(response, "loopback origins")
    response = wire.client.post(
        f"{host}/__emulator__/reset", params=pool, headers={"content-type": "text/plain"}
    )
    _refused(response, "Content-Type: application/json")
    assert _users(wire) == 1  # nothing was wiped


def test_json_from_a_loopback_page_or_a_script_is_accepted(wire: Wire) -> None:
    host, pool = wire.settings.host, {"pool": wire.settings.user_pool_id}
    for headers in ({}, {"origin": "http://localhost:3000"}, {"origin": host}):
        response = wire.client.post(
            f"{host}/__emulator__/codes", params=pool, headers=headers, json={"fixed": "123456"}
        )
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8800", "192.168.1.5", ""])
def test_an_unknown_host_is_refused_everywhere(wire: Wire, host: str) -> None:
    """A DNS-rebinding page reaches the emulator with its own name in Host."""
    url = wire.settings.host
    for method, path in (
        ("GET", "/__emulator__/state"),
        ("GET", "/__emulator__/settings"),
        ("POST", "/graphql/v2"),
    ):
        response = wire.client.request(method, f"{url}{path}", headers={"host": host}, json={})
        _refused(response, "Host not allowed")


def test_loopback_names_and_allowed_hosts_are_answered() -> None:
    config = EmulatorConfig(allowed_hosts=("emu.internal",))
    with EmulatorServer(config) as server, httpx.Client(timeout=10) as client:
        port = server.url.rsplit(":", 1)[1]
        for name in ("localhost", "127.0.0.1", "app.localhost", "emu.internal"):
            response = client.get(
                f"{server.url}/__emulator__/settings", headers={"host": f"{name}:{port}"}
            )
            assert response.status_code == 200, (name, response.text)
        response = client.get(
            f"{server.url}/__emulator__/settings", headers={"host": "other.internal"}
        )
        assert response.status_code == 403


@pytest.mark.anyio
async def test_the_in_process_transport_names_are_answered() -> None:
    app = create_app()
    for base in ("http://emulator", "http://testserver"):
        async with httpx.AsyncClient(transport=EmulatorTransport(app), base_url=base) as client:
            assert (await client.get("/__emulator__/settings")).status_code == 200
    async with httpx.AsyncClient(
        transport=EmulatorTransport(app), base_url="http://anything"
    ) as client:
        assert (await client.get("/__emulator__/settings")).status_code == 403
