"""Applications: list and detail, the applications a user may access."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..entities import new_record
from ..errors import biz
from ..registry import Envelope, RestCall, rest_route
from ..state import Pool
from ..store import page


def application_view(ctx: RequestContext, pool: Pool, *, detail: bool) -> dict[str, Any]:
    """The pool's application (a record of the spec's ``Application``, built from the pool, not
    stored); its secret and OIDC settings (``server: derived``) only in the detail."""
    lifetime = ctx.config.user_token_lifetime
    values = {
        "name": f"{pool.name} app",
        "identifier": f"app-{pool.app_id[-6:]}",
        "redirectUris": [f"{ctx.base_url}/callback"],
        "passwordTabConfig": {"enabledLoginMethods": ["username-password", "email-password"]},
    }
    app = new_record(
        "Application", record_id=pool.app_id, pool_id=pool.id, now=pool.created_at, values=values
    )
    app.update(secret=None, jwks=None, oidcConfig=None)
    if detail:
        app["secret"] = pool.app_secret
        app["jwks"] = {"keys": []}
        app["oidcConfig"] = {
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "id_token_signed_response_alg": "HS256",
            "token_endpoint_auth_method": "client_secret_post",
            "authorization_code_expire": 600,
            "id_token_expire": lifetime,
            "access_token_expire": lifetime,
            "refresh_token_expire": 2_592_000,
        }
    return app


@rest_route("GET", "/api/v2/applications")
def list_applications(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    try:
        number, limit = int(call.query.get("page", 1)), int(call.query.get("limit", 10))
    except ValueError as exc:
        raise biz("PAGE_NOT_INTEGER") from exc
    return page([application_view(ctx, pool, detail=False)], number, limit)


@rest_route("GET", "/api/v2/applications/{appId}")
def application_detail(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    if call.path_params["appId"] != pool.app_id:
        raise biz("APP_NOT_FOUND")
    return application_view(ctx, pool, detail=True)


@rest_route("GET", "/api/v2/users/me/applications/allowed")
def my_applications(ctx: RequestContext, call: RestCall) -> Any:
    pool, _user, _info = ctx.require_user()
    try:
        page = max(int(call.query.get("page", "1")), 1)
        limit = max(int(call.query.get("limit", "10")), 1)
    except ValueError as exc:
        raise biz("PAGE_NOT_INTEGER") from exc
    apps = [
        {
            "id": pool.app_id,
            "name": "Emulator App",
            "logo": "https://files.authing.co/authing-console/default-app-logo.png",
            "identifier": "emulator",
            "description": None,
            "createdAt": None,
            "updatedAt": None,
            "protocol": "oidc",
        }
    ]
    items = apps[(page - 1) * limit : page * limit]
    return Envelope({"list": items, "totalCount": len(apps)}, message="获取可访问的应用列表成功")
