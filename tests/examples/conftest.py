"""Fixtures for the example apps: a fresh emulator pool with an admin and a plain user."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from aioauthing import ManagementClient, models
from aioauthing.emulator.settings import EmulatorSettings
from aioauthing.integrations import AuthingSettings

PASSWORD = "Passw0rd!example"


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(authing_pool: EmulatorSettings) -> AuthingSettings:
    """The example apps' settings for the test's pool; ``iss`` is checked too."""
    return AuthingSettings.from_mapping(
        {
            "host": authing_pool.host,
            "app_id": authing_pool.app_id,
            "user_pool_id": authing_pool.user_pool_id,
            "app_secret": authing_pool.app_secret,
            "secret": authing_pool.secret,
            "public_key": authing_pool.public_key,
        },
        issuer=f"{authing_pool.host}/oidc",
    )


@attrs.frozen
class People:
    admin_email: str
    user_email: str
    admin_id: str
    user_id: str


@pytest.fixture
async def people(authing_management_client: ManagementClient) -> People:
    """``admin@example.test`` holds the ``admin`` role; ``user@example.test`` holds none."""
    mgmt = authing_management_client
    created: dict[str, Any] = {}
    for name in ("admin", "user"):
        user = await mgmt.users.create(
            models.CreateUserInput(email=f"{name}@example.test", password=PASSWORD)
        )
        created[name] = user.id
    await mgmt.roles.create("admin", description="may list users")
    await mgmt.users.add_roles([created["admin"]], ["admin"])
    return People("admin@example.test", "user@example.test", created["admin"], created["user"])
