"""Bulk import / export / delete against the emulator: safe re-runs, dry runs, faults."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from click.testing import CliRunner

from aioauthing import ManagementClient
from aioauthing.cli import main
from aioauthing.cli.demo import generate_users
from aioauthing.cli.importer import InvalidFileError, read_checkpoint
from aioauthing.cli.users import import_users
from aioauthing.runtime.crypto import DEFAULT_PUBLIC_KEY


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


@pytest.fixture
def other_pool(authing_emulator: Any) -> Any:
    """A second fresh pool on the same emulator (the destination of a round trip)."""
    from aioauthing.emulator.settings import EmulatorSettings

    response = httpx.post(f"{authing_emulator.url}/__emulator__/pools", json={}, timeout=10)
    response.raise_for_status()
    return EmulatorSettings.from_dict(response.json())


def _custom_data(pool: Any) -> dict[str, dict[str, str]]:
    """Every user's custom data, by username."""

    async def job() -> dict[str, dict[str, str]]:
        async with _client(pool) as mgmt:
            users = [u async for u in mgmt.users.iter_list(page_size=100)]
            maps = await mgmt.users.get_udf_value_batch([u.id for u in users]) if users else []
            by_id = {m.target_id: {d.key: d.value for d in m.data} for m in maps}
            return {u.username: by_id.get(u.id, {}) for u in users}

    return anyio.run(job)


def _last_json(output: str) -> Any:
    return json.loads(output.strip().splitlines()[-1])


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
    result = runner.invoke(main, ["users", "delete", str(source), "--yes"], env=env)
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


