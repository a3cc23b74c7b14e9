"""Admin state endpoints: export a snapshot, change things, import it back.

Importing replaces the state of the whole emulator, so these tests use their own server.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from aioauthing.emulator.server import EmulatorServer
from aioauthing.emulator.settings import EmulatorSettings

from .conftest import USERS, Wire, error_code, new_pool


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as running:
        yield running


@pytest.fixture
def wire(server: EmulatorServer) -> Iterator[Wire]:
    with httpx.Client(timeout=10) as client:
        yield Wire(EmulatorSettings.from_dict(server.settings()), client)


def _emails(wire: Wire) -> set[str]:
    body = wire.gql(USERS, {"limit": 50}, token=wire.management_token())
    return {u["email"] for u in body["data"]["users"]["list"]}


def test_export_then_import_restores_users_and_logins(wire: Wire, server: EmulatorServer) -> None:
    wire.create_user(email="kept@example.com", password="pw123456")
    snapshot = wire.admin("GET", "/state")
    assert snapshot["version"] == 1
    assert any(p["id"] == wire.settings.user_pool_id for p in snapshot["pools"])
    # nothing in the snapshot is a plain-text password
    assert "pw123456" not in str(snapshot)

    wire.create_user(email="later@example.com", password="pw123456")
    assert _emails(wire) == {"kept@example.com", "later@example.com"}

    answer = wire.admin("PUT", "/state", json=snapshot)
    assert answer["code"] == 200 and answer["pools"] == len(snapshot["pools"])
    wire._mgmt = None  # a fresh management token for the restored pool
    assert _emails(wire) == {"kept@example.com"}
    login = wire.login_by_email("kept@example.com", "pw123456")
    assert login["data"]["loginByEmail"]["email"] == "kept@example.com"
    assert error_code(wire.login_by_email("later@example.com", "pw123456")) != 200

    # other pools created after the snapshot are gone too
    other = new_pool(server, wire.client)
    wire.admin("PUT", "/state", json=snapshot)
    pools = {p["user_pool_id"] for p in wire.admin("GET", "/pools")["pools"]}
    assert other.settings.user_pool_id not in pools
    assert wire.settings.user_pool_id in pools


def test_import_refuses_documents_it_cannot_read(wire: Wire) -> None:
    url = f"{wire.settings.host}/__emulator__/state"
    for body in ({"version": 99, "pools": []}, {"pools": 3}, [1, 2]):
        response = wire.client.put(url, json=body)
        assert response.status_code == 400, response.text
        assert response.json()["code"] == 400
    assert wire.gql("{ __typename }") == {"data": {"__typename": "Query"}}
