"""FastAPI example: log in, read ``/me`` from the verified token, list users as an admin.

Run it against the local emulator::

    aioauthing emulator --port 3000 --print-env > authing.env &   # the settings as exports
    . ./authing.env   # AUTHING_HOST, AUTHING_APP_ID, AUTHING_USERPOOL_ID, ... (once it is written)
    uvicorn --factory examples.fastapi_app.app:create_app
"""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel

from aioauthing import InvalidCredentialsError, NotFoundError, TokenClaims
from aioauthing.integrations import Authing, AuthingSettings
from aioauthing.integrations.fastapi import AuthingAuth

from ..settings import settings_from_env


class Login(BaseModel):
    email: str
    password: str


def create_app(settings: AuthingSettings | None = None) -> FastAPI:
    authing = AuthingAuth(settings or settings_from_env())
    app = FastAPI(title="aioauthing FastAPI example", lifespan=authing.lifespan)

    Runtime = Annotated[Authing, Depends(authing.runtime)]
    Claims = Annotated[TokenClaims, Depends(authing.claims)]
    Admin = Annotated[TokenClaims, Depends(authing.require(roles=["admin"]))]

    @app.post("/login")
    async def login(body: Login, runtime: Runtime) -> dict[str, Any]:
        try:
            user = await runtime.auth.login_by_email(body.email, body.password)
        except (InvalidCredentialsError, NotFoundError):
            raise HTTPException(401, "wrong email or password") from None
        if user is None or not user.token:
            raise HTTPException(401, "wrong email or password")
        return {"token": user.token, "expires_at": user.token_expired_at}

    @app.get("/me")
    async def me(claims: Claims) -> dict[str, Any]:
        """Answered locally from the verified token: no call to Authing."""
        return {"id": claims.user_id, "email": claims.email, "pool": claims.userpool_id}

    @app.get("/admin/users")
    async def list_users(_: Admin, runtime: Runtime) -> dict[str, Any]:
        """Admins only; the listing uses the app's shared management client."""
        if runtime.management is None:
            raise HTTPException(501, "AUTHING_USERPOOL_SECRET is not configured")
        page = await runtime.management.users.list(page=1, limit=50)
        return {
            "total": page.total_count,
            "users": [{"id": u.id, "email": u.email} for u in page.list],
        }

    return app
