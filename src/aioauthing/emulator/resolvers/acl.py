"""Resource authorization: ``authorizeResource`` grants and the resources a subject may use.

Records: ``acl`` by ``namespace/targetType/targetIdentifier/resource``, each
``{namespace, targetType, targetIdentifier, code, type, actions}``. ``targetIdentifier`` is a
user id (``USER``), a role code (``ROLE``, in the grant's namespace), a group code (``GROUP``) or
an org node id (``ORG``).

A user's resources are the union, actions merged per resource, of the grants made to:

* the user;
* the groups the user belongs to;
* the org nodes the user is a member of and their ancestors (a department's grants reach its
  sub-departments, as ``Node.users`` counts their members by default);
* the roles held by the user, by those groups and by those nodes (a role's grants count in the
  role's own namespace).

The reference says only "inherited via roles, groups, org nodes"; the node-ancestor and
role-via-group/node rules are the emulator's reading of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import resolver
from ..state import Pool
from .mgmt_extra import group_codes_of
from .orgs import ancestors_of_memberships
from .records import DEFAULT_NAMESPACE, ok, records, save

__all__ = ["resources_of", "user_subjects"]

Subject = tuple[str, str, str | None]
"""(targetType, targetIdentifier, namespace the grants must be in, or ``None`` for any)."""


def user_subjects(pool: Pool, user_id: str) -> list[Subject]:
    """Every grant target whose resources ``user_id`` inherits (see the module docstring)."""
    groups = group_codes_of(pool, user_id)
    nodes = ancestors_of_memberships(pool, user_id)
    node_codes = {c for n in nodes if (c := records(pool, "nodes")[n].get("code"))}
    subjects: list[Subject] = [("USER", user_id, None)]
    subjects += [("GROUP", code, None) for code in groups]
    subjects += [("ORG", node_id, None) for node_id in nodes]
    for role in records(pool, "roles").values():
        if (
            user_id in (role.get("userIds") or [])
            or set(groups) & set(role.get("groupCodes") or [])
            or node_codes & set(role.get("nodeCodes") or [])
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
