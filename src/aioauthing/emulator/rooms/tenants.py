"""Tenants and their members (list and delete are generic: spec ``emulate``)."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, rest_route
from ..state import Pool, format_date
from ..store import page, records, save
from ..users import user_view
from .applications import application_view

_PRIVATE = ("appIds", "userIds")


def _view(tenant: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in tenant.items() if k not in _PRIVATE}


def _tenant(pool: Pool, tenant_id: str) -> dict[str, Any]:
    tenant: dict[str, Any] | None = records(pool, "tenants").get(tenant_id)
    if tenant is None:
        raise biz("TENANT_NOT_FOUND")
    return tenant


def _paging(call: RestCall) -> tuple[int, int]:
    try:
        return int(call.query.get("page", 1)), int(call.query.get("limit", 10))
    except ValueError as exc:
        raise biz("PAGE_NOT_INTEGER") from exc


def _members(pool: Pool, tenant: dict[str, Any], call: RestCall) -> dict[str, Any]:
    users = [user_view(pool.users[i]) for i in tenant["userIds"] if i in pool.users]
    return page(users, *_paging(call))


@rest_route("POST", "/api/v2/tenant")
def create_tenant(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    body = call.body if isinstance(call.body, dict) else {}
    name, app_ids = body.get("name"), body.get("appIds")
    if not isinstance(name, str) or not name or not isinstance(app_ids, str) or not app_ids:
        raise biz("PARAMS_REQUIRED", names="name 和 appIds")
    apps = [a.strip() for a in app_ids.split(",") if a.strip()]
    if any(a != pool.app_id for a in apps):
        raise biz("APP_NOT_FOUND")
    now = format_date(pool.now())
    tenant: dict[str, Any] = {
        "id": ctx.state.ids.object_id(),
        "createdAt": now,
        "updatedAt": now,
        "userPoolId": pool.id,
        "name": name,
        "logo": body.get("logo"),
        "description": body.get("description"),
        "css": None,
        "ssoPageCustomizationSettings": None,
        "defaultLoginTab": None,
        "defaultRegisterTab": None,
        "passwordTabConfig": None,
        "loginTabs": None,
        "registerTabs": None,
        "extendsFields": None,
        "appIds": apps,
        "userIds": [],
    }
    records(pool, "tenants")[tenant["id"]] = tenant
    save(ctx, pool, "tenants")
    return _view(tenant)


@rest_route("GET", "/api/v2/tenant/{tenantId}")
def tenant_detail(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    tenant = _tenant(pool, call.path_params["tenantId"])
    apps = [application_view(ctx, pool, detail=False) for a in tenant["appIds"] if a == pool.app_id]
    return {**_view(tenant), "apps": apps}


@rest_route("GET", "/api/v2/tenant/{tenantId}/users")
def tenant_members(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    return _members(pool, _tenant(pool, call.path_params["tenantId"]), call)


@rest_route("POST", "/api/v2/tenant/{tenantId}/user")
def add_tenant_members(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    tenant = _tenant(pool, call.path_params["tenantId"])
    ids = call.body.get("userIds") if isinstance(call.body, dict) else None
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise biz("NOT_STRING_LIST", name="userIds")
    for user_id in ids:
        if user_id not in pool.users:
            raise biz("USER_NOT_FOUND")
    tenant["userIds"] = [*tenant["userIds"], *(i for i in ids if i not in tenant["userIds"])]
    save(ctx, pool, "tenants")
    return _members(pool, tenant, RestCall({}, {"page": "1", "limit": "1000"}, None))


@rest_route("DELETE", "/api/v2/tenant/{tenantId}/user")
def remove_tenant_member(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    tenant = _tenant(pool, call.path_params["tenantId"])
    user_id = call.query.get("userId") or ""
    if user_id not in tenant["userIds"]:
        raise biz("USER_NOT_FOUND")
    tenant["userIds"] = [i for i in tenant["userIds"] if i != user_id]
    save(ctx, pool, "tenants")
    return Envelope(message="删除租户成员成功")


@rest_route("GET", "/api/v2/users/{userId}/tenants")
def user_tenants(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    user = pool.users.get(call.path_params["userId"])
    if user is None:
        raise biz("USER_NOT_FOUND")
    tenants = [_view(t) for t in records(pool, "tenants").values() if user["id"] in t["userIds"]]
    return {**user_view(user), "tenants": tenants}
