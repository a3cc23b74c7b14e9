"""Resource authorization: ``authorizeResource`` grants and the resources a subject may use.

Records: ``acl`` by ``namespace/targetType/targetIdentifier/resource``, each
``{namespace, targetType, targetIdentifier, code, type, actions}``. A user's resources include
those granted to the roles and groups the user holds (actions merged per resource).
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import resolver
from ..state import Pool
from .mgmt_extra import group_codes_of, role_codes_of
from .records import DEFAULT_NAMESPACE, ok, records, save

__all__ = ["resources_of"]


def _grants(
    pool: Pool, target_type: str, identifier: str, namespace: str | None
) -> list[dict[str, Any]]:
    return [
        g
        for g in records(pool, "acl").values()
        if g["targetType"] == target_type
        and g["targetIdentifier"] == identifier
        and (namespace is None or g["namespace"] == namespace)
    ]


def resources_of(
    pool: Pool,
    target_type: str,
    identifier: str,
    namespace: str | None,
    resource_type: str | None,
) -> dict[str, Any]:
    """``PaginatedAuthorizedResources`` of a target (a user also through its roles and groups)."""
    grants = _grants(pool, target_type, identifier, namespace)
    if target_type == "USER":
        for code in role_codes_of(pool, identifier, namespace or DEFAULT_NAMESPACE):
            grants += _grants(pool, "ROLE", code, namespace or DEFAULT_NAMESPACE)
        for code in group_codes_of(pool, identifier):
            grants += _grants(pool, "GROUP", code, namespace)
    merged: dict[str, dict[str, Any]] = {}
    for grant in grants:
        if resource_type and grant["type"] != resource_type:
            continue
        entry = merged.setdefault(
            grant["code"], {"code": grant["code"], "type": grant["type"], "actions": []}
        )
        entry["actions"] += [a for a in grant["actions"] if a not in entry["actions"]]
    items = list(merged.values())
    return {"totalCount": len(items), "list": items}


@resolver("Mutation.authorizeResource")
def authorize_resource(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    namespace = args.get("namespace") or DEFAULT_NAMESPACE
    resource, resource_type = args.get("resource"), args.get("resourceType")
    if not resource or not resource_type:
        raise biz(400, "resource 和 resourceType 必填")
    opts = args.get("opts") or []
    if not opts:
        raise biz(400, "opts 不能为空")
    for opt in opts:
        if opt["targetType"] == "USER" and opt["targetIdentifier"] not in pool.users:
            raise biz(2004)
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
        raise biz(400, "targetType 和 targetIdentifier 必填")
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
