"""The socket server's HTTP protocols (httptools when installed, h11 otherwise): whole answers on
keep-alive connections, and closed connections for injected ``drop`` / ``lost`` faults."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from aioauthing.emulator import server as server_module
from aioauthing.emulator.protocol import ClosingH11Protocol, closing_protocol
from aioauthing.emulator.server import EmulatorServer

from .conftest import IS_USER_EXISTS, new_pool

PROTOCOLS = {"h11": ClosingH11Protocol, "preferred": closing_protocol()}


@pytest.fixture(params=sorted(PROTOCOLS))
def server(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[EmulatorServer]:
    protocol: type[asyncio.Protocol] = PROTOCOLS[request.param]
    monkeypatch.setattr(server_module, "closing_protocol", lambda: protocol)
    with EmulatorServer() as running:
        yield running


def test_keep_alive_answers_and_faults_close_the_connection(server: EmulatorServer) -> None:
    with httpx.Client(timeout=10, limits=httpx.Limits(max_connections=1)) as client:
        wire = new_pool(server, client)
        for n in range(20):  # one connection, many whole answers (head and body sent together)
            body = wire.gql(IS_USER_EXISTS, {"email": f"u{n}@example.com"})
            assert body == {"data": {"isUserExists": False}}
        big = wire.gql("{ __schema { types { name description } } }")
        assert len(big["data"]["__schema"]["types"]) > 50
        for spec in ("drop=1", "lost=1"):
            wire.admin("POST", "/faults", json={"spec": spec})
            with pytest.raises(httpx.RemoteProtocolError):
                client.post(
                    f"{server.url}/graphql/v2",
                    json={"query": IS_USER_EXISTS, "variables": {}},
                    headers=wire.headers(),
                )
        wire.admin("POST", "/faults", json={"spec": ""})
        assert wire.gql("{ __typename }") == {"data": {"__typename": "Query"}}
