"""Fault injection: deterministic under a seed; drop (not applied) vs lost (applied)."""

from __future__ import annotations

import httpx
import pytest

from aioauthing.emulator.config import EmulatorConfig
from aioauthing.emulator.faults import parse_faults
from aioauthing.emulator.server import EmulatorServer

from .conftest import IS_USER_EXISTS, Wire, new_pool

SPEC = "429=0.2,503=0.1,500=0.05,502=0.05,drop=0.05,lost=0.05"


def _outcomes(seed: int) -> list[str]:
    seen = []
    with (
        EmulatorServer(EmulatorConfig(seed=seed, faults=SPEC)) as server,
        httpx.Client(timeout=10) as client,
    ):
        settings = server.settings()
        for _ in range(40):
            try:
                response = client.post(
                    f"{server.url}/graphql/v2",
                    json={"query": IS_USER_EXISTS, "variables": {"email": "a@b.co"}},
                    headers={"x-authing-userpool-id": settings["user_pool_id"]},
                )
            except httpx.RemoteProtocolError:
                seen.append("closed")
                continue
            seen.append(str(response.status_code))
            if response.status_code == 429:
                assert response.headers["retry-after"] == "1"
                assert response.json()["code"] == 429
    return seen


def test_faults_are_deterministic_under_seed() -> None:
    first = _outcomes(7)
    assert first == _outcomes(7)
    assert {"200", "429", "closed"} <= set(first)
    assert first != _outcomes(8)


def test_fault_spec_parsing() -> None:
    spec = parse_faults("429=0.05,503=0.05,500=0.01,502=0.01,drop=0.01,lost=0.01,latency=20ms")
    assert spec.probabilities["429"] == 0.05
    assert spec.latency == pytest.approx(0.02)
    for bad in ("teapot=0.1", "429=2", "429", "latency=fast", "429=0.7,503=0.7"):
        with pytest.raises(ValueError, match=r"."):
            parse_faults(bad)


def test_drop_is_not_applied_lost_is(authing_emulator: EmulatorServer) -> None:
    with httpx.Client(timeout=10) as client:
        wire = new_pool(authing_emulator, client)
        token = wire.management_token()
        wire.admin("POST", "/faults", json={"spec": "drop=1"})
        with pytest.raises(httpx.RemoteProtocolError):
            wire.create_user(email="dropped@example.com")
        wire.admin("POST", "/faults", json={"spec": "lost=1"})
        with pytest.raises(httpx.RemoteProtocolError):
            wire.create_user(email="lost@example.com")
        wire.admin("POST", "/faults", json={"spec": "503=1"})
        response = client.post(
            f"{wire.settings.host}/graphql/v2",
            json={"query": IS_USER_EXISTS, "variables": {}},
            headers=wire.headers(token),
        )
        assert response.status_code == 503
        assert response.json()["code"] == 503
        wire.admin("POST", "/faults", json={"spec": ""})
        assert _exists(wire, "dropped@example.com") is False
        assert _exists(wire, "lost@example.com") is True
        # admin endpoints are never faulted, and other pools are unaffected
        other = new_pool(authing_emulator, client)
        assert _exists(other, "x@example.com") is False


def _exists(wire: Wire, email: str) -> bool:
    value: bool = wire.gql(IS_USER_EXISTS, {"email": email})["data"]["isUserExists"]
    return value
