"""``--fixed-code`` / ``EmulatorConfig.fixed_code``: every verification code is that value, in
every pool, including pools created later; without it codes differ from message to message."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest

from aioauthing.emulator.app import create_app
from aioauthing.emulator.config import EmulatorConfig
from aioauthing.emulator.transport import EmulatorTransport


async def _codes(config: EmulatorConfig) -> list[str]:
    app = create_app(config)
    async with httpx.AsyncClient(
        transport=EmulatorTransport(app), base_url="http://emulator"
    ) as client:
        fresh = (await client.post("/__emulator__/pools", json={})).json()
        codes: list[str] = []
        for pool in (app.state.emulator.settings("http://emulator"), fresh):
            headers = {"x-authing-userpool-id": pool["user_pool_id"]}
            for phone in ("13800000001", "13800000002"):
                answer: dict[str, Any] = (
                    await client.post("/api/v2/sms/send", json={"phone": phone}, headers=headers)
                ).json()
                assert answer["code"] == 200, answer
            outbox = await client.get("/__emulator__/outbox", params={"pool": pool["user_pool_id"]})
            codes += [m["code"] for m in outbox.json()["messages"]]
    return codes


@pytest.mark.parametrize("fixed", ["424242", None])
def test_fixed_code_applies_to_every_pool(fixed: str | None) -> None:
    codes = anyio.run(_codes, EmulatorConfig(fixed_code=fixed, seed=3))
    assert len(codes) == 4
    if fixed:
        assert set(codes) == {fixed}
    else:
        assert len(set(codes)) > 1
