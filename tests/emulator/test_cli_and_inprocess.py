"""The CLI settings line, the settings endpoint and the in-process app (asyncio and trio)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from aioauthing.emulator.transport import EmulatorTransport

from .conftest import ACCESS_TOKEN, IS_USER_EXISTS

KEYS = {"host", "user_pool_id", "secret", "app_id", "app_secret", "public_key"}


def test_cli_prints_one_settings_line_then_serves() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path("src").resolve()), *sys.path])}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from aioauthing.cli import main; main()",
            "emulator",
            "--port",
            "0",
            "--seed",
            "5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        settings = json.loads(proc.stdout.readline())
        assert set(settings) == KEYS
        assert settings["host"].startswith("http://127.0.0.1:")
        assert settings["public_key"].startswith("-----BEGIN PUBLIC KEY-----")
        served = httpx.get(f"{settings['host']}/__emulator__/settings", timeout=10).json()
        assert served == settings
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.anyio
async def test_in_process_app(authing_emulator_app: Any) -> None:
    transport = EmulatorTransport(authing_emulator_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
        settings = (await client.post("/__emulator__/pools", json={})).json()
        assert set(settings) == KEYS
        headers = {"x-authing-userpool-id": settings["user_pool_id"]}
        body = (
            await client.post(
                "/graphql/v2",
                json={
                    "query": ACCESS_TOKEN,
                    "variables": {
                        "userPoolId": settings["user_pool_id"],
                        "secret": settings["secret"],
                    },
                },
                headers=headers,
            )
        ).json()
        assert body["data"]["accessToken"]["accessToken"]
        await client.post(
            f"/__emulator__/faults?pool={settings['user_pool_id']}", json={"spec": "drop=1"}
        )
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post("/graphql/v2", json={"query": IS_USER_EXISTS}, headers=headers)
