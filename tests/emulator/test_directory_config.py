"""LDAP / AD users configured at start: ``EmulatorConfig(directory=...)`` and the CLI's
``--directory FILE`` give every pool (default, created later, reset) the same directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


def test_cli_directory_option(tmp_path: Path) -> None:
    path = tmp_path / "directory.json"
    path.write_text(json.dumps(DIRECTORY))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path("src").resolve()), *sys.path])}
    command = [sys.executable, "-c", "from aioauthing.cli import main; main()", "emulator"]
    proc = subprocess.Popen(
        [*command, "--port", "0", "--directory", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        settings = json.loads(proc.stdout.readline())
        answer = httpx.post(
            f"{settings['host']}/api/v2/ad/verify-user",
            json={"username": "ivy", "password": "ad-pass-1"},
            headers={"x-authing-userpool-id": settings["user_pool_id"]},
            timeout=10,
        ).json()
        assert answer["code"] == 200 and answer["data"]["username"] == "ivy"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    bad = tmp_path / "bad.json"
    bad.write_text('{"ldap": "wen"}')
    refused = subprocess.run(
        [*command, "--port", "0", "--directory", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
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
