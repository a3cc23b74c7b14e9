"""aiohttp example: log in, read ``/me`` from the verified token, list users as an admin.

Run it against the local emulator (settings from ``AUTHING_*``, see ``examples/settings.py``)::

    python -m aiohttp.web -P 8080 examples.aiohttp_app.app:create_app
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from aioauthing import InvalidCredentialsError, NotFoundError
from aioauthing.integrations import AuthingSettings
from aioauthing.integrations.aiohttp import get_authing, get_claims, require, setup_authing

from ..settings import settings_from_env

routes = web.RouteTableDef()


@routes.post("/login")
async def login(request: web.Request) -> web.Response:
    body = await request.json()
    try:
        user = await get_authing(request).auth.login_by_email(
            str(body["email"]), str(body["password"])
        )
    except (InvalidCredentialsError, NotFoundError):
        raise web.HTTPUnauthorized(text="wrong email or password") from None
    if user is None or not user.token:
        raise web.HTTPUnauthorized(text="wrong email or password")
    return web.json_response({"token": user.token, "expires_at": user.token_expired_at})


@routes.get("/me")
@require()
async def me(request: web.Request) -> web.Response:
    """Answered locally from the verified token: no call to Authing."""
    claims = get_claims(request)
    return web.json_response(
        {"id": claims.user_id, "email": claims.email, "pool": claims.userpool_id}
    )


@routes.get("/admin/users")
@require(roles=["admin"])
async def list_users(request: web.Request) -> web.Response:
    """Admins only; the listing uses the app's shared management client."""
    management = get_authing(request).management
    if management is None:
        raise web.HTTPNotImplemented(text="AUTHING_USERPOOL_SECRET is not configured")
    page = await management.users.list(page=1, limit=50)
    users: list[dict[str, Any]] = [{"id": u.id, "email": u.email} for u in page.list]
    return web.json_response({"total": page.total_count, "users": users})


def create_app(
    argv: list[str] | None = None, settings: AuthingSettings | None = None
) -> web.Application:
    app = web.Application()
    setup_authing(app, settings or settings_from_env())
    app.add_routes(routes)
    return app
