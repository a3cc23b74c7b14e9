"""LDAP / AD users configured at start: ``EmulatorConfig(directory=...)`` and the CLI's
``--directory FILE`` give every pool (default, created later, reset) the same directory."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from aioauthing import AuthenticationClient, InvalidCredentialsError
from aioauthing.emulator.config import EmulatorConfig
from aioauthing.emulator.directory_config import DirectoryUser, load_directory
from aioauthing.emulator.server import EmulatorServer

DIRECTORY = {
    "ldap": [{"username": "wen", "password": "ldap-pass-1", "profile": {"nickname": "Wen"}}],
    "ad": [{"username": "ivy", "password": "ad-pass-1"}],
}


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    users = (
        DirectoryUser(
            kind="ldap", username="wen", password="ldap-pass-1", profile={"nickname": "Wen"}
        ),
        DirectoryUser(kind="ad", username="ivy", password="ad-pass-1"),
    )
    with EmulatorServer(EmulatorConfig(directory=users)) as running:
        yield running


def _client(settings: dict[str, Any]) -> AuthenticationClient:
    return AuthenticationClient(
        settings["app_id"],
        host=settings["host"],
        user_pool_id=settings["user_pool_id"],
        public_key=settings["public_key"],
    )


async def _logins(settings: dict[str, Any]) -> tuple[Any, Any]:
    async with _client(settings) as auth:
        return await auth.login_by_ldap("wen", "ldap-pass-1"), await auth.login_by_ad(
            "ivy", "ad-pass-1"
        )


@pytest.mark.anyio
async def test_a_fresh_emulator_knows_the_configured_users(server: EmulatorServer) -> None:
    ldap, ad = await _logins(server.settings())
    assert ldap.username == "wen" and ldap.nickname == "Wen" and ldap.token
    assert ad.username == "ivy" and ad.token
    async with _client(server.settings()) as auth:
        with pytest.raises(InvalidCredentialsError):
            await auth.login_by_ldap("wen", "wrong-pass")
        with pytest.raises(InvalidCredentialsError):  # each kind is its own directory
            await auth.login_by_ad("wen", "ldap-pass-1")
        again = await auth.login_by_ldap("wen", "ldap-pass-1")
    assert again.id == ldap.id  # the first login created the account; later ones reuse it


@pytest.mark.anyio
async def test_new_and_reset_pools_get_the_directory_too(server: EmulatorServer) -> None:
    async with httpx.AsyncClient(base_url=f"{server.url}/__emulator__", timeout=10) as admin:
        created = (await admin.post("/pools", json={})).json()
        ldap, ad = await _logins(created)
        assert (ldap.username, ad.username) == ("wen", "ivy")
        only = {"pool": created["user_pool_id"]}
        assert (await admin.post("/reset", params=only, json={})).status_code == 200
        listed = (await admin.get("/directory", params=only)).json()["users"]
    assert {(u["kind"], u["username"], u["userId"]) for u in listed} == {
        ("ldap", "wen", None),
        ("ad", "ivy", None),
    }
    assert all("password" not in u for u in listed)


def test_directory_files_in_json_and_yaml(tmp_path: Path) -> None:
    as_json = tmp_path / "directory.json"
    as_json.write_text(json.dumps(DIRECTORY))
    as_yaml = tmp_path / "directory.yaml"
    as_yaml.write_text(
        "ldap:\n  - {username: wen, password: ldap-pass-1, profile: {nickname: Wen}}\n"
        "ad:\n  - {username: ivy, password: ad-pass-1}\n"
    )
    expected = (
        DirectoryUser(
            kind="ldap", username="wen", password="ldap-pass-1", profile={"nickname": "Wen"}
        ),
        DirectoryUser(kind="ad", username="ivy", password="ad-pass-1"),
    )
    assert load_directory(as_json) == expected
    assert load_directory(as_yaml) == expected
    assert "ldap-pass-1" not in repr(expected)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"ldap": [{"username": "wen"}]}', "needs a username and a password"),
        ('{"kerberos": []}', "maps 'ldap' and/or 'ad'"),
        ('{"ad": {"username": "ivy"}}', "must be a list"),
        ('["wen"]', "maps 'ldap' and/or 'ad'"),
        ("{not json", "cannot read directory file"),
    ],
)
def test_malformed_directory_files_are_refused(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "directory.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=reason):
        load_directory(path)


def _settings_line(proc: subprocess.Popen[str], within: float) -> dict[str, Any]:
    """The emulator's first stdout line (its settings), waited for up to ``within`` seconds."""
    assert proc.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=within)
    except queue.Empty:
        pytest.fail(f"the emulator printed no settings within {within:.0f} s")
    assert line, f"the emulator exited ({proc.poll()}) before printing its settings"
    settings: dict[str, Any] = json.loads(line)
    return settings


def test_cli_directory_option(tmp_path: Path) -> None:
    path = tmp_path / "directory.json"
    path.write_text(json.dumps(DIRECTORY))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path("src").resolve()), *sys.path])}
    command = [sys.executable, "-c", "from aioauthing.cli import main; main()", "emulator"]
    # Bounds are generous (a loaded 2-core machine starts a Python process ten times slower);
    # every wait ends as soon as its condition holds. The emulator's stderr is kept for failures.
    errors = tmp_path / "emulator.stderr"
    with errors.open("w") as stderr:
        proc = subprocess.Popen(
            [*command, "--port", "0", "--directory", str(path)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=env,
        )
    try:
        settings = _settings_line(proc, within=90)
        answer = httpx.post(
            f"{settings['host']}/api/v2/ad/verify-user",
            json={"username": "ivy", "password": "ad-pass-1"},
            headers={"x-authing-userpool-id": settings["user_pool_id"]},
            timeout=60,
        ).json()
        assert answer["code"] == 200 and answer["data"]["username"] == "ivy", errors.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    bad = tmp_path / "bad.json"
    bad.write_text('{"ldap": "wen"}')
    refused = subprocess.run(
        [*command, "--port", "0", "--directory", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
    )
    assert refused.returncode == 2 and "--directory" in refused.stderr


def test_pytest_plugin_reads_the_directory_file_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aioauthing.emulator.pytest_plugin import _config

    path = tmp_path / "directory.json"
    path.write_text(json.dumps(DIRECTORY))
    monkeypatch.setenv("AIOAUTHING_EMULATOR_DIRECTORY", str(path))
    assert tuple(_config().directory) == load_directory(path)
    monkeypatch.delenv("AIOAUTHING_EMULATOR_DIRECTORY")
    assert tuple(_config().directory) == ()
