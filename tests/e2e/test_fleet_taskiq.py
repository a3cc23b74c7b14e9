"""The Taskiq recipe: two real ``taskiq worker`` processes import one file under a shared budget."""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fleet_helpers import counters, quota_pool, user_count

from aioauthing import ManagementClient
from aioauthing.cli.demo import generate_users
from aioauthing.emulator.server import EmulatorServer

pytest.importorskip("taskiq_redis")
pytestmark = pytest.mark.anyio

QUOTA = 150
"""The done-when quota (the pool's, and the workers' shared budget)."""
WORKER = (sys.executable, "-m", "taskiq", "worker", "jobs:broker")
USERS = 2000
"""The done-when file: the same 2,000 rows as the four shard processes import."""
RERUN = 100
JOBS = """
import os

from taskiq_redis import ListQueueBroker, RedisAsyncResultBackend

from aioauthing.bulk.taskiq import bulk_tasks

URL = os.environ["AIOAUTHING_REDIS_URL"]
# socket_timeout=None: the worker's blocking read of the queue must not time out (redis-py 8
# waits 5 s by default; the worker then dies with the chunks it had taken)
broker = ListQueueBroker(
    URL, queue_name=os.environ["JOBS_QUEUE"], socket_timeout=None
).with_result_backend(RedisAsyncResultBackend(URL))
tasks = bulk_tasks(broker)
"""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def recipe(
    fleet_redis: str,
    authing_emulator: EmulatorServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Any]:
    """A quota'd pool and two ``taskiq worker jobs:broker`` processes serving it."""
    pool = quota_pool(authing_emulator, f"quota={QUOTA}/s")
    (tmp_path / "jobs.py").write_text(JOBS)
    env = {
        "AUTHING_HOST": pool.host,
        "AUTHING_USERPOOL_ID": pool.user_pool_id,
        "AUTHING_USERPOOL_SECRET": pool.secret,
        "AIOAUTHING_REDIS_URL": fleet_redis,
        "AIOAUTHING_RATE_LIMIT": str(QUOTA),
        "JOBS_QUEUE": f"jobs-{pool.user_pool_id}",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    child_env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    workers = [
        subprocess.Popen(
            [*WORKER, "--workers", "1", "--shutdown-timeout", "1"],
            env=child_env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # the worker and its child process: one group to stop
        )
        for _ in range(2)
    ]
    try:
        yield pool
    finally:
        for worker in workers:  # nothing to save: stop at once, children included
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGKILL)
        for worker in workers:
            worker.wait(timeout=30)


@pytest.mark.slow
async def test_two_workers_import_2000_users_then_update_delete_and_a_rerun_duplicates_nobody(
    recipe: Any, tmp_path: Path
) -> None:
    pool = recipe
    spec = importlib.util.spec_from_file_location("fleet_jobs", tmp_path / "jobs.py")
    assert spec is not None and spec.loader is not None
    jobs: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(jobs)
    source = tmp_path / "users.jsonl"
    generate_users(source, USERS)
    head = tmp_path / "head.jsonl"  # the first rows again: a re-run (of part of the file)
    with source.open() as rows:
        head.write_text("".join(itertools.islice(rows, RERUN)))
    await jobs.broker.startup()
    try:
        handles = await jobs.tasks.enqueue_file(source, chunk_size=100)
        results = [(await h.wait_result(timeout=240)).return_value for h in handles]
        traffic = counters(pool)
        again = await jobs.tasks.enqueue_file(head, chunk_size=30)
        rerun = [(await h.wait_result(timeout=120)).return_value for h in again]
        renamed = await jobs.tasks.update_rows.kiq(
            [{"email": "demo00000@example.com", "nickname": "Renamed"}]
        )
        updated = (await renamed.wait_result(timeout=120)).return_value
        gone = await jobs.tasks.delete_rows.kiq(
            [{"externalId": "ext-00001"}, {"email": "nobody@example.com"}]
        )
        deleted = (await gone.wait_result(timeout=120)).return_value
    finally:
        await jobs.broker.shutdown()
    assert sum(r.get("created", 0) for r in results) == USERS
    assert not any(r.get("failed") for r in results + rerun)
    assert len({r["worker"] for r in results}) == 2  # both workers took chunks
    assert sum(r.get("created", 0) for r in rerun) == 0  # a re-run creates nobody
    assert sum(r.get("skipped", 0) for r in rerun) == RERUN
    assert traffic["tokenRequests"] == 1  # one management token for both workers
    assert traffic["throttled"] < 0.02 * traffic["requests"]  # the shared budget
    assert (updated["updated"], deleted["deleted"], deleted["skipped"]) == (1, 1, 1)
    assert await user_count(pool) == USERS - 1
    async with ManagementClient(
        pool.user_pool_id, pool.secret, host=pool.host, public_key=pool.public_key
    ) as mgmt:
        user = await mgmt.users.find(email="demo00000@example.com")
    assert user is not None and user.nickname == "Renamed"
