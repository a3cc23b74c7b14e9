"""``AuthingAuth`` beyond the example app: permissions, acting as the caller, lifespan checks."""

from typing import Annotated, Any

import httpx
import pytest
from conftest import PASSWORD, People
from fastapi import Depends, FastAPI

from aioauthing import UserSession
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
        return {"id": claims.user_id}

    @app.get("/profile")
    async def profile(session: Annotated[UserSession, Depends(authing.session)]) -> dict[str, Any]:
        user = await session.get_current_user()
        return {"email": user.email if user else None}

    return app


async def token_for(settings: AuthingSettings, email: str) -> str:
    from aioauthing import AuthenticationClient

    async with AuthenticationClient(
        settings.app_id,
        host=settings.host,
        user_pool_id=settings.user_pool_id,
        public_key=settings.public_key,
    ) as auth:
        user = await auth.login_by_email(email, PASSWORD)
    assert user is not None and user.token
    return user.token


async def test_permissions_are_checked_against_authorized_resources(
    settings: AuthingSettings, people: People
) -> None:
    """Nothing authorized ``books:read`` to the admin (a role alone grants no resource): 403."""
    app = build(settings)
    token = await token_for(settings, people.admin_email)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://app") as client,
    ):
        response = await client.get("/books", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert (
        'error_description="a required permission is missing"'
        in (response.headers["www-authenticate"])
    )


async def test_session_dependency_acts_as_the_caller(
    settings: AuthingSettings, people: People
) -> None:
    app = build(settings)
    token = await token_for(settings, people.user_email)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://app") as client,
    ):
        response = await client.get("/profile", headers={"Authorization": f"Bearer {token}"})
    assert response.json() == {"email": people.user_email}


async def test_dependencies_need_the_lifespan(settings: AuthingSettings) -> None:
    app = build(settings)
    transport = httpx.ASGITransport(app, raise_app_exceptions=True)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        with pytest.raises(RuntimeError, match="lifespan has not run"):
            await client.get("/books", headers={"Authorization": "Bearer x.y.z"})
