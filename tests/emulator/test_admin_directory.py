"""``/__emulator__/directory`` lists the pool's LDAP/AD users and nothing else."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_directory_lists_only_ldap_and_ad_users(
    authing_pool: Any, authing_management_client: Any
) -> None:
    await authing_management_client.groups.create("staff", "Staff")  # a management record
    url = f"{authing_pool.host}/__emulator__/directory"
    params = {"pool": authing_pool.user_pool_id}
    async with httpx.AsyncClient() as http:
        for kind, name in (("ldap", "lin"), ("ad", "adam")):
            response = await http.post(
                url, params=params, json={"kind": kind, "username": name, "password": "pw-12345"}
            )
            assert response.status_code == 200, response.text
        users = (await http.get(url, params=params)).json()["users"]
    assert sorted((u["kind"], u["username"]) for u in users) == [("ad", "adam"), ("ldap", "lin")]
    assert all("password" not in u for u in users)
