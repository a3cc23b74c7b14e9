"""aiohttp ``require(...)`` lets a caller in once the grant is made through the management
client: a permission authorized directly or through a role, a role assigned in a namespace."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from granted import grant_reader_paths, token_for

from aioauthing import ManagementClient
from aioauthing.integrations import AuthingSettings
from aioauthing.integrations.aiohttp import get_claims, require, setup_authing

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # aiohttp runs on asyncio only


def build(settings: AuthingSettings) -> web.Application:
    app = web.Application()
    setup_authing(app, settings)

    @require(permissions=["books:read"])
    async def books(request: web.Request) -> web.Response:
        return web.json_response({"reader": get_claims(request).user_id})

    @require(roles=["clerk"], namespace="billing")
    async def invoices(request: web.Request) -> web.Response:
        return web.json_response({"clerk": get_claims(request).user_id})

    app.router.add_get("/books", books)
    app.router.add_get("/invoices", invoices)
    return app


async def statuses(settings: AuthingSettings, email: str) -> dict[str, int]:
    headers = {"Authorization": f"Bearer {await token_for(settings, email)}"}
    async with TestClient(TestServer(build(settings))) as client:
        return {
            path: (await client.get(path, headers=headers)).status
            for path in ("/books", "/invoices")
        }


async def test_granted_permissions_and_roles_open_the_routes(
    settings: AuthingSettings, authing_management_client: ManagementClient
) -> None:
    emails = await grant_reader_paths(authing_management_client)
    assert await statuses(settings, emails["direct"]) == {"/books": 200, "/invoices": 403}
    assert await statuses(settings, emails["via_role"]) == {"/books": 200, "/invoices": 403}
    assert await statuses(settings, emails["clerk"]) == {"/books": 403, "/invoices": 200}
    assert await statuses(settings, emails["nobody"]) == {"/books": 403, "/invoices": 403}


async def test_a_group_grant_opens_the_route_and_leaving_the_group_closes_it(
    settings: AuthingSettings, authing_management_client: ManagementClient
) -> None:
    mgmt = authing_management_client
    emails = await grant_reader_paths(mgmt)
    nobody = await mgmt.users.find(email=emails["nobody"])
    assert nobody is not None
    await mgmt.groups.create("readers", "Readers")
    await mgmt.groups.add_users("readers", [nobody.id])
    opt = [{"targetType": "GROUP", "targetIdentifier": "readers", "actions": ["books:read"]}]
    await mgmt.acl.authorize_resource("default", "books", "DATA", opt)
    assert (await statuses(settings, emails["nobody"]))["/books"] == 200
    await mgmt.groups.remove_users("readers", [nobody.id])
    assert (await statuses(settings, emails["nobody"]))["/books"] == 403
