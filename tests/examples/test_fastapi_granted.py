"""FastAPI ``require(...)`` lets a caller in once the grant is made through the management
client: a permission authorized directly or through a role, a role assigned in a namespace."""

from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI
from granted import grant_reader_paths, token_for

from aioauthing import ManagementClient
from aioauthing.integrations import AuthingSettings
from aioauthing.integrations.fastapi import AuthingAuth
from aioauthing.runtime.jwt import TokenClaims

pytestmark = pytest.mark.anyio


def build(settings: AuthingSettings) -> FastAPI:
    authing = AuthingAuth(settings)
    app = FastAPI(lifespan=authing.lifespan)

    @app.get("/books")
    async def books(
        claims: Annotated[TokenClaims, Depends(authing.require(permissions=["books:read"]))],
    ) -> dict[str, Any]:
        return {"reader": claims.user_id}

    @app.get("/invoices")
    async def invoices(
        claims: Annotated[
            TokenClaims, Depends(authing.require(roles=["clerk"], namespace="billing"))
        ],
    ) -> dict[str, Any]:
        return {"clerk": claims.user_id}

    return app


async def statuses(settings: AuthingSettings, email: str) -> dict[str, int]:
    app = build(settings)
    headers = {"Authorization": f"Bearer {await token_for(settings, email)}"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://app") as client,
    ):
        return {
            path: (await client.get(path, headers=headers)).status_code
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


async def test_revoking_the_role_closes_the_route_for_a_fresh_app(
    settings: AuthingSettings, authing_management_client: ManagementClient
) -> None:
    mgmt = authing_management_client
    emails = await grant_reader_paths(mgmt)
    assert (await statuses(settings, emails["via_role"]))["/books"] == 200
    user = await mgmt.users.find(email=emails["via_role"])
    assert user is not None
    await mgmt.roles.remove_users(["librarian"], user_ids=[user.id])
    assert (await statuses(settings, emails["via_role"]))["/books"] == 403
