"""Access control: resources, authorizations and their evaluation (permission groups are
generic: this room checks a new one; resources are spec records kept per permission group)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..context import RequestContext
from ..entities import new_record, view
from ..errors import biz
from ..generic import extend
from ..registry import RestCall, resolver, rest_route
from ..state import Pool, format_date
from ..store import DEFAULT_NAMESPACE, json_body, ok, page, records, save
from .orgs import ancestors_of_memberships
from .roles import group_codes_of

Subject = tuple[str, str, str | None]
"""(targetType, targetIdentifier, namespace the grants must be in, or ``None`` for any)."""


def user_subjects(pool: Pool, user_id: str) -> list[Subject]:
    """Every grant target whose resources ``user_id`` inherits (see the module docstring)."""
    groups = group_codes_of(pool, user_id)
    nodes = ancestors_of_memberships(pool, user_id)
    subjects: list[Subject] = [("USER", user_id, None)]
    subjects += [("GROUP", code, None) for code in groups]
    subjects += [("ORG", node_id, None) for node_id in nodes]
    for role in records(pool, "roles").values():
        if (
            user_id in (role.get("userIds") or [])
            or set(groups) & set(role.get("groupCodes") or [])
            or set(nodes) & set(role.get("nodeCodes") or [])  # roles hold nodes by id
        ):
            subjects.append(("ROLE", role["code"], role["namespace"]))
    return subjects


def _merged(
    pool: Pool, subjects: Iterable[Subject], namespace: str | None, resource_type: str | None
) -> dict[str, Any]:
    """``PaginatedAuthorizedResources`` of the grants made to ``subjects``."""
    wanted = set(subjects)
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for grant in records(pool, "acl").values():
        if namespace is not None and grant["namespace"] != namespace:
            continue
        if resource_type and grant["type"] != resource_type:
            continue
        key = (grant["targetType"], grant["targetIdentifier"])
        if (*key, None) not in wanted and (*key, grant["namespace"]) not in wanted:
            continue
        entry = merged.setdefault(
            (grant["namespace"], grant["code"]),
            {"code": grant["code"], "type": grant["type"], "actions": []},
        )
        entry["actions"] += [a for a in grant["actions"] if a not in entry["actions"]]
    items = list(merged.values())
    return {"totalCount": len(items), "list": items}


def resources_of(
    pool: Pool,
    target_type: str,
    identifier: str,
    namespace: str | None,
    resource_type: str | None,
) -> dict[str, Any]:
    """``PaginatedAuthorizedResources`` of a target; a user's include what it inherits."""
    if target_type == "USER":
        subjects = user_subjects(pool, identifier)
    elif target_type == "ROLE":
        subjects = [("ROLE", identifier, namespace or DEFAULT_NAMESPACE)]
    else:
        subjects = [(target_type, identifier, None)]
    return _merged(pool, subjects, namespace, resource_type)


