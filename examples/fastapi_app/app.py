"""FastAPI example: log in (with a password, or through the hosted sign-in page with the OIDC
code flow: ``/login/oidc``), read ``/me`` from the verified token, list users as an admin.

Run it against the local emulator::

    aioauthing emulator --port 3000 --print-env > authing.env &   # the settings as exports
    . ./authing.env   # AUTHING_HOST, AUTHING_APP_ID, AUTHING_USERPOOL_ID, ... (once it is written)
    uvicorn --factory examples.fastapi_app.app:create_app

or in one command: ``aioauthing emulator exec -- uvicorn --factory examples.fastapi_app.app:create_app``;
then open http://127.0.0.1:8000/login/oidc to sign in through the emulator's sign-in page.
"""

import secrets
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse
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

    @app.get("/login/oidc")
    async def oidc_login(request: Request, runtime: Runtime) -> RedirectResponse:
        """Send the browser to the hosted sign-in page (OIDC code flow with PKCE)."""
        verifier = runtime.auth.generate_code_challenge()
        url = runtime.auth.build_authorize_url(
            redirect_uri=str(request.url_for("oidc_callback")),
            scope="openid profile email",
            state=secrets.token_urlsafe(16),
            code_challenge=runtime.auth.generate_code_challenge_digest(verifier),
            code_challenge_method="S256",
        )
        state = parse_qs(urlsplit(url).query)["state"][0]
        response = RedirectResponse(url, status_code=303)
        # The verifier stays with this browser only, bound to the state it must come back with.
        response.set_cookie(
            "oidc_flow", f"{state}.{verifier}", httponly=True, samesite="lax", max_age=600
        )
        return response

    @app.get("/callback", name="oidc_callback")
    async def oidc_callback(
        request: Request, code: str, state: str, runtime: Runtime
    ) -> dict[str, Any]:
        """The sign-in page comes back here with a code; exchange it and say who signed in."""
        expected, _, verifier = request.cookies.get("oidc_flow", "").partition(".")
        if not expected or not secrets.compare_digest(expected, state):
            raise HTTPException(400, "unknown or expired sign-in (state does not match)")
        tokens = await runtime.auth.get_access_token_by_code(
            code, code_verifier=verifier, redirect_uri=str(request.url_for("oidc_callback"))
        )
        claims = await runtime.auth.get_user_info_by_access_token(tokens.access_token)
        return {"signed_in": True, "sub": claims["sub"], "email": claims.get("email")}

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
