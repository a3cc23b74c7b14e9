"""Bulk import / export / delete against the emulator: safe re-runs, dry runs, faults."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from click.testing import CliRunner

from aioauthing import ManagementClient
from aioauthing.cli import main
from aioauthing.cli.demo import generate_users
from aioauthing.cli.users import import_users


def _env(pool: Any) -> dict[str, str]:
    return {
        "AUTHING_HOST": pool.host,
        "AUTHING_USERPOOL_ID": pool.user_pool_id,
        "AUTHING_USERPOOL_SECRET": pool.secret,
    }


def _client(pool: Any) -> ManagementClient:
    return ManagementClient(
        pool.user_pool_id, pool.secret, host=pool.host, public_key=pool.public_key
    )


def _pool_users(pool: Any) -> list[dict[str, Any]]:
    async def job() -> list[dict[str, Any]]:
        async with _client(pool) as mgmt:
            return [
                {"id": u.id, "username": u.username, "email": u.email, "ext": u.external_id}
                async for u in mgmt.users.iter_list(page_size=100)
            ]

    return anyio.run(job)


def _set_faults(pool: Any, spec: str, seed: int = 7) -> None:
    response = httpx.post(
        f"{pool.host}/__emulator__/faults",
        params={"pool": pool.user_pool_id},
        json={"spec": spec, "seed": seed},
        timeout=10,
    )
    response.raise_for_status()
    assert response.json()["spec"] == spec


def test_import_is_idempotent(authing_pool: Any, tmp_path: Path) -> None:
    source = tmp_path / "users.jsonl"
    generate_users(source, 40)
    runner = CliRunner()
    first = runner.invoke(main, ["users", "import", str(source)], env=_env(authing_pool))
    assert first.exit_code == 0, first.output
    stats = json.loads(first.stdout.strip().splitlines()[-1])
    assert (stats["created"], stats["skipped"], stats["failed"]) == (40, 0, 0)
    before = _pool_users(authing_pool)

    again = runner.invoke(main, ["users", "import", str(source)], env=_env(authing_pool))
    assert again.exit_code == 0, again.output
    stats = json.loads(again.stdout.strip().splitlines()[-1])
    assert (stats["created"], stats["skipped"], stats["failed"]) == (0, 40, 0)
    assert sorted(u["id"] for u in _pool_users(authing_pool)) == sorted(u["id"] for u in before)


def test_csv_import_export_search_delete(authing_pool: Any, tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    source.write_text(
        "username,email,phone_verified,custom.dept\n"
        "ann,ann@example.com,true,eng\n"
        "bob,bob@example.com,false,\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    env = _env(authing_pool)
    result = runner.invoke(main, ["users", "import", str(source), "--concurrency", "2"], env=env)
    assert result.exit_code == 0, result.output
    out = tmp_path / "export.csv"
    result = runner.invoke(main, ["users", "export", "--format", "csv", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,username,email") and len(lines) == 3
    result = runner.invoke(main, ["users", "search", "ann"], env=env)
    assert result.exit_code == 0 and "1 users" in result.stdout
    result = runner.invoke(main, ["users", "delete", "--from-file", str(source)], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "deleted": 2,
        "skipped": 0,
        "failed": 0,
    }
    assert _pool_users(authing_pool) == []


def test_dry_run_reports_line_numbers_and_sends_nothing(authing_pool: Any, tmp_path: Path) -> None:
    source = tmp_path / "users.jsonl"
    source.write_text(
        "\n".join(
            [
                json.dumps({"username": "ok1", "email": "ok1@example.com"}),
                json.dumps({"username": "x", "emial": "typo@example.com"}),
                json.dumps({"username": "y", "email": "not-an-email"}),
                json.dumps({"username": "z", "phone": "12"}),
                json.dumps({"username": "ok1"}),
                "{broken",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["users", "import", "--dry-run", str(source)], env=_env(authing_pool)
    )
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors == [
        "line 2: unknown column 'emial'",
        "line 3: malformed email 'not-an-email'",
        "line 4: malformed phone '12'",
        "line 5: duplicate row: username 'ok1' already on line 1",
        "line 6: invalid JSON: Expecting property name enclosed in double quotes",
    ]
    assert "nothing sent" in result.stdout
    assert _pool_users(authing_pool) == []


def test_unknown_csv_column_is_reported_once(tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    source.write_text("username,bogus\na,1\nb,2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["users", "import", "--dry-run", str(source)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["line 1: unknown column 'bogus' in the header"]


def test_resume_checkpoint(authing_pool: Any, tmp_path: Path) -> None:
    source = tmp_path / "users.jsonl"
    generate_users(source, 120)
    checkpoint = tmp_path / "ckpt.json"
    runner = CliRunner()
    env = _env(authing_pool)
    args = ["users", "import", str(source), "--resume", str(checkpoint)]
    assert runner.invoke(main, args, env=env).exit_code == 0
    assert json.loads(checkpoint.read_text())["next"] == 120
    again = runner.invoke(main, args, env=env)
    stats = json.loads(again.stdout.strip().splitlines()[-1])
    assert stats["resumed_from"] == 120 and stats["created"] == stats["skipped"] == 0


@pytest.mark.anyio
async def test_import_under_faults_loses_and_duplicates_nothing(
    authing_pool: Any, tmp_path: Path
) -> None:
    source = tmp_path / "users.jsonl"
    generate_users(source, 300)
    failures = tmp_path / "failures.jsonl"
    await anyio.to_thread.run_sync(
        _set_faults, authing_pool, "429=0.05,503=0.05,500=0.01,drop=0.01,lost=0.01"
    )
    async with _client(authing_pool) as mgmt:
        with failures.open("w", encoding="utf-8") as fh:
            stats = await import_users(mgmt, source, concurrency=16, failures=fh)
    await anyio.to_thread.run_sync(_set_faults, authing_pool, "")
    assert failures.read_text() == ""
    assert stats.failed == 0 and stats.created + stats.skipped == 300
    assert stats.retries > 0, "the fault spec should have forced some retries"
    users = await anyio.to_thread.run_sync(_pool_users, authing_pool)
    assert len(users) == 300
    expected = {f"ext-{i:05d}" for i in range(300)}
    assert {u["ext"] for u in users} == expected
