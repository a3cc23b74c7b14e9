"""REST permission groups (namespaces) and resources."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import RestCall, rest_route
from ..resolvers.records import DEFAULT_NAMESPACE, page, records, save
from ..state import Pool, format_date

_RESOURCE_TYPES = ("DATA", "API", "MENU", "UI", "BUTTON")


def _body(call: RestCall) -> dict[str, Any]:
    if not isinstance(call.body, dict):
        raise biz("JSON_OBJECT_REQUIRED")
    return call.body


def _int(call: RestCall, name: str, default: int) -> int:
    try:
        return int(call.query.get(name, default))
    except ValueError as exc:
        raise biz("NOT_INTEGER", name=name) from exc


def _own_pool(ctx: RequestContext, call: RestCall) -> Pool:
    pool = ctx.require_management()
    if call.path_params["userPoolId"] != pool.id:
        raise biz("NO_PERMISSION")
    return pool


def _namespace_id(pool: Pool, code: str) -> int:
    """Numeric id of a permission group; 0 for the implicit default group."""
    if code == DEFAULT_NAMESPACE:
        return 0
    namespace = records(pool, "namespaces").get(code)
    if namespace is None:
        raise biz("NAMESPACE_NOT_FOUND")
    return int(namespace["id"])


@rest_route("POST", "/api/v2/resource-namespace/{userPoolId}")
def create_namespace(ctx: RequestContext, call: RestCall) -> Any:
    pool = _own_pool(ctx, call)
    body = _body(call)
    code, name = body.get("code"), body.get("name")
    if not isinstance(code, str) or not code or not isinstance(name, str) or not name:
        raise biz("PARAMS_REQUIRED", names="code 和 name")
    namespaces = records(pool, "namespaces")
    if code in namespaces or code == DEFAULT_NAMESPACE:
        raise biz("NAMESPACE_EXISTS")
    namespaces[code] = {
        "id": max((n["id"] for n in namespaces.values()), default=0) + 1,
        "userPoolId": pool.id,
        "name": name,
        "code": code,
        "description": body.get("description"),
        "status": 1,
        "applicationId": None,
        "isIntegrateApp": False,
        "isDefaultApp": False,
    }
    save(ctx, pool, "namespaces")
    return namespaces[code]


@rest_route("GET", "/api/v2/resource-namespace/{userPoolId}")
def list_namespaces(ctx: RequestContext, call: RestCall) -> Any:
    pool = _own_pool(ctx, call)
    items = list(records(pool, "namespaces").values())
    one = page(items, _int(call, "page", 1), _int(call, "limit", 10))
    return {"list": one["list"], "total": one["totalCount"]}


@rest_route("POST", "/api/v2/resources")
def create_resource(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    body = _body(call)
    code, kind, namespace = body.get("code"), body.get("type"), body.get("namespace")
    if not isinstance(code, str) or not code or not isinstance(namespace, str) or not namespace:
        raise biz("PARAMS_REQUIRED", names="code 和 namespace")
    if kind not in _RESOURCE_TYPES:
        raise biz("CHOICE_REQUIRED", name="type", choices=", ".join(_RESOURCE_TYPES))
    namespace_id = _namespace_id(pool, namespace)
    resources = records(pool, "resources")
    key = f"{namespace}/{code}"
    if key in resources:
        raise biz("RESOURCE_EXISTS")
    now = format_date(pool.now())
    actions = body.get("actions") or []
    if not isinstance(actions, list) or not all(
        isinstance(a, dict) and a.get("name") for a in actions
    ):
        raise biz("ACTIONS_SHAPE")
    resources[key] = {
        "id": ctx.state.ids.object_id(),
        "createdAt": now,
        "updatedAt": now,
        "userPoolId": pool.id,
        "code": code,
        "actions": [{"name": a["name"], "description": a.get("description")} for a in actions],
        "type": kind,
        "description": body.get("description"),
        "namespaceId": namespace_id,
        "apiIdentifier": body.get("apiIdentifier"),
    }
    save(ctx, pool, "resources")
    return resources[key]


@rest_route("GET", "/api/v2/resources")
def list_resources(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    namespace = call.query.get("namespace") or ""
    _namespace_id(pool, namespace)
    kind = call.query.get("type")
    items = [
        r
        for key, r in records(pool, "resources").items()
        if key.startswith(f"{namespace}/") and (not kind or r["type"] == kind)
    ]
    return page(items, _int(call, "page", 1), _int(call, "limit", 10))
