"""Tenants, their members and administrators, and external identity providers (身份源) with
their connections.

Generic (spec ``emulate``): the tenant list and delete, removing and updating a member, making
members administrators and back, an identity provider's detail, update and delete, a connection's create, update and delete. Here:
what joins other records (a tenant's applications, its members' users, a provider's
connections), the checks against other records the generic handlers call (``extend``), and the
rules with state: per-tenant / per-application connection switches, identifier uniqueness,
branding.

Records: a tenant keeps its application ids in ``appIds`` (not on the wire); a membership is a
``TenantMember`` record keyed ``tenantId/userId``; a connection keeps its switches per tenant
and application in ``states`` (``{"<tenantId>:<appId>": bool}``, not on the wire; its
``enabled`` field is the pool-wide switch).
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..entities import new_record, view, write
from ..errors import biz
from ..generic import extend
from ..registry import Envelope, RestCall, rest_route
from ..state import Pool, format_date
from ..store import json_body, page, records, save, text_field
from ..users import user_view
from .acl import create_resource
from .applications import application_view

__all__ = ["tenants_of_application", "tenants_of_user"]

_TENANTS, _MEMBERS = "tenants", "tenant_members"
_IDPS, _CONNECTIONS = "ext_idps", "ext_idp_connections"
_SSO_SWITCHES = ("autoRegisterThenLogin", "hideForgetPassword", "hideIdp", "hideSocialLogin")


# ---------------------------------------------------------------- lookups
def _tenant(pool: Pool, tenant_id: str) -> dict[str, Any]:
    tenant: dict[str, Any] | None = records(pool, _TENANTS).get(tenant_id)
    if tenant is None:
        raise biz("TENANT_NOT_FOUND")
    return tenant


def _idp(pool: Pool, idp_id: str) -> dict[str, Any]:
    idp: dict[str, Any] | None = records(pool, _IDPS).get(idp_id)
    if idp is None:
        raise biz("EXT_IDP_NOT_FOUND")
    return idp


def _connection(pool: Pool, connection_id: str) -> dict[str, Any]:
    found: dict[str, Any] | None = records(pool, _CONNECTIONS).get(connection_id)
    if found is None:
        raise biz("EXT_IDP_CONNECTION_NOT_FOUND")
    return found


def _app_ids(pool: Pool, value: Any) -> list[str]:
    """``appIds`` of a create or update: comma-separated ids of the pool's applications."""
    if not isinstance(value, str) or not value.strip():
        raise biz("PARAM_MISSING", name="appIds")
    ids = list(dict.fromkeys(a.strip() for a in value.split(",") if a.strip()))
    created = records(pool, "applications")
    for app_id in ids:
        if app_id != pool.app_id and app_id not in created:
            raise biz("APP_NOT_FOUND")
    return ids


def _apps(ctx: RequestContext, pool: Pool, tenant: dict[str, Any]) -> list[dict[str, Any]]:
    created = records(pool, "applications")
    shown = []
    for app_id in tenant.get("appIds") or []:
        if app_id == pool.app_id:
            shown.append(application_view(ctx, pool, detail=False))
        elif app_id in created:
            shown.append(application_view(ctx, pool, detail=False, app=created[app_id]))
    return shown


