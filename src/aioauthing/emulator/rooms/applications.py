"""Applications: the pool's default one (whose id and secret are the pool's ``app_id`` /
``app_secret``, used for client authentication) and the ones created through the management
API (kept in the pool's ``mgmt:applications`` record); list, detail, create, change, delete,
refresh secret; their agreements (spec-served: numeric ids, an order per application),
their active users (the users with a ``login`` user action naming the application, most recent
first), the tenants they belong to; the applications a user may access."""

from __future__ import annotations

from typing import Any

from ..audit import entries
from ..context import RequestContext
from ..entities import new_record, next_serial
from ..errors import biz
from ..generic import extend
from ..registry import Envelope, RestCall, rest_route
from ..state import Pool, format_date
from ..store import json_body, page, query_int, records, save, text_field
from ..users import user_view
from .acl import app_strategy, apply_permission_strategy

_DEFAULT_CHANGES = "defaultApplication"
"""Record kind holding the changes made to the pool's default application."""


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
    else:
        view.update(records(pool, _DEFAULT_CHANGES))
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
    # Every application has a permission group whose code is its id (its resources and roles).
    namespaces = records(pool, "namespaces")
    namespaces[app["id"]] = new_record(
        "Namespace",
        record_id=app["id"],
        pool_id=pool.id,
        now=now,
        values={"code": app["id"], "name": name, "applicationId": app["id"]},
        serial=next_serial("Namespace", namespaces.values()),
    )
    save(ctx, pool, "namespaces")
    return application_view(ctx, pool, detail=True, app=app)


@rest_route("DELETE", "/api/v2/applications/{appId}")
def delete_application(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    app = _find(ctx, pool, call.path_params["appId"])
    if app is None:
        raise biz("DEFAULT_APP_KEPT")
    del _created(pool)[app["id"]]
    save(ctx, pool, "applications")
    if records(pool, "namespaces").pop(app["id"], None) is not None:
        save(ctx, pool, "namespaces")
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


@rest_route("POST", "/api/v2/applications/{appId}")
def update_application(ctx: RequestContext, call: RestCall) -> Any:
    """Change an application's type, name, description, logo or default access strategy
    (``permissionStrategy.defaultStrategy``, kept by the acl room); the other fields are kept."""
    pool = ctx.require_management()
    app = _find(ctx, pool, call.path_params["appId"])
    body = json_body(call)
    changes: dict[str, Any] = {}
    if "appType" in body:
        if body["appType"] not in ("INDIVIDUAL", "Tenant", "BOTH"):
            raise biz("CHOICE_REQUIRED", name="appType", choices="INDIVIDUAL, Tenant, BOTH")
        changes["appType"] = body["appType"]
    for key in ("name", "description", "logo"):
        if isinstance(body.get(key), str):
            changes[key] = body[key]
    apply_permission_strategy(ctx, pool, call.path_params["appId"], body)  # checks, then keeps
    changes["updatedAt"] = format_date(pool.now())
    if app is None:
        records(pool, _DEFAULT_CHANGES).update(changes)
        save(ctx, pool, _DEFAULT_CHANGES)
    else:
        app.update(changes)
        save(ctx, pool, "applications")
    return application_view(ctx, pool, detail=True, app=app)


@rest_route("GET", "/api/v2/applications/{appId}/active-users")
def active_users(ctx: RequestContext, call: RestCall) -> Any:
    """The users who signed in to the application, the most recent sign-in first."""
    pool = ctx.require_management()
    app_id = call.path_params["appId"]
    _find(ctx, pool, app_id)
    seen: dict[str, None] = {}
    for entry in reversed(entries(pool, "userAction")):
        if entry["eventType"] == "login" and entry["appId"] == app_id:
            seen.setdefault(entry["userId"], None)
    users = [user_view(pool.users[i]) for i in seen if i in pool.users]
    return page(users, query_int(call, "page", 1), query_int(call, "limit", 10))


@rest_route("GET", "/api/v2/application/{appId}/tenants")
def application_tenants(ctx: RequestContext, call: RestCall) -> Any:
    """The application and the tenants whose applications include it."""
    pool = ctx.require_management()
    app_id = call.path_params["appId"]
    view = application_view(ctx, pool, detail=False, app=_find(ctx, pool, app_id))
    from .tenants import tenants_of_application  # tenants imports this room

    tenants = tenants_of_application(pool, app_id)
    return {
        "id": view["id"],
        "name": view["name"],
        "logo": view["logo"],
        "domain": view["identifier"],
        "description": view["description"],
        "createdAt": view["createdAt"],
        "updatedAt": view["updatedAt"],
        "protocol": view["protocol"],
        "isIntegrate": False,
        "tenants": tenants,
    }


# ---------------------------------------------------------------- agreements
# Created, listed, changed, sorted and deleted by the spec's ``emulate`` declarations
# (``ApplicationAgreement``: a record under its application, numbered, ordered); here only the
# default application as their parent and the checks of the written values.
_LANGS = ("zh-CN", "en-US", "zh-TW", "ja-JP")


def _default_application(pool: Pool, key: Any) -> dict[str, Any] | None:
    """The pool's default application, which the applications record kind does not hold."""
    return {"id": pool.app_id} if key == pool.app_id else None


def _check_agreement(pool: Pool, values: dict[str, Any], current: dict[str, Any] | None) -> None:
    """A title (required on a create, never empty), a known ``lang``, a boolean ``required``."""
    if current is None or "title" in values:
        text_field(values, "title")
    if values.get("lang") is not None and values["lang"] not in _LANGS:
        raise biz("CHOICE_REQUIRED", name="lang", choices=", ".join(_LANGS))
    if values.get("required") is not None and not isinstance(values["required"], bool):
        raise biz("CHOICE_REQUIRED", name="required", choices="true, false")


extend("Application", lookup=_default_application)
extend("ApplicationAgreement", check=_check_agreement)
