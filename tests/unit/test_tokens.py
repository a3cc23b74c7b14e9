from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import anyio
import anyio.lowlevel
import pytest
from unit_helpers import FakeTime

from aioauthing.runtime.tokens import (
    FileTokenStore,
    ManagementTokenManager,
    MemoryTokenStore,
    StoredToken,
    jwt_expiry,
)

pytestmark = pytest.mark.anyio


def fake_jwt(exp: float) -> str:
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256'})}.{part({'exp': exp, 'sub': 'x'})}.sig"


def test_jwt_expiry_reads_exp_without_verifying() -> None:
    assert jwt_expiry(fake_jwt(1234)) == 1234.0
    assert jwt_expiry("garbage") is None
    assert jwt_expiry("a.b.c") is None


async def test_file_store_round_trip_mode_0600_and_atomic(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "tokens.json"
    store = FileTokenStore(path)
    assert await store.get("k") is None
    await store.set("k", StoredToken("tok-1", 10.0))
    await store.set("other", StoredToken("tok-2", None))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert await store.get("k") == StoredToken("tok-1", 10.0)
    assert json.loads(path.read_text())["other"] == {"token": "tok-2", "expires_at": None}
    await store.delete("k")
    assert await store.get("k") is None
    # no temp files left; only the lock sidecar next to the file
    assert sorted(p.name for p in path.parent.iterdir()) == ["tokens.json", "tokens.json.lock"]


async def test_file_store_write_failure_keeps_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tokens.json"
    store = FileTokenStore(path)
    await store.set("k", StoredToken("old", None))

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        await store.set("k", StoredToken("new", None))
    monkeypatch.undo()
    assert await store.get("k") == StoredToken("old", None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tokens.json", "tokens.json.lock"]


async def test_file_store_concurrent_writers_do_not_lose_keys(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "t.json")
    async with anyio.create_task_group() as tg:
        for i in range(20):
            tg.start_soon(store.set, f"k{i}", StoredToken(f"t{i}", None))
    for i in range(20):
        assert await store.get(f"k{i}") == StoredToken(f"t{i}", None)


_WRITER = """
import sys, anyio
from aioauthing.runtime.tokens import FileTokenStore, StoredToken

async def main(path: str, prefix: str, count: int) -> None:
    store = FileTokenStore(path)
    for i in range(count):
        await store.set(f"{prefix}{i}", StoredToken(f"{prefix}-token-{i}", None))

anyio.run(main, sys.argv[1], sys.argv[2], int(sys.argv[3]))
"""


def test_file_store_two_processes_keep_every_key(tmp_path: Path) -> None:
    """Two real processes writing different keys to one file: none of the 2 x N sets is lost."""
    path = tmp_path / "shared.json"
    count = 150
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), prefix, str(count)])
        for prefix in ("a", "b")
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    data = json.loads(path.read_text())
    expected = {f"{p}{i}" for p in ("a", "b") for i in range(count)}
    assert set(data) == expected
    assert data["b7"] == {"token": "b-token-7", "expires_at": None}


def make_manager(clock: FakeTime, store: MemoryTokenStore | None = None, lifetime: float = 7200):
    calls: list[int] = []

    async def fetch() -> dict[str, object]:
        calls.append(1)
        for _ in range(5):
            await anyio.lowlevel.checkpoint()
        return {"accessToken": f"tok-{len(calls)}", "exp": int(clock.now + lifetime), "iat": 0}

    manager = ManagementTokenManager(
        fetch, key=ManagementTokenManager.cache_key("h", "pool", "s3cret"), store=store, clock=clock
    )
    return manager, calls


async def test_single_flight_1000_concurrent_first_calls() -> None:
    manager, calls = make_manager(FakeTime())
    results: list[str] = []

    async def call() -> None:
        results.append(await manager.get_token())

    async with anyio.create_task_group() as tg:
        for _ in range(1000):
            tg.start_soon(call)
    assert len(calls) == 1
    assert results == ["tok-1"] * 1000


async def test_refreshes_ahead_of_expiry() -> None:
    clock = FakeTime()
    manager, calls = make_manager(clock, lifetime=7200)
    assert await manager.get_token() == "tok-1"
    clock.now += 3000  # skew = min(3600, 7200/2) = 3600 -> still fresh until exp - 3600
    assert await manager.get_token() == "tok-1"
    clock.now += 700
    assert await manager.get_token() == "tok-2"
    assert len(calls) == 2


async def test_exp_read_from_jwt_when_field_missing() -> None:
    clock = FakeTime()
    count = 0

    async def fetch() -> str:
        nonlocal count
        count += 1
        return fake_jwt(clock.now + 100)

    manager = ManagementTokenManager(fetch, key="k", clock=clock)
    first = await manager.get_token()
    clock.now += 40
    assert await manager.get_token() == first
    clock.now += 20  # past exp - 50
    await manager.get_token()
    assert count == 2


async def test_invalidate_only_the_cached_token() -> None:
    store = MemoryTokenStore()
    manager, calls = make_manager(FakeTime(), store)
    token = await manager.get_token()
    assert await manager.invalidate("some-other-token") is False
    assert await manager.get_token() == token
    assert await manager.invalidate(token) is True
    assert await store.get(manager.key) is None
    assert await manager.get_token() == "tok-2"
    assert len(calls) == 2


async def test_store_is_shared_and_key_never_contains_secret() -> None:
    store = MemoryTokenStore()
    first, calls1 = make_manager(FakeTime(), store)
    await first.get_token()
    second, calls2 = make_manager(FakeTime(), store)
    assert await second.get_token() == "tok-1"
    assert (len(calls1), len(calls2)) == (1, 0)
    assert "s3cret" not in first.key
    assert "s3cret" not in repr(first)
    assert ManagementTokenManager.cache_key("h", "pool", "a") != first.key
