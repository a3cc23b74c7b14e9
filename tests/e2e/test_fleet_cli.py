"""``aioauthing users import|export|delete --shard K/N --redis URL --rate-limit R``: real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from click.testing import CliRunner
from fleet_helpers import counters, quota_pool, user_count

from aioauthing.cli import main
from aioauthing.cli.demo import generate_users
from aioauthing.emulator.server import EmulatorServer

QUOTA = 60
USERS = 120


def _cli(pool: Any, *args: str, redis_url: str | None = None) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "AUTHING_HOST": pool.host,
        "AUTHING_USERPOOL_ID": pool.user_pool_id,
        "AUTHING_USERPOOL_SECRET": pool.secret,
    }
    if redis_url:
        env["AIOAUTHING_REDIS_URL"] = redis_url  # the environment variable, not the flag
    return subprocess.Popen(
        [sys.executable, "-m", "aioauthing.cli", "users", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _finish(procs: list[subprocess.Popen[str]]) -> list[dict[str, Any]]:
    try:
        outputs = [proc.communicate(timeout=90)[0] for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    assert [proc.returncode for proc in procs] == [0] * len(procs)
    return [json.loads(out.strip().splitlines()[-1]) for out in outputs]


def test_four_shards_import_one_file_under_a_shared_budget(
    fleet_redis: str, authing_emulator: EmulatorServer, tmp_path: Path
) -> None:
    pool = quota_pool(authing_emulator, f"quota={QUOTA}/s")
    source = tmp_path / "users.jsonl"
    generate_users(source, USERS)
    ckpt = tmp_path / "import.ckpt"
    procs = [
        _cli(
            pool,
            "import",
            str(source),
            "--shard",
            f"{k}/4",
            "--rate-limit",
            str(QUOTA),
            "--resume",
            str(ckpt),
            redis_url=fleet_redis,
        )
        for k in range(1, 5)
    ]
    summaries = _finish(procs)
    traffic = counters(pool)
    assert sum(s["created"] for s in summaries) == USERS
    assert all(s["created"] > 0 and s["failed"] == 0 for s in summaries)  # every shard worked
    assert anyio.run(user_count, pool) == USERS
    assert traffic["tokenRequests"] == 1  # one management token for the four processes
    # a few 429s from scheduling jitter on a busy machine; without the shared budget: ~30%
    assert traffic["throttled"] <= 0.05 * traffic["requests"]
    for k in range(1, 5):  # one checkpoint per shard, each at its shard's end
        assert json.loads((tmp_path / f"import.ckpt.shard{k}of4").read_text())["next"] > 0

    # the rest runs without the quota, to keep the test short
    httpx.post(
        f"{pool.host}/__emulator__/faults", params={"pool": pool.user_pool_id}, json={"spec": ""}
    ).raise_for_status()

    # export by page ranges: two shards write every user exactly once (in-process CLI runs)
    env = {
        "AUTHING_HOST": pool.host,
        "AUTHING_USERPOOL_ID": pool.user_pool_id,
        "AUTHING_USERPOOL_SECRET": pool.secret,
    }
    runner = CliRunner()
    emails: list[str] = []
    for k in (1, 2):
        out = tmp_path / f"export{k}.jsonl"
        args = ["users", "export", "--shard", f"{k}/2", "-o", str(out), "--no-custom-data"]
        result = runner.invoke(main, args, env=env)
        assert result.exit_code == 0, result.output
        emails += [json.loads(line)["email"] for line in out.read_text().splitlines()]
    assert len(emails) == USERS
    assert len(set(emails)) == USERS

    # delete, sharded by the same hash as the import
    deleted = 0
    for k in (1, 2, 3):
        args = ["users", "delete", str(source), "--yes", "--shard", f"{k}/3"]
        result = runner.invoke(main, [*args, "--redis", fleet_redis], env=env)
        assert result.exit_code == 0, result.output
        deleted += json.loads(result.stdout.strip().splitlines()[-1])["deleted"]
    assert deleted == USERS
    assert anyio.run(user_count, pool) == 0


@pytest.mark.parametrize("shard", ["0/4", "5/4", "x"])
def test_a_bad_shard_is_one_plain_line(shard: str, tmp_path: Path) -> None:
    source = tmp_path / "users.jsonl"
    generate_users(source, 1)
    result = CliRunner().invoke(
        main, ["users", "import", str(source), "--shard", shard, "--emulator"]
    )
    assert result.exit_code == 2
    assert "K/N" in result.output
