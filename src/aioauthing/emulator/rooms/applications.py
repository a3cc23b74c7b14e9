"""Applications: the pool's default one (whose id and secret are the pool's ``app_id`` /
``app_secret``, used for client authentication) and the ones created through the management
API (kept in the pool's ``mgmt:applications`` record); list, detail, create, delete, refresh
secret; the applications a user may access."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..entities import new_record
from ..errors import biz
from ..registry import Envelope, RestCall, rest_route
from ..state import Pool, format_date
from ..store import json_body, page, records, save, text_field
from .acl import app_strategy


def application_view(
    ctx: RequestContext, pool: Pool, *, detail: bool, app: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An application (the pool's default one unless ``app``, a created one, is given); its
    secret and OIDC settings only in the detail."""
    lifetime = ctx.config.user_token_lifetime
    values = {
        "name": f"{pool.name} app",
        "identifier": f"app-{pool.app_id[-6:]}",
        "redirectUris": [f"{ctx.base_url}/callback"],
        "passwordTabConfig": {"enabledLoginMethods": ["username-password", "email-password"]},
    }  # the other fields: the spec's Application record (defaults; secret... server: derived)
    view = new_record(
        "Application", record_id=pool.app_id, pool_id=pool.id, now=pool.created_at, values=values
    )
    view.update(secret=None, jwks=None, oidcConfig=None)
    if app is not None:
        view.update({k: v for k, v in app.items() if k != "secret"})
        view["isDefault"] = False
    view["permissionStrategy"] = app_strategy(pool, view["id"])
    if detail:
        view["secret"] = app["secret"] if app is not None else pool.app_secret
        view["jwks"] = {"keys": []}
        view["oidcConfig"] = {
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "id_token_signed_response_alg": "HS256",
            "token_endpoint_auth_method": "client_secret_post",
            "authorization_code_expire": 600,
            "id_token_expire": lifetime,
            "access_token_expire": lifetime,
            "refresh_token_expire": 2_592_000,
        }
    return view


@rest_route("GET", "/api/v2/applications")
def list_applications(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    try:
        number, limit = int(call.query.get("page", 1)), int(call.query.get("limit", 10))
    except ValueError as exc:
        raise biz("PAGE_NOT_INTEGER") from exc
    apps = [application_view(ctx, pool, detail=False)]
    apps += [application_view(ctx, pool, detail=False, app=a) for a in _created(pool).values()]
    return page(apps, number, limit)


def _created(pool: Pool) -> dict[str, Any]:
    return records(pool, "applications")


def _find(ctx: RequestContext, pool: Pool, app_id: str) -> dict[str, Any] | None:
    """The created application ``app_id`` (``None`` for the default one); 2011 if unknown."""
    if app_id == pool.app_id:
        return None
    app: dict[str, Any] | None = _created(pool).get(app_id)
    if app is None:
        raise biz("APP_NOT_FOUND")
    return app


@rest_route("GET", "/api/v2/applications/{appId}")
def application_detail(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    app = _find(ctx, pool, call.path_params["appId"])
    return application_view(ctx, pool, detail=True, app=app)


@rest_route("POST", "/api/v2/applications")
def create_application(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    body = json_body(call)
    name, identifier = text_field(body, "name"), text_field(body, "identifier")
    uris = body.get("redirectUris") or []
    if isinstance(uris, str):  # the Go SDK sends one string
        uris = [uris]
    if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
        raise biz("NOT_STRING_LIST", name="redirectUris")
    taken = {a["identifier"] for a in _created(pool).values()}
    if identifier in taken or identifier == application_view(ctx, pool, detail=False)["identifier"]:
        raise biz("APP_DOMAIN_TAKEN")
    now = format_date(pool.now())
    app: dict[str, Any] = {
        "id": ctx.state.ids.object_id(),
        "createdAt": now,
        "updatedAt": now,
        "name": name,
        "identifier": identifier,
        "redirectUris": uris,
        "secret": ctx.state.ids.secret(),
    }
    if body.get("logo"):
        app["logo"] = body["logo"]
    _created(pool)[app["id"]] = app
    save(ctx, pool, "applications")
    return application_view(ctx, pool, detail=True, app=app)


@rest_route("DELETE", "/api/v2/applications/{appId}")
def delete_application(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    app = _find(ctx, pool, call.path_params["appId"])
    if app is None:
        raise biz("DEFAULT_APP_KEPT")
    del _created(pool)[app["id"]]
    save(ctx, pool, "applications")
    return Envelope(message="删除应用成功")


@rest_route("PATCH", "/api/v2/application/{appId}/refresh-secret")
def refresh_application_secret(ctx: RequestContext, call: RestCall) -> Any:
    """A new secret; for the default application it is the pool's client secret from now on."""
    pool = ctx.require_management()
    app = _find(ctx, pool, call.path_params["appId"])
    if app is None:
        pool.app_secret = ctx.state.ids.secret()
        ctx.state.touch_pool(pool)
    else:
        app["secret"] = ctx.state.ids.secret()
        app["updatedAt"] = format_date(pool.now())
        save(ctx, pool, "applications")
    return application_view(ctx, pool, detail=True, app=app)


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