def _memberships(pool: Pool, tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's memberships whose user still exists, in joining order."""
    return [
        m
        for m in records(pool, _MEMBERS).values()
        if m["tenantId"] == tenant_id and m["userId"] in pool.users
    ]


def _member_view(pool: Pool, member: dict[str, Any]) -> dict[str, Any]:
    return {**view("TenantMember", member), "user": user_view(pool.users[member["userId"]])}


def tenants_of_user(pool: Pool, user_id: str) -> list[dict[str, Any]]:
    """The tenants ``user_id`` is a member of (wire form)."""
    joined = {m["tenantId"] for m in records(pool, _MEMBERS).values() if m["userId"] == user_id}
    return [view("Tenant", t) for t in records(pool, _TENANTS).values() if t["id"] in joined]


def check_tenant_sign_in(pool: Pool, app_id: str, user_id: str, tenant_id: str) -> None:
    """A sign-in into ``tenant_id`` (the ``x-authing-app-tenant-id`` header): the tenant must
    exist (404) and hold the application (2130010); the user must be an enabled member of it
    (2120008, as the service answers both a disabled membership and none)."""
    tenant = _tenant(pool, tenant_id)
    if app_id not in (tenant.get("appIds") or []):
        raise biz("TENANT_LOGIN_FORBIDDEN")
    member = records(pool, _MEMBERS).get(f"{tenant_id}/{user_id}")
    if member is None or member.get("isEnabled") is False:
        raise biz("TENANT_MEMBER_SUSPENDED")


def tenants_of_application(pool: Pool, app_id: str) -> list[dict[str, Any]]:
    """The tenants ``app_id`` belongs to (wire form)."""
    return [
        view("Tenant", t)
        for t in records(pool, _TENANTS).values()
        if app_id in (t.get("appIds") or [])
    ]


def _paging(call: RestCall) -> tuple[int, int]:
    try:
        return int(call.query.get("page", 1)), int(call.query.get("limit", 10))
    except ValueError as exc:
        raise biz("PAGE_NOT_INTEGER") from exc


def _string_list(body: dict[str, Any], key: str) -> list[str]:
    ids = body.get(key)
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise biz("NOT_STRING_LIST", name=key)
    return list(dict.fromkeys(ids))


# ---------------------------------------------------------------- tenants
@rest_route("POST", "/api/v2/tenant")
def create_tenant(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    body = json_body(call)
    name = text_field(body, "name")
    app_ids = _app_ids(pool, body.get("appIds"))
    tenant = new_record(
        "Tenant",
        record_id=ctx.state.ids.object_id(),
        pool_id=pool.id,
        now=format_date(pool.now()),
        values={"name": name, "logo": body.get("logo"), "description": body.get("description")},
    )
    tenant["appIds"] = app_ids
    records(pool, _TENANTS)[tenant["id"]] = tenant
    save(ctx, pool, _TENANTS)
    return {**view("Tenant", tenant), "apps": _apps(ctx, pool, tenant)}


@rest_route("GET", "/api/v2/tenant/{tenantId}")
def tenant_detail(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    tenant = _tenant(pool, call.path_params["tenantId"])
    return {**view("Tenant", tenant), "apps": _apps(ctx, pool, tenant)}


@rest_route("POST", "/api/v2/tenant/{tenantId}")
def update_tenant(ctx: RequestContext, call: RestCall) -> Any:
    """Update (name, appIds, logo, description) and branding (css, ssoPageCustomizationSettings)
    share this endpoint; the fields given change, the answer is ``true``."""
    pool = ctx.require_management()
    tenant = _tenant(pool, call.path_params["tenantId"])
    body = json_body(call)
    changes: dict[str, Any] = {}
    if body.get("name") not in (None, ""):  # Go sends "" for a name (and appIds) not given
        changes["name"] = text_field(body, "name")
    for key in ("logo", "description", "css"):
        if body.get(key) is not None:
            if not isinstance(body[key], str):
                raise biz("BAD_REQUEST")
            changes[key] = body[key]
    switches = body.get("ssoPageCustomizationSettings")
    if switches is not None:
        if not isinstance(switches, dict) or not all(
            k in _SSO_SWITCHES and isinstance(v, bool) for k, v in switches.items()
        ):
            raise biz("BAD_REQUEST")  # only the four switches, each a bool
        changes["ssoPageCustomizationSettings"] = {
            **(tenant.get("ssoPageCustomizationSettings") or {}),
            **switches,
        }
    if body.get("appIds") not in (None, ""):
        tenant["appIds"] = _app_ids(pool, body["appIds"])
    write("Tenant", tenant, changes, now=format_date(pool.now()))
    save(ctx, pool, _TENANTS)
    return True


def _tenant_deleted(
    ctx: RequestContext, pool: Pool, old: dict[str, Any], new: dict[str, Any] | None
) -> None:
    """A deleted tenant takes its memberships and identity providers with it."""
    if new is not None:
        return
    members = records(pool, _MEMBERS)
    for key in [k for k, m in members.items() if m["tenantId"] == old["id"]]:
        del members[key]
    save(ctx, pool, _MEMBERS)
    for idp in [i for i in records(pool, _IDPS).values() if i.get("tenantId") == old["id"]]:
        _drop_idp(ctx, pool, idp)


extend("Tenant", after=_tenant_deleted)


# ---------------------------------------------------------------- members and administrators
@rest_route("GET", "/api/v2/tenant/{tenantId}/users")
def tenant_members(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    tenant = _tenant(pool, call.path_params["tenantId"])
    members = [_member_view(pool, m) for m in _memberships(pool, tenant["id"])]
    one = page(members, *_paging(call))
    return {"listTotal": one["totalCount"], "list": one["list"]}


@rest_route("POST", "/api/v2/tenant/{tenantId}/user")
def add_tenant_members(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    tenant = _tenant(pool, call.path_params["tenantId"])
    ids = _string_list(json_body(call), "userIds")
    for user_id in ids:
        if user_id not in pool.users:
            raise biz("USER_NOT_FOUND")
    members, now = records(pool, _MEMBERS), format_date(pool.now())
    for user_id in ids:
        key = f"{tenant['id']}/{user_id}"
        if key not in members:
            members[key] = new_record(
                "TenantMember",
                record_id=ctx.state.ids.object_id(),
                pool_id=pool.id,
                now=now,
                values={"tenantId": tenant["id"], "userId": user_id},
            )
    save(ctx, pool, _MEMBERS)
    return {**view("Tenant", tenant), "users": [user_view(pool.users[i]) for i in ids]}


def _check_member(pool: Pool, values: dict[str, Any], current: dict[str, Any] | None) -> None:
    """update_member (generic): ``isEnabled`` is a bool."""
    if not isinstance(values.get("isEnabled"), bool):
        raise biz("PARAM_MISSING", name="isEnabled")


extend("TenantMember", check=_check_member)


@rest_route("GET", "/api/v2/users/{userId}/tenants")
def user_tenants(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    user = pool.users.get(call.path_params["userId"])
    if user is None:
        raise biz("USER_NOT_FOUND")
    return {**user_view(user), "tenants": tenants_of_user(pool, user["id"])}


# ---------------------------------------------------------------- identity providers
def _connection_view(connection: dict[str, Any], scope: str | None = None) -> dict[str, Any]:
    """A connection; with ``scope`` (``"<tenantId>:<appId>"``) ``enabled`` is its state there."""
    shown = view("ExtIdpConnection", connection)
    if scope is not None:
        shown["enabled"] = (connection.get("states") or {}).get(scope, connection["enabled"])
    return shown


def _connections_of(pool: Pool, idp_id: str) -> list[dict[str, Any]]:
    return [c for c in records(pool, _CONNECTIONS).values() if c["extIdpId"] == idp_id]


def _idp_view(pool: Pool, idp: dict[str, Any], scope: str | None = None) -> dict[str, Any]:
    connections = [_connection_view(c, scope) for c in _connections_of(pool, idp["id"])]
    return {**view("ExtIdp", idp), "connections": connections}


def _drop_idp(ctx: RequestContext, pool: Pool, idp: dict[str, Any]) -> None:
    records(pool, _IDPS).pop(idp["id"], None)
    _idp_deleted(ctx, pool, idp, None)
    save(ctx, pool, _IDPS)


def _idp_deleted(
    ctx: RequestContext, pool: Pool, old: dict[str, Any], new: dict[str, Any] | None
) -> None:
    """A deleted identity provider takes its connections with it."""
    if new is not None:
        return
    connections = records(pool, _CONNECTIONS)
    for connection in _connections_of(pool, old["id"]):
        del connections[connection["id"]]
    save(ctx, pool, _CONNECTIONS)


extend("ExtIdp", show=_idp_view, after=_idp_deleted)  # check: below


@rest_route("GET", "/api/v2/extIdp")
def list_ext_idps(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    tenant_id = call.query.get("tenantId") or None
    if tenant_id is not None:
        _tenant(pool, tenant_id)
    scope = f"{tenant_id}:" if tenant_id else None
    return [
        _idp_view(pool, idp, scope)
        for idp in records(pool, _IDPS).values()
        if idp.get("tenantId") == tenant_id
    ]


def _connection_values(item: Any, where: str) -> dict[str, Any]:
    """A connection to create: type, identifier, displayName and fields required."""
    if not isinstance(item, dict):
        raise biz("JSON_OBJECT_REQUIRED")
    for key in ("type", "identifier", "displayName"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise biz("PARAM_MISSING", name=f"{where}{key}")
    if not isinstance(item.get("fields"), dict):
        raise biz("PARAM_MISSING", name=f"{where}fields")
    matched = item.get("userMatchFields")
    if matched is not None and (
        not isinstance(matched, list) or not all(isinstance(m, str) for m in matched)
    ):
        raise biz("NOT_STRING_LIST", name=f"{where}userMatchFields")
    return item


def _identifier_free(pool: Pool, identifier: str) -> None:
    if any(c["identifier"] == identifier for c in records(pool, _CONNECTIONS).values()):
        raise biz("EXT_IDP_CONNECTION_IDENTIFIER_TAKEN")


@rest_route("POST", "/api/v2/extIdp")
def create_ext_idp(ctx: RequestContext, call: RestCall) -> Any:
    """A provider and its connections, all or nothing (identifiers unique in the pool)."""
    pool = ctx.require_management()
    body = json_body(call)
    name, kind = text_field(body, "name"), text_field(body, "type")
    tenant_id = body.get("tenantId") or None
    if tenant_id is not None:
        _tenant(pool, str(tenant_id))
    items = body.get("connections") or []
    if not isinstance(items, list):
        raise biz("PARAM_MISSING", name="connections")
    wanted = [_connection_values(c, f"connections[{n}].") for n, c in enumerate(items)]
    identifiers = [c["identifier"] for c in wanted]
    for identifier in identifiers:
        _identifier_free(pool, identifier)
    if len(set(identifiers)) != len(identifiers):
        raise biz("EXT_IDP_CONNECTION_IDENTIFIER_TAKEN")
    now = format_date(pool.now())
    idp = new_record(
        "ExtIdp",
        record_id=ctx.state.ids.object_id(),
        pool_id=pool.id,
        now=now,
        values={"name": name, "type": kind, "tenantId": tenant_id},
    )
    records(pool, _IDPS)[idp["id"]] = idp
    connections = records(pool, _CONNECTIONS)
    for item in wanted:
        connection = new_record(
            "ExtIdpConnection",
            record_id=ctx.state.ids.object_id(),
            pool_id=pool.id,
            now=now,
            values={**item, "extIdpId": idp["id"], "enabled": True},
        )
        connections[connection["id"]] = connection
    save(ctx, pool, _IDPS)
    save(ctx, pool, _CONNECTIONS)
    return _idp_view(pool, idp)


def _check_connection(pool: Pool, values: dict[str, Any], current: dict[str, Any] | None) -> None:
    """create / update_ext_idp_connection (generic): a new connection names an existing
    provider and has every required value; an update keeps its provider."""
    if current is None:
        _connection_values(values, "")
        _idp(pool, text_field(values, "extIdpId"))
    else:
        values.pop("extIdpId", None)
        values.pop("type", None)
        if "fields" in values and not isinstance(values["fields"], dict):
            raise biz("PARAM_MISSING", name="fields")
    if "enabled" in values and not isinstance(values["enabled"], bool):
        raise biz("PARAM_MISSING", name="enabled")


extend("ExtIdpConnection", check=_check_connection)


def _check_idp(pool: Pool, values: dict[str, Any], current: dict[str, Any] | None) -> None:
    """update_ext_idp (generic): a non-empty name; the tenant and type stay."""
    text_field(values, "name")
    values.pop("tenantId", None)
    values.pop("type", None)


extend("ExtIdp", check=_check_idp)


@rest_route("POST", "/api/v2/check/extIdpConn/identifier")
def check_connection_identifier(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    _identifier_free(pool, text_field(json_body(call), "identifier"))
    return Envelope(message="标识符可用")


def _state(pool: Pool, body: dict[str, Any]) -> tuple[str, bool]:
    """The scope (``"<tenantId>:<appId>"``, ``":"`` for the pool) and the new state."""
    enabled = body.get("enabled")
    if not isinstance(enabled, bool):
        raise biz("PARAM_MISSING", name="enabled")
    tenant_id, app_id = body.get("tenantId") or "", body.get("appId") or ""
    if tenant_id:
        _tenant(pool, str(tenant_id))
    if app_id and app_id != pool.app_id and app_id not in records(pool, "applications"):
        raise biz("APP_NOT_FOUND")
    return f"{tenant_id}:{app_id}", enabled


def _switch(pool: Pool, connection: dict[str, Any], scope: str, enabled: bool) -> None:
    if scope == ":":
        connection["enabled"] = enabled
    else:
        connection["states"] = {**(connection.get("states") or {}), scope: enabled}
    connection["updatedAt"] = format_date(pool.now())


@rest_route("PUT", "/api/v2/extIdpConn/{extIdpConnectionId}/state")
def change_connection_state(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    connection = _connection(pool, call.path_params["extIdpConnectionId"])
    _switch(pool, connection, *_state(pool, json_body(call)))
    save(ctx, pool, _CONNECTIONS)
    return Envelope(message="修改成功")


@rest_route("PUT", "/api/v2/extIdp/{extIdpId}/connState")
def batch_change_connection_state(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    idp = _idp(pool, call.path_params["extIdpId"])
    scope, enabled = _state(pool, json_body(call))
    for connection in _connections_of(pool, idp["id"]):
        _switch(pool, connection, scope, enabled)
    save(ctx, pool, _CONNECTIONS)
    return Envelope(message="修改成功")


# ---------------------------------------------------------------- resources in bulk
@rest_route("POST", "/api/v2/resources/bulk")
def batch_insert_resources(ctx: RequestContext, call: RestCall) -> Any:
    """Each item as ``POST /api/v2/resources`` would create it; all or nothing."""
    pool = ctx.require_management()
    items = json_body(call).get("bulk")
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise biz("PARAM_MISSING", name="bulk")
    resources = records(pool, "resources")
    before = dict(resources)
    try:
        created = [
            create_resource(ctx, RestCall({}, {}, {"namespace": "default", **item}))
            for item in items
        ]
    except Exception:
        resources.clear()
        resources.update(before)
        save(ctx, pool, "resources")
        raise
    return Envelope(data=created, message="批量创建资源成功")
