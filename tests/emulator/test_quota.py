"""The emulator's pool-wide quota (``quota=N/s``) and its traffic counters."""

from __future__ import annotations

import httpx
import pytest

from aioauthing.emulator.faults import Quota, parse_faults, parse_quota
from aioauthing.emulator.server import EmulatorServer

from .conftest import IS_USER_EXISTS, new_pool


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_quota_is_a_sliding_one_second_window() -> None:
    clock = Clock()
    quota = Quota(3, clock=clock)
    for _ in range(3):
        assert quota.admit() is None
        clock.now += 0.1
    clock.now = 100.4
    assert quota.admit() == pytest.approx(0.6)  # the first arrival leaves the window in 0.6 s
    clock.now = 101.05
    assert quota.admit() is None  # one slot freed, not three: the window slides
    assert quota.admit() == pytest.approx(0.05)
    clock.now = 101.25
    assert quota.admit() is None
    assert quota.admit() is None


def test_quota_spec_parsing() -> None:
    assert parse_faults("quota=150/s").quota == 150
    assert parse_faults("quota=150,503=0.1").quota == 150
    assert parse_faults("quota=600/min").quota == 10
    assert parse_faults("503=0.1").quota is None
    assert parse_faults("quota=150/s,latency=5ms").text == "latency=5ms,quota=150/s"
    assert parse_quota(" 2.5/s ") == 2.5
    for bad in ("quota=", "quota=0/s", "quota=fast", "quota=10/h"):
        with pytest.raises(ValueError, match="quota"):
            parse_faults(bad)


def test_quota_answers_429_with_retry_after_and_counts(authing_emulator: EmulatorServer) -> None:
    with httpx.Client(timeout=10) as client:
        wire = new_pool(authing_emulator, client)
        token = wire.management_token()
        answer = wire.admin("POST", "/faults", json={"spec": "quota=2/s", "resetCounters": True})
        assert answer["counters"] == {
            "requests": 0,
            "throttled": 0,
            "tokenRequests": 0,
            "faults": {},
        }
        statuses = []
        for _ in range(8):
            response = client.post(
                f"{wire.settings.host}/graphql/v2",
                json={"query": IS_USER_EXISTS, "variables": {"email": "a@b.co"}},
                headers=wire.headers(token),
            )
            statuses.append(response.status_code)
            if response.status_code == 429:
                assert int(response.headers["retry-after"]) >= 1
                assert response.json()["code"] == 429
        assert statuses[:2] == [200, 200]
        assert 429 in statuses
        counters = wire.admin("GET", "/faults")["counters"]
        assert counters["requests"] == 8
        assert counters["throttled"] == statuses.count(429)
        # injected faults are counted by outcome; token requests separately
        wire.admin("POST", "/faults", json={"spec": "503=1", "resetCounters": True})
        client.post(
            f"{wire.settings.host}/graphql/v2",
            json={"query": IS_USER_EXISTS, "variables": {}},
            headers=wire.headers(token),
        )
        wire.admin("POST", "/faults", json={"spec": ""})
        wire._mgmt = None
        wire.management_token()
        counters = wire.admin("GET", "/faults")["counters"]
        assert counters == {"requests": 2, "throttled": 0, "tokenRequests": 1, "faults": {"503": 1}}
        # another pool has its own counters
        other = new_pool(authing_emulator, client)
        assert other.admin("GET", "/faults")["counters"]["requests"] == 0
