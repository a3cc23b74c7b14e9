"""``aioauthing users import|export|delete --shard K/N --redis URL --rate-limit R``: real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from click.testing import CliRunner
from fleet_helpers import counters, quota_pool, user_count

from aioauthing.cli import exporter, main
from aioauthing.cli.demo import generate_users
from aioauthing.emulator.server import EmulatorServer

QUOTA = 150
USERS = 2000


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
        outputs = [proc.communicate(timeout=240)[0] for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    assert [proc.returncode for proc in procs] == [0] * len(procs)
    return [json.loads(out.strip().splitlines()[-1]) for out in outputs]


@pytest.mark.slow
def test_done_when_four_shards_import_2000_users_under_a_150_per_second_quota(
    fleet_redis: str, authing_emulator: EmulatorServer, tmp_path: Path
) -> None:
    """Issue 18's done-when run (the counts; the share of the quota is ``bench fleet``'s)."""
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
    assert anyio.run(user_count, pool) == USERS  # exactly: nobody missing, nobody twice
    assert traffic["tokenRequests"] == 1  # one management token for the four cold processes
    assert traffic["throttled"] < 0.02 * traffic["requests"]  # without the shared budget: ~30%
    for k in range(1, 5):  # one checkpoint per shard, each at its shard's end
        assert json.loads((tmp_path / f"import.ckpt.shard{k}of4").read_text())["next"] > 0


def test_export_by_page_ranges_and_delete_by_hash(
    fleet_redis: str,
    authing_emulator: EmulatorServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In-process CLI runs on a small pool: the shards of export and delete cover every user
    exactly once (the processes and the quota are the done-when test's)."""
    users = 24
    pool = quota_pool(authing_emulator, "")
    source = tmp_path / "users.jsonl"
    generate_users(source, users)
    env = {
        "AUTHING_HOST": pool.host,
        "AUTHING_USERPOOL_ID": pool.user_pool_id,
        "AUTHING_USERPOOL_SECRET": pool.secret,
    }
    monkeypatch.setattr(exporter, "PAGE_SIZE", 10)  # three pages: shard 1/2 gets one, 2/2 two
    runner = CliRunner()
    result = runner.invoke(main, ["users", "import", str(source)], env=env)
    assert result.exit_code == 0, result.output
    emails: list[str] = []
    for k in (1, 2):  # export by page ranges
        out = tmp_path / f"export{k}.jsonl"
        args = ["users", "export", "--shard", f"{k}/2", "-o", str(out), "--no-custom-data"]
        result = runner.invoke(main, args, env=env)
        assert result.exit_code == 0, result.output
        emails += [json.loads(line)["email"] for line in out.read_text().splitlines()]
    assert sorted(emails) == [f"demo{i:05d}@example.com" for i in range(users)]

    deleted = []
    for k in (1, 2, 3):  # delete, sharded by the same hash as the import
        args = ["users", "delete", str(source), "--yes", "--shard", f"{k}/3"]
        result = runner.invoke(main, [*args, "--redis", fleet_redis], env=env)
        assert result.exit_code == 0, result.output
        deleted.append(json.loads(result.stdout.strip().splitlines()[-1])["deleted"])
    assert sum(deleted) == users
    assert all(count > 0 for count in deleted)
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
