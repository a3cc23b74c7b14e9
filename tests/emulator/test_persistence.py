"""``--data PATH``: acknowledged writes survive a restart and a kill -9."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from aioauthing.emulator.config import EmulatorConfig
from aioauthing.emulator.server import EmulatorServer
from aioauthing.emulator.settings import EmulatorSettings

from .conftest import Wire, new_pool


def test_state_survives_restart(tmp_path: Path) -> None:
    data = tmp_path / "emu.sqlite"
    with httpx.Client(timeout=10) as client:
        with EmulatorServer(EmulatorConfig(data_path=data)) as server:
            wire = new_pool(server, client)
            user = wire.create_user(email="keep@example.com", password="pw")
            token = wire.login_by_email("keep@example.com", "pw")["data"]["loginByEmail"]["token"]
            wire.rest("POST", "/api/v2/sms/send", json={"phone": "13700000000"})
            default = server.settings()
        with EmulatorServer(EmulatorConfig(data_path=data)) as server:
            settings = dataclasses.replace(wire.settings, host=server.url)
            again = Wire(settings, client)
            assert server.settings()["user_pool_id"] == default["user_pool_id"]
            assert server.settings()["public_key"] == default["public_key"]
            me = again.rest("GET", "/api/v2/users/me", token=token)  # same signing key
            assert me["data"]["id"] == user["id"]
            login = again.login_by_email("keep@example.com", "pw")["data"]["loginByEmail"]
            assert login["loginsCount"] == 2
            assert len(again.admin("GET", "/outbox")["messages"]) == 1
            # ids continue instead of repeating
            other = again.create_user(email="next@example.com")
            assert other["id"] != user["id"]


def _start_cli(data: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path("src").resolve()), *sys.path])}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from aioauthing.cli import main; main()",
            "emulator",
            "--port",
            "0",
            "--data",
            str(data),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, json.loads(line)


def test_kill_9_loses_nothing_acknowledged(tmp_path: Path) -> None:
    data = tmp_path / "emu.sqlite"
    proc, settings = _start_cli(data)
    try:
        with httpx.Client(timeout=10) as client:
            wire = Wire(EmulatorSettings.from_dict(settings), client)
            ids = [wire.create_user(email=f"u{n}@example.com")["id"] for n in range(5)]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    proc, settings2 = _start_cli(data)
    try:
        assert settings2["user_pool_id"] == settings["user_pool_id"]
        assert settings2["secret"] == settings["secret"]
        with httpx.Client(timeout=10) as client:
            wire = Wire(EmulatorSettings.from_dict(settings2), client)
            for user_id in ids:
                body = wire.gql(
                    "query user($id: String) { user(id: $id) { id email } }",
                    {"id": user_id},
                    token=wire.management_token(),
                )
                assert body["data"]["user"]["id"] == user_id
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
