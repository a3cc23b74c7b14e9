"""The first hour at a terminal: the real ``aioauthing`` command in a subprocess.

Fail fast with one line (dead host, wrong secret, no scheme), ``--debug``, ``-h``, ``python -m
aioauthing``, ``users delete FILE`` with its prompt, ``users search --json``, ``--resume`` that
retries failed rows, strict CSV reading, ``emulator --print-env`` and the README's three lines.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio

from aioauthing import ManagementClient

README = Path(__file__).resolve().parents[2] / "README.md"


def _env(pool: Any | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTHING_", "PYTEST_"))}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    env["COLUMNS"] = "80"
    if pool is not None:
        env.update(pool.env())
    env.update(extra)
    return env


def cli(*args: str, pool: Any | None = None, stdin: str = "", **extra: str) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "aioauthing", *args],
        env=_env(pool, **extra),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run(*args: str, pool: Any | None = None, stdin: str = "") -> Any:
    """The same command in-process (click's runner): for the logic, where a terminal is moot."""
    from click.testing import CliRunner

    from aioauthing.cli import main

    env = pool.env() if pool is not None else {}
    result = CliRunner().invoke(main, list(args), env=env, input=stdin, catch_exceptions=False)
    result.returncode = result.exit_code
    return result


def _one_error_line(result: Any, *needles: str, code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _usernames(pool: Any) -> list[str]:
    async def job() -> list[str]:
        async with ManagementClient.from_env(pool.env()) as mgmt:
            return sorted([u.username async for u in mgmt.users.iter_list(page_size=100)])

    return anyio.run(job)


def _users_file(tmp_path: Path, count: int, name: str = "users.jsonl") -> Path:
    path = tmp_path / name
    rows = [
        json.dumps({"username": f"u{i:03d}", "email": f"u{i:03d}@x.test"}) for i in range(count)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# -- failing fast, in one line ------------------------------------------------------------------


def test_a_dead_host_stops_the_job_at_once_naming_the_host(tmp_path: Path) -> None:
    host = f"http://127.0.0.1:{_free_port()}"
    source = _users_file(tmp_path, 200)
    result = cli(
        "users", "import", str(source), "--host", host, "--user-pool-id", "p", "--secret", "s"
    )
    line = _one_error_line(result, f"cannot reach {host}", "ConnectError", code=2)
    assert f"{host}/graphql/v2" in line  # the transport error names the URL and the cause
    assert "0/200" not in result.stderr


def test_a_rejected_secret_is_one_line_and_debug_shows_the_traceback(authing_pool: Any) -> None:
    result = cli("users", "export", "--secret", "wrong", pool=authing_pool)
    line = _one_error_line(result, "rejected the user pool secret", "--secret", code=2)
    assert "wrong" not in line and authing_pool.secret not in result.stderr
    debug = cli("--debug", "users", "export", "--secret", "wrong", pool=authing_pool)
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_a_host_without_a_scheme_is_refused(authing_pool: Any) -> None:
    result = cli("users", "export", "--host", "127.0.0.1:41065", pool=authing_pool)
    _one_error_line(result, "--host", "needs a scheme", code=2)


def test_a_broken_checkpoint_and_a_missing_directory_are_one_line(
    authing_pool: Any, tmp_path: Path
) -> None:
    source = _users_file(tmp_path, 2)
    broken = tmp_path / "import.ckpt"
    broken.write_text("not json", encoding="utf-8")
    result = cli("users", "import", str(source), "--resume", str(broken), pool=authing_pool)
    _one_error_line(result, "is not a checkpoint written by", code=1)
    nowhere = tmp_path / "missing" / "failed.jsonl"
    result = run("users", "import", str(source), "--failures", str(nowhere), pool=authing_pool)
    assert result.exit_code == 1 and "No such file or directory" in result.output
    assert _usernames(authing_pool) == []


def test_emulator_mistakes_are_one_line() -> None:
    verbose = cli("emulator", "--port", "0", "--log-level", "verbose")
    _one_error_line(verbose, "'warning'", "'debug'", code=2)
    assert verbose.stdout == ""  # nothing printed before the refusal
    _one_error_line(cli("emulator", "--port", "99999"), "--port", code=2)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        _one_error_line(
            cli("emulator", "--port", port), f"cannot listen on 127.0.0.1:{port}", code=1
        )


def test_help_version_and_python_dash_m() -> None:
    helped = cli("users", "import", "-h")
    assert helped.returncode == 0 and "Usage: aioauthing users import" in helped.stdout
    version = cli("--version")
    assert version.returncode == 0 and re.match(r"aioauthing \d", version.stdout)


# -- delete and search --------------------------------------------------------------------------


def test_delete_takes_a_file_asks_first_and_has_a_dry_run(
    authing_pool: Any, tmp_path: Path
) -> None:
    source = _users_file(tmp_path, 5)
    assert run("users", "import", str(source), pool=authing_pool).returncode == 0
    targets = tmp_path / "gone.txt"
    targets.write_text("u000@x.test\nu001@x.test\nnobody@x.test\n", encoding="utf-8")

    refused = run("users", "delete", str(targets), pool=authing_pool, stdin="n\n")
    assert refused.returncode == 1 and "Delete up to 3 users" in refused.stderr
    assert "Aborted" in refused.stderr
    dry = run("users", "delete", str(targets), "--dry-run", pool=authing_pool)
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout.splitlines()[-1]) == {"found": 2, "skipped": 1, "failed": 0}
    assert len(_usernames(authing_pool)) == 5

    done = run("users", "delete", str(targets), pool=authing_pool, stdin="y\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == {"deleted": 2, "skipped": 1, "failed": 0}
    assert _usernames(authing_pool) == ["u002", "u003", "u004"]
    again = run("users", "delete", str(targets), "--yes", pool=authing_pool)
    assert json.loads(again.stdout.splitlines()[-1])["skipped"] == 3


def test_search_prints_full_ids_and_json(authing_pool: Any, tmp_path: Path) -> None:
    source = _users_file(tmp_path, 3)
    assert run("users", "import", str(source), pool=authing_pool).returncode == 0
    as_json = run("users", "search", "u00", "--json", pool=authing_pool)
    assert as_json.returncode == 0, as_json.stderr
    records = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert sorted(r["username"] for r in records) == ["u000", "u001", "u002"]
    table = run("users", "search", "u00", pool=authing_pool)
    assert table.returncode == 0
    for record in records:
        assert record["id"] in table.stdout  # whole, not cut with an ellipsis


# -- --resume retries failed rows ---------------------------------------------------------------


def _set_field(pool: Any, data_type: str) -> None:
    async def job() -> None:
        async with ManagementClient.from_env(pool.env()) as mgmt:
            await mgmt.udf.set("USER", "age", data_type, "Age")

    anyio.run(job)


def test_resume_sends_failed_rows_again_until_they_succeed(
    authing_pool: Any, tmp_path: Path
) -> None:
    source = tmp_path / "users.jsonl"
    rows = [
        {"username": f"r{i:02d}", "custom.age": "n/a" if i % 10 == 3 else str(i)} for i in range(30)
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    checkpoint = tmp_path / "import.ckpt"
    _set_field(authing_pool, "NUMBER")  # "n/a" is refused: rows 3, 13, 23 fail
    args = ("users", "import", str(source), "--resume", str(checkpoint))

    first = run(*args, pool=authing_pool)
    assert first.returncode == 2, first.stderr
    stats = json.loads(first.stdout.splitlines()[-1])
    assert (stats["created"], stats["failed"]) == (27, 3)

    second = run(*args, pool=authing_pool)  # still failing: counted again, still non-zero
    assert second.returncode == 2, second.stderr
    stats = json.loads(second.stdout.splitlines()[-1])
    assert (stats["resumed_from"], stats["retried_failures"], stats["failed"]) == (30, 3, 3)
    assert stats["created"] + stats["skipped"] == 0

    _set_field(authing_pool, "STRING")
    third = run(*args, pool=authing_pool)
    assert third.returncode == 0, third.stderr
    stats = json.loads(third.stdout.splitlines()[-1])
    assert (stats["retried_failures"], stats["failed"]) == (3, 0)
    assert stats["created"] + stats["skipped"] == 3
    fourth = run(*args, pool=authing_pool)
    stats = json.loads(fourth.stdout.splitlines()[-1])
    assert fourth.returncode == 0 and stats["retried_failures"] == stats["failed"] == 0
    assert _usernames(authing_pool) == [f"r{i:02d}" for i in range(30)]


# -- CSV reading --------------------------------------------------------------------------------


def test_csv_with_a_byte_order_mark_imports(authing_pool: Any, tmp_path: Path) -> None:
    source = tmp_path / "excel.csv"
    source.write_bytes("email,username\r\nann@x.test,ann\r\nbob@x.test,bob\r\n".encode("utf-8-sig"))
    result = run("users", "import", str(source), pool=authing_pool)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1])["created"] == 2


def test_a_stray_quote_is_reported_by_line_and_nothing_is_sent(
    authing_pool: Any, tmp_path: Path
) -> None:
    source = tmp_path / "quoted.csv"
    source.write_text('username,password\nann,"pa,ss\nbob,secret1\ncy,secret2\n', encoding="utf-8")
    result = run("users", "import", str(source), pool=authing_pool)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "line 2:" in result.stderr and "2-4" in result.stderr
    assert "nothing sent" in result.stdout
    assert _usernames(authing_pool) == []
    embedded = tmp_path / "embedded.csv"
    embedded.write_text('username,nickname\nann,"two\nlines"\nbob,b\n', encoding="utf-8")
    result = run("users", "import", str(embedded), "--dry-run", pool=authing_pool)
    assert result.returncode == 1 and "lines 2-3" in result.stderr


def test_an_empty_file_is_refused(authing_pool: Any, tmp_path: Path) -> None:
    for name, text in (("empty.csv", ""), ("header.csv", "username,email\n"), ("e.jsonl", "")):
        source = tmp_path / name
        source.write_text(text, encoding="utf-8")
        result = run("users", "import", str(source), pool=authing_pool)
        assert result.returncode == 1, (name, result.stderr)
        assert "holds no rows" in result.stderr


# -- one configuration vocabulary ---------------------------------------------------------------


def _readme_three_lines() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = text.split("emulator, environment, client in three lines:", 1)[1]
    code = block.split("```bash\n", 1)[1].split("```", 1)[0]
    lines = [line for line in code.splitlines() if line.strip()]
    assert len(lines) == 3 and "--print-env" in lines[0], lines
    return lines


def test_print_env_and_the_readme_three_lines(tmp_path: Path) -> None:
    lines = _readme_three_lines()
    serve = (
        lines[0]
        .replace("--port 8800", "--port 0")
        .replace("aioauthing ", "python3 -m aioauthing ", 1)
    )
    script = "\n".join(
        [
            "set -e",
            serve.replace("&", "& pid=$!", 1),
            "trap 'kill $pid' EXIT",
            lines[1],
            lines[2].replace("python3 ", f"{sys.executable} ", 1),
            f"{sys.executable} -c 'import asyncio, aioauthing\n"
            "async def main():\n"
            "    async with aioauthing.ManagementClient.from_env() as m:\n"
            '        print("users", (await m.users.list()).total_count)\n'
            "asyncio.run(main())'",
            'echo "app $AUTHING_APP_ID $AUTHING_APP_HOST"',
        ]
    )
    env = _env()
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout.splitlines()
    assert out[0].startswith("ManagementClient(user_pool_id=")
    assert out[1] == "users 0"
    exports = (tmp_path / "authing.env").read_text(encoding="utf-8")
    names = re.findall(r"^export (AUTHING_[A-Z_]+)=", exports, flags=re.M)
    assert names == [
        "AUTHING_HOST",
        "AUTHING_APP_HOST",
        "AUTHING_USERPOOL_ID",
        "AUTHING_USERPOOL_SECRET",
        "AUTHING_APP_ID",
        "AUTHING_APP_SECRET",
        "AUTHING_PUBLIC_KEY",
    ]
    host = re.search(r"^export AUTHING_HOST=(\S+)$", exports, flags=re.M)
    assert host is not None and out[2].endswith(host.group(1))