def test_map_option_renames_columns(tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    source.write_text("Login,Mail,Notes\nann,ann@example.com,x\n", encoding="utf-8")
    args = ["users", "import", "--dry-run", str(source), "--map", "Login=username"]
    result = CliRunner().invoke(main, [*args, "--map", "Mail=email"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["line 1: unknown column 'Notes' in the header"]
    result = CliRunner().invoke(main, [*args, "--map", "Mail=email", "--map", "Notes="])
    assert result.exit_code == 0, result.output
    assert "1 rows checked, 0 problems" in result.stdout
    result = CliRunner().invoke(main, [*args, "--map", "oops"])
    assert result.exit_code == 2 and "COLUMN=FIELD" in result.output


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


def test_a_bad_file_is_refused_before_any_request(authing_pool: Any, tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    source.write_text(
        "username,email\nann,ann@example.com\nbob,bob-at-example.com\nann,x@example.com\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["users", "import", str(source)], env=_env(authing_pool))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "line 3: malformed email 'bob-at-example.com'",
        "line 4: duplicate row: username 'ann' already on line 2",
    ]
    assert "nothing sent" in result.stdout
    assert _pool_users(authing_pool) == []  # not even the good first row


@pytest.mark.anyio
async def test_library_import_checks_the_file_first(authing_pool: Any, tmp_path: Path) -> None:
    source = tmp_path / "users.jsonl"
    source.write_text('{"username": "ok"}\n{"usrename": "typo"}\n', encoding="utf-8")
    async with _client(authing_pool) as mgmt:
        with pytest.raises(InvalidFileError) as caught:
            await import_users(mgmt, source)
        assert caught.value.total == 1
        assert str(caught.value.problems[0]) == "line 2: unknown column 'usrename'"
        assert (await mgmt.users.list()).total_count == 0


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_imports_back_into_a_fresh_pool(
    authing_pool: Any, other_pool: Any, tmp_path: Path, fmt: str
) -> None:
    """Export -> import elsewhere: the same users (matched by identity) with their custom data.

    The export's ``id`` column is accepted and ignored: the destination pool assigns new ids.
    """
    source = tmp_path / "users.csv"
    source.write_text(
        "username,email,phone,externalId,nickname,emailVerified,custom.dept,custom.level\n"
        "ann,ann@example.com,+8613800000001,e-1,Ann,true,eng,3\n"
        "bob,bob@example.com,,e-2,Bob,false,ops,\n"
        "cy,,+8613800000003,,,,,7\n",
        encoding="utf-8",
    )

    async def define_fields(pool: Any) -> None:
        async with _client(pool) as mgmt:
            await mgmt.udf.set("USER", "dept", "STRING", "Department")
            await mgmt.udf.set("USER", "level", "STRING", "Level")

    anyio.run(define_fields, authing_pool)
    runner = CliRunner()
    result = runner.invoke(main, ["users", "import", str(source)], env=_env(authing_pool))
    assert result.exit_code == 0, result.output
    exported = tmp_path / f"export.{fmt}"
    result = runner.invoke(
        main, ["users", "export", "--format", fmt, "-o", str(exported)], env=_env(authing_pool)
    )
    assert result.exit_code == 0, result.output
    text = exported.read_text(encoding="utf-8")
    assert ("id" in text.splitlines()[0].split(",")) if fmt == "csv" else '"id":' in text

    anyio.run(define_fields, other_pool)
    result = runner.invoke(main, ["users", "import", str(exported)], env=_env(other_pool))
    assert result.exit_code == 0, result.output
    assert _last_json(result.stdout)["created"] == 3

    def profile(pool: Any) -> dict[str, tuple[Any, ...]]:
        async def job() -> dict[str, tuple[Any, ...]]:
            async with _client(pool) as mgmt:
                return {
                    u.username: (
                        u.id,
                        u.email,
                        u.phone,
                        u.external_id,
                        u.nickname,
                        u.email_verified,
                    )
                    async for u in mgmt.users.iter_list(page_size=100)
                }

        return anyio.run(job)

    before, after = profile(authing_pool), profile(other_pool)
    assert set(before) == set(after) == {"ann", "bob", "cy"}
    for name in before:
        assert before[name][1:] == after[name][1:]
        assert before[name][0] != after[name][0]  # new ids in the new pool
    assert _custom_data(other_pool) == _custom_data(authing_pool)
    assert _custom_data(other_pool) == {
        "ann": {"dept": "eng", "level": "3"},
        "bob": {"dept": "ops"},
        "cy": {"level": "7"},
    }


def test_csv_export_keeps_custom_values_without_a_field(
    authing_pool: Any, other_pool: Any, tmp_path: Path
) -> None:
    """Keys without a user-defined field are columns too; ``-o x.csv`` alone writes CSV."""
    source = tmp_path / "users.jsonl"
    source.write_text(
        '{"username": "ann", "custom.undeclared": "x"}\n{"username": "bob", "custom.b": "y"}\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    env = _env(authing_pool)
    assert runner.invoke(main, ["users", "import", str(source)], env=env).exit_code == 0
    out = tmp_path / "out.csv"
    result = runner.invoke(main, ["users", "export", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[0] == "id" and header[-2:] == ["custom.b", "custom.undeclared"]
    result = runner.invoke(main, ["users", "import", str(out)], env=_env(other_pool))
    assert result.exit_code == 0, result.output
    assert _custom_data(other_pool) == {"ann": {"undeclared": "x"}, "bob": {"b": "y"}}
    jsonl = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["users", "export", "-o", str(jsonl)], env=env)
    records = {r["username"]: r for r in map(json.loads, jsonl.read_text().splitlines())}
    assert records["ann"]["custom.undeclared"] == "x"


def test_connection_flags_on_the_subcommand(authing_pool: Any, tmp_path: Path) -> None:
    source = tmp_path / "users.jsonl"
    generate_users(source, 3)
    flags = [
        "--host",
        authing_pool.host,
        "--user-pool-id",
        authing_pool.user_pool_id,
        "--secret",
        authing_pool.secret,
    ]
    result = CliRunner().invoke(main, ["users", "import", str(source), *flags])
    assert result.exit_code == 0, result.output
    assert len(_pool_users(authing_pool)) == 3
    result = CliRunner().invoke(main, ["users", "import", str(source)])
    assert result.exit_code == 2 and "AUTHING_HOST" in result.output


def test_delete_from_a_plain_list_of_ids_and_emails(authing_pool: Any, tmp_path: Path) -> None:
    source = tmp_path / "users.jsonl"
    generate_users(source, 4)
    runner = CliRunner()
    env = _env(authing_pool)
    assert runner.invoke(main, ["users", "import", str(source)], env=env).exit_code == 0
    by_name = {u["username"]: u["id"] for u in _pool_users(authing_pool)}
    targets = tmp_path / "targets.txt"
    targets.write_text(
        f"{by_name['demo00000']}\ndemo00001@example.com\nnobody@example.com\n", encoding="utf-8"
    )
    result = runner.invoke(main, ["users", "delete", str(targets), "--yes"], env=env)
    assert result.exit_code == 0, result.output
    assert _last_json(result.stdout) == {"deleted": 2, "skipped": 1, "failed": 0}
    assert sorted(u["username"] for u in _pool_users(authing_pool)) == ["demo00002", "demo00003"]


@pytest.mark.anyio
async def test_cancelled_import_resumes_without_loss_or_duplicates(
    authing_pool: Any, tmp_path: Path
) -> None:
    source = tmp_path / "users.jsonl"
    generate_users(source, 200)
    checkpoint = tmp_path / "ckpt.json"
    async with _client(authing_pool) as mgmt:
        received = 0
        with anyio.CancelScope() as scope:

            def stop_after_75(result: Any) -> None:
                nonlocal received
                received += 1
                if received == 75:
                    scope.cancel()

            await import_users(
                mgmt, source, concurrency=8, resume=checkpoint, on_progress=stop_after_75
            )
        assert scope.cancelled_caught
        done = read_checkpoint(checkpoint, source)  # written on the way out
        assert 0 < done <= received < 200
        stats = await import_users(mgmt, source, concurrency=8, resume=checkpoint)
    assert stats.resumed_from == done
    assert stats.failed == 0 and stats.created + stats.skipped == 200 - done
    assert stats.created <= 200 - received  # rows finished before the cancel are skipped now
    users = await anyio.to_thread.run_sync(_pool_users, authing_pool)
    assert sorted(u["ext"] for u in users) == [f"ext-{i:05d}" for i in range(200)]


@pytest.mark.anyio
async def test_heavy_lost_answers_twice_give_the_same_pool(
    authing_pool: Any, tmp_path: Path
) -> None:
    """5% of creates applied but never answered (plus 503s and drops): still exactly N users."""
    source = tmp_path / "users.jsonl"
    generate_users(source, 200)
    faults = "lost=0.05,503=0.05,drop=0.05"
    async with _client(authing_pool) as mgmt:
        await anyio.to_thread.run_sync(_set_faults, authing_pool, faults)
        first = await import_users(mgmt, source, concurrency=16)
        # The check reads the pool without faults: a page read failing its 3 attempts under 15%
        # faults (~0.3% a page) is the read's bad luck, not something the import did.
        await anyio.to_thread.run_sync(_set_faults, authing_pool, "")
        after_first = await anyio.to_thread.run_sync(_pool_users, authing_pool)
        await anyio.to_thread.run_sync(_set_faults, authing_pool, faults)
        second = await import_users(mgmt, source, concurrency=16)
    await anyio.to_thread.run_sync(_set_faults, authing_pool, "")
    assert first.failed == second.failed == 0
    assert first.created + first.skipped == 200 and first.retries > 0 and first.recovered > 0
    # nothing new: the only "created" rows of the re-run are lost answers found in the pool
    assert second.created == second.recovered and second.created + second.skipped == 200
    after_second = await anyio.to_thread.run_sync(_pool_users, authing_pool)
    assert sorted(u["ext"] for u in after_first) == [f"ext-{i:05d}" for i in range(200)]
    assert sorted(u["id"] for u in after_second) == sorted(u["id"] for u in after_first)


def test_ctrl_c_stops_cleanly_and_resume_finishes_the_job(
    authing_pool: Any, tmp_path: Path
) -> None:
    # 600 rows: the first checkpoint comes at 50, and Ctrl-C follows it within one 0.05 s poll,
    # long before the other 550 rows are done; more rows only cost suite time.
    ROWS = 600
    source = tmp_path / "users.jsonl"
    generate_users(source, ROWS)
    checkpoint = tmp_path / "ckpt.json"
    args = [sys.executable, "-m", "aioauthing.cli", "users", "import", str(source)]
    args += ["--resume", str(checkpoint), "--concurrency", "4"]
    env = {**os.environ, **_env(authing_pool), "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    while not checkpoint.exists() and proc.poll() is None:  # first checkpoint: 50 rows done
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    if proc.returncode == 0:  # pragma: no cover - finished before the signal arrived
        pytest.skip("the import finished before Ctrl-C")
    assert proc.returncode == 130, stderr
    assert f"run again with --resume {checkpoint}" in stderr
    assert "Traceback" not in stderr and stdout == ""
    done = json.loads(checkpoint.read_text())["next"]
    assert 50 <= done < ROWS
    result = CliRunner().invoke(
        main, ["users", "import", str(source), "--resume", str(checkpoint)], env=_env(authing_pool)
    )
    assert result.exit_code == 0, result.output
    stats = _last_json(result.stdout)
    assert stats["resumed_from"] == done and stats["created"] + stats["skipped"] == ROWS - done
    users = _pool_users(authing_pool)
    assert sorted(u["ext"] for u in users) == [f"ext-{i:05d}" for i in range(ROWS)]


def test_failed_rows_go_to_the_failures_file_with_passwords_masked(
    authing_pool: Any, tmp_path: Path
) -> None:
    """With another key than the emulator's the passwords cannot be decrypted: those rows fail."""
    source = tmp_path / "users.csv"
    source.write_text(
        "username,password\nann,Secret-pw-1\nbob,\n",
        encoding="utf-8",
    )
    failures = tmp_path / "failed.jsonl"
    args = ["users", "import", str(source), "--failures", str(failures)]
    env = {**_env(authing_pool), "AUTHING_PUBLIC_KEY": DEFAULT_PUBLIC_KEY}
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 2, result.output
    assert (_last_json(result.stdout)["created"], _last_json(result.stdout)["failed"]) == (1, 1)
    [failed] = [json.loads(line) for line in failures.read_text().splitlines()]
    assert failed["line"] == 2 and failed["row"] == {"username": "ann", "password": "***"}
    assert failed["error"].startswith("InvalidInputError: [2016]")
    assert "Secret-pw-1" not in failures.read_text() + result.output

    key = tmp_path / "key.pem"
    key.write_text(authing_pool.public_key, encoding="utf-8")
    result = CliRunner().invoke(main, [*args, "--public-key", str(key)], env=_env(authing_pool))
    assert result.exit_code == 0, result.output
    assert _last_json(result.stdout)["created"] == 1 and failures.read_text() == ""


@pytest.mark.anyio
async def test_a_checked_file_is_sent_from_the_check_without_a_second_read(
    authing_pool: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within KEEP_ROWS the rows the check parsed are sent; past it the file is read again."""
    from aioauthing.cli import importer, rows

    source = tmp_path / "users.jsonl"
    generate_users(source, 6)
    reads: list[Path] = []
    real = importer.parse_rows

    def counted(path: Path, **kwargs: Any) -> Any:
        reads.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(importer, "parse_rows", counted)
    async with _client(authing_pool) as mgmt:
        first = await import_users(mgmt, source, concurrency=4)
        assert (first.created, first.failed, reads) == (6, 0, [])
        monkeypatch.setattr(rows, "KEEP_ROWS", 5)
        second = await import_users(mgmt, source, concurrency=4)
    assert (second.skipped, second.failed, reads) == (6, 0, [source])
