"""``aioauthing emulator exec -- CMD``, ``--import`` / ``--export-on-exit``, the banner and a quiet
stop, each through the real command in a child process."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

CLI = [sys.executable, "-c", "from aioauthing.cli import main; main()", "emulator"]
ENV_NAMES = (
    "AUTHING_HOST",
    "AUTHING_APP_ID",
    "AUTHING_APP_SECRET",
    "AUTHING_USERPOOL_ID",
    "AUTHING_USERPOOL_SECRET",
    "AUTHING_PUBLIC_KEY",
)

# The child reads only the environment (from_env()): it creates a user, reports what it saw
# and exits with a status the test chooses.
CHILD = textwrap.dedent(
    """
    import asyncio, json, os, sys
    from aioauthing import ManagementClient, models

    async def main():
        e = os.environ
        async with ManagementClient.from_env() as mgmt:  # reads the AUTHING_* variables
            if sys.argv[1] == "create":
                await mgmt.users.create(models.CreateUserInput(email="kept@example.com", password="pw123456"))
            found = await mgmt.users.find(email="kept@example.com")
        names = {k: bool(e.get(k)) for k in NAMES}
        print(json.dumps({"names": names, "found": found is not None, "host": e["AUTHING_HOST"]}))

    asyncio.run(main())
    sys.exit(int(sys.argv[2]))
    """
).replace("NAMES", repr(ENV_NAMES))


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path("src").resolve()), *sys.path])}


def _exec(tmp_path: Path, *options: str, args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    return subprocess.run(
        [*CLI, "exec", *options, "--", sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=False,
    )


def test_exec_runs_the_command_with_the_variables_and_round_trips_a_pool(tmp_path: Path) -> None:
    saved = tmp_path / "state.json"
    first = _exec(tmp_path, "--export-on-exit", str(saved), args=("create", "7"))
    assert first.returncode == 7, first.stderr  # the command's status is passed through
    seen = json.loads(first.stdout.strip().splitlines()[-1])
    assert seen["names"] == dict.fromkeys(ENV_NAMES, True) and seen["found"] is True
    assert seen["host"].startswith("http://127.0.0.1:") and not seen["host"].endswith(":8800")
    assert first.stderr.startswith(f"aioauthing emulator on {seen['host']} (pool ")
    assert f"web UI {seen['host']}/__emulator__/ui) for: {sys.executable}" in first.stderr
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    state: dict[str, Any] = json.loads(saved.read_text(encoding="utf-8"))
    emails = [u.get("email") for pool in state["pools"] for u in pool["users"]]
    assert emails == ["kept@example.com"]

    second = _exec(tmp_path, "--import", str(saved), args=("look", "0"))
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout.strip().splitlines()[-1])["found"] is True


def test_exec_refuses_what_it_cannot_run(tmp_path: Path) -> None:
    missing = subprocess.run(
        [*CLI, "exec", "--", "no-such-command-4711"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=False,
    )
    assert missing.returncode == 127
    assert missing.stderr.strip() == "Error: command not found: no-such-command-4711"
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 9}', encoding="utf-8")
    wrong = subprocess.run(
        [*CLI, "exec", "--import", str(bad), "--", "true"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=False,
    )
    assert wrong.returncode == 2 and "is not an emulator state export" in wrong.stderr
    assert "Traceback" not in wrong.stderr


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_exec_stops_the_command_and_still_exports(tmp_path: Path, stop: int) -> None:
    saved = tmp_path / "state.json"
    ready = tmp_path / "ready"
    script = tmp_path / "wait.py"
    script.write_text(
        "import pathlib, signal, sys, time\n"
        "signal.signal(signal.SIGINT, lambda *_: sys.exit(130))\n"
        f"pathlib.Path({str(ready)!r}).write_text('x')\ntime.sleep(60)\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [*CLI, "exec", "--export-on-exit", str(saved), "--", sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr
            time.sleep(0.05)
        proc.send_signal(stop)
        _, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()
    # Without a terminal the signal is passed on; CMD's status (death by SIGTERM: 143) comes back.
    assert proc.returncode == 128 + stop
    assert json.loads(saved.read_text(encoding="utf-8"))["version"] == 1
    assert "Traceback" not in stderr


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_foreground_banner_and_quiet_stop_with_export(tmp_path: Path, stop: int) -> None:
    saved = tmp_path / "state.json"
    proc = subprocess.Popen(
        [*CLI, "--port", "0", "--export-on-exit", str(saved)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert proc.stdout is not None
        settings = json.loads(proc.stdout.readline())
        httpx.post(
            f"{settings['host']}/__emulator__/codes", json={"fixed": "424242"}, timeout=10
        ).raise_for_status()
        proc.send_signal(stop)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert stdout == ""  # the settings line was alone on stdout
    lines = stderr.splitlines()
    assert lines[0] == f"aioauthing emulator listening on {settings['host']}"
    assert f"{settings['host']}/__emulator__/ui" in stderr and "Ctrl-C to stop" in stderr
    assert settings["user_pool_id"] in lines[1]
    assert "Traceback" not in stderr and "Aborted" not in stderr
    assert lines[-1] == f"state exported to {saved}"
    pools = json.loads(saved.read_text(encoding="utf-8"))["pools"]
    assert [p["fixed_code"] for p in pools] == ["424242"]


def test_demo_leaves_its_files_where_it_says(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from aioauthing.cli import main

    target = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--users", "20", "--dir", str(target)])
    assert result.exit_code == 0, result.output
    said = result.output.replace("\n", "")  # rich wraps long lines
    assert f"generated 20 users in {target / 'users.jsonl'}" in said
    assert f"exported 20 users to {target / 'export.jsonl'}" in said
    assert len((target / "export.jsonl").read_text(encoding="utf-8").splitlines()) == 20
    assert len((target / "users.jsonl").read_text(encoding="utf-8").splitlines()) == 20