@resolver("Mutation.authorizeResource")
def authorize_resource(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    namespace = args.get("namespace") or DEFAULT_NAMESPACE
    resource, resource_type = args.get("resource"), args.get("resourceType")
    if not resource or not resource_type:
        raise biz("PARAMS_REQUIRED", names="resource 和 resourceType")
    opts = args.get("opts") or []
    if not opts:
        raise biz("EMPTY_VALUE", name="opts")
    for opt in opts:
        if opt["targetType"] == "USER" and opt["targetIdentifier"] not in pool.users:
            raise biz("USER_NOT_FOUND")
    acl = records(pool, "acl")
    for opt in opts:
        key = f"{namespace}/{opt['targetType']}/{opt['targetIdentifier']}/{resource}"
        acl[key] = {
            "namespace": namespace,
            "targetType": opt["targetType"],
            "targetIdentifier": opt["targetIdentifier"],
            "code": resource,
            "type": resource_type,
            "actions": list(opt.get("actions") or []),
        }
    save(ctx, pool, "acl")
    return ok("授权成功")


@resolver("Query.authorizedResources")
def authorized_resources(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    if not args.get("targetType") or not args.get("targetIdentifier"):
        raise biz("PARAMS_REQUIRED", names="targetType 和 targetIdentifier")
    return resources_of(
        pool,
        args["targetType"],
        args["targetIdentifier"],
        args.get("namespace"),
        args.get("resourceType"),
    )


@resolver("User.authorizedResources")
def user_authorized_resources(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return resources_of(
        ctx.pool, "USER", parent["id"], args.get("namespace"), args.get("resourceType")
    )


@resolver("Role.authorizedResources")
def role_authorized_resources(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    subjects = [("ROLE", parent["code"], parent.get("namespace") or DEFAULT_NAMESPACE)]
    return _merged(ctx.pool, subjects, None, args.get("resourceType"))


@resolver("Group.authorizedResources")
def group_authorized_resources(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return resources_of(
        ctx.pool, "GROUP", parent["code"], args.get("namespace"), args.get("resourceType")
    )


@resolver("Node.authorizedResources")
def node_authorized_resources(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return resources_of(
        ctx.pool, "ORG", parent["id"], args.get("namespace"), args.get("resourceType")
    )


_RESOURCE_TYPES = ("DATA", "API", "MENU", "UI", "BUTTON")


def _int(call: RestCall, name: str, default: int) -> int:
    try:
        return int(call.query.get(name, default))
    except ValueError as exc:
        raise biz("NOT_INTEGER", name=name) from exc


def _namespace_id(pool: Pool, code: str) -> int:
    """Numeric id of a permission group; 0 for the implicit default group."""
    if code == DEFAULT_NAMESPACE:
        return 0
    namespace = records(pool, "namespaces").get(code)
    if namespace is None:
        raise biz("NAMESPACE_NOT_FOUND")
    return int(namespace["id"])


def _new_namespace(values: dict[str, Any]) -> None:
    """createNamespace (generic): code and name required, ``default`` is taken."""
    code, name = values.get("code"), values.get("name")
    if not isinstance(code, str) or not code or not isinstance(name, str) or not name:
        raise biz("PARAMS_REQUIRED", names="code 和 name")
    if code == DEFAULT_NAMESPACE:
        raise biz("NAMESPACE_EXISTS")


extend("Namespace", prepare=_new_namespace)


@rest_route("POST", "/api/v2/resources")
def create_resource(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    body = json_body(call)
    code, kind, namespace = body.get("code"), body.get("type"), body.get("namespace")
    if not isinstance(code, str) or not code or not isinstance(namespace, str) or not namespace:
        raise biz("PARAMS_REQUIRED", names="code 和 namespace")
    if kind not in _RESOURCE_TYPES:
        raise biz("CHOICE_REQUIRED", name="type", choices=", ".join(_RESOURCE_TYPES))
    namespace_id = _namespace_id(pool, namespace)
    resources = records(pool, "resources")
    key = f"{namespace}/{code}"  # codes are unique per permission group
    if key in resources:
        raise biz("RESOURCE_EXISTS")
    actions = body.get("actions") or []
    if not isinstance(actions, list) or not all(
        isinstance(a, dict) and a.get("name") for a in actions
    ):
        raise biz("ACTIONS_SHAPE")
    values = {
        **body,
        "actions": [{"name": a["name"], "description": a.get("description")} for a in actions],
    }
    resource = new_record(
        "Resource",
        record_id=ctx.state.ids.object_id(),
        pool_id=pool.id,
        now=format_date(pool.now()),
        values=values,
    )
    resources[key] = {**resource, "namespaceId": namespace_id}
    save(ctx, pool, "resources")
    return view("Resource", resources[key])


@rest_route("GET", "/api/v2/resources")
def list_resources(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    namespace = call.query.get("namespace") or ""
    _namespace_id(pool, namespace)
    kind = call.query.get("type")
    items = [
        view("Resource", r)
        for key, r in records(pool, "resources").items()
        if key.startswith(f"{namespace}/") and (not kind or r["type"] == kind)
    ]
    return page(items, _int(call, "page", 1), _int(call, "limit", 10))


@rest_route("POST", "/api/v2/users/resource/authorized")
def my_authorized_resources(ctx: RequestContext, call: RestCall) -> Any:
    """Android ``listAuthorizedResources``: ``{namespace, resourceType?}``, every type when empty."""
    pool, user, _info = ctx.require_user()
    body = json_body(call)
    namespace = body.get("namespace") or None
    resource_type = body.get("resourceType") or None
    if resource_type is not None and resource_type not in _RESOURCE_TYPES:
        raise biz("CHOICE_REQUIRED", name="resourceType", choices=", ".join(_RESOURCE_TYPES))
    found = resources_of(pool, "USER", user["id"], namespace, resource_type)
    defined = records(pool, "resources")
    for item in found["list"]:
        resource = defined.get(f"{namespace or DEFAULT_NAMESPACE}/{item['code']}") or {}
        item["apiIdentifier"] = resource.get("apiIdentifier")
    return found
