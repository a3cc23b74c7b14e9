"""Policies: their statements and assignments (create, detail, list, update and delete are
generic; this room checks statements and keeps assignments with their policy).

Storage (read by the acl room's evaluation through :func:`granting_statements`):

* policies: ``records(pool, "policies")`` keyed ``"{namespace}/{code}"``, the ``Policy`` record
  (``statements: [{resource, actions, effect, condition}]``, ``effect`` ``ALLOW`` or ``DENY``);
* assignments: ``records(pool, "policy_assignments")`` keyed
  ``"{namespace}/{code}/{targetType}/{targetIdentifier}"``, each
  ``{namespace, code, targetType, targetIdentifier, inheritByChildren, enabled}`` (``targetType``
  USER / ROLE / GROUP / ORG / AK_SK; user id, role code, group code, node id). A disabled
  assignment (``enabled: False``) stays listed but grants nothing; records written before the
  flag existed count as enabled.
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..generic import extend
from ..registry import resolver
from ..state import Pool
from ..store import DEFAULT_NAMESPACE, ok, page, records, save


def _ns(args: dict[str, Any]) -> str:
    return args.get("namespace") or DEFAULT_NAMESPACE


def _assignments(pool: Pool) -> dict[str, Any]:
    return records(pool, "policy_assignments")


def _of(pool: Pool, policy: dict[str, Any]) -> list[dict[str, Any]]:
    """The assignments of ``policy``."""
    return [
        a
        for a in _assignments(pool).values()
        if a["namespace"] == policy["namespace"] and a["code"] == policy["code"]
    ]


def _prepare(values: dict[str, Any]) -> None:
    """Statements of a create / update: not empty, ``ALLOW`` unless said otherwise."""
    if "statements" not in values:
        return
    if not values["statements"]:
        raise biz("EMPTY_VALUE", name="statements")
    values["statements"] = [
        {**s, "actions": list(s["actions"]), "effect": s.get("effect") or "ALLOW"}
        for s in values["statements"]
    ]


def _follow(ctx: RequestContext, pool: Pool, old: dict[str, Any], new: Any) -> None:
    """Assignments follow a renamed policy and go with a deleted one."""
    if new is not None and new["code"] == old["code"]:
        return
    for a in _of(pool, old):
        del _assignments(pool)[_assignment_key(a)]
        if new is not None:
            moved = {**a, "code": new["code"]}
            _assignments(pool)[_assignment_key(moved)] = moved
    save(ctx, pool, "policy_assignments")


extend("Policy", prepare=_prepare, after=_follow)


def _policy(pool: Pool, namespace: str, code: str) -> dict[str, Any]:
    policy: dict[str, Any] | None = records(pool, "policies").get(f"{namespace}/{code}")
    if policy is None:
        raise biz("POLICY_NOT_FOUND")
    return policy


@resolver("Policy.assignmentsCount")
def policy_assignments_count(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return len(_of(ctx.pool, parent))


@resolver("Policy.assignments")
def policy_assignments_of(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    found = [_assignment_view(a) for a in _of(ctx.pool, parent)]
    return page(found, args.get("page"), args.get("limit"))["list"]


def _assignment_key(a: dict[str, Any]) -> str:
    return f"{a['namespace']}/{a['code']}/{a['targetType']}/{a['targetIdentifier']}"


def _assignment_view(a: dict[str, Any]) -> dict[str, Any]:
    return {k: a[k] for k in ("code", "targetType", "targetIdentifier")}


def _check_target(pool: Pool, target_type: str, identifier: str, namespace: str) -> None:
    if target_type == "USER" and identifier not in pool.users:
        raise biz("USER_NOT_FOUND")
    if target_type == "ROLE" and f"{namespace}/{identifier}" not in records(pool, "roles"):
        raise biz("ROLE_NOT_FOUND")
    if target_type == "GROUP" and identifier not in records(pool, "groups"):
        raise biz("GROUP_NOT_FOUND")
    if target_type == "ORG" and identifier not in records(pool, "nodes"):
        raise biz("NODE_NOT_FOUND")


@resolver("Query.policyAssignments")
def policy_assignments(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    wanted = {
        "namespace": args.get("namespace"),
        "code": args.get("code"),
        "targetType": args.get("targetType"),
        "targetIdentifier": args.get("targetIdentifier"),
    }
    found = [
        _assignment_view(a)
        for a in _assignments(pool).values()
        if all(value is None or a[key] == value for key, value in wanted.items())
    ]
    return page(found, args.get("page"), args.get("limit"))


@resolver("Mutation.addPolicyAssignments")
def add_policy_assignments(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    namespace, target_type = _ns(args), args["targetType"]
    targets = list(args.get("targetIdentifiers") or [])
    for code in args["policies"]:
        _policy(pool, namespace, code)
    for identifier in targets:
        _check_target(pool, target_type, identifier, namespace)
    for code in args["policies"]:
        for identifier in targets:
            entry = {
                "namespace": namespace,
                "code": code,
                "targetType": target_type,
                "targetIdentifier": identifier,
                "inheritByChildren": bool(args.get("inheritByChildren")),
                "enabled": True,
            }
            _assignments(pool)[_assignment_key(entry)] = entry
    save(ctx, pool, "policy_assignments")
    return ok("授权成功")


@resolver("Mutation.removePolicyAssignments")
def remove_policy_assignments(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    namespace, target_type = _ns(args), args["targetType"]
    for code in args["policies"]:
        _policy(pool, namespace, code)
    for code in args["policies"]:
        for identifier in args.get("targetIdentifiers") or []:
            key = f"{namespace}/{code}/{target_type}/{identifier}"
            _assignments(pool).pop(key, None)
    save(ctx, pool, "policy_assignments")
    return ok("取消授权成功")


def _switch(ctx: RequestContext, args: dict[str, Any], enabled: bool) -> Any:
    pool = ctx.require_management()
    namespace = _ns(args)
    _policy(pool, namespace, args["policy"])
    key = f"{namespace}/{args['policy']}/{args['targetType']}/{args['targetIdentifier']}"
    entry = _assignments(pool).get(key)
    if entry is None:
        raise biz("POLICY_ASSIGNMENT_NOT_FOUND")
    entry["enabled"] = enabled
    save(ctx, pool, "policy_assignments")
    return ok("启用成功" if enabled else "禁用成功")


@resolver("Mutation.enablePolicyAssignment")
def enable_policy_assignment(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return _switch(ctx, args, True)


@resolver("Mutation.disbalePolicyAssignment")
def disable_policy_assignment(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return _switch(ctx, args, False)


def granting_statements(
    pool: Pool, target_type: str, identifier: str, namespace: str | None = None
) -> list[dict[str, Any]]:
    """The statements that policies assigned to one target grant, from ENABLED assignments only.

    Each item is ``{namespace, policy, resource, actions, effect, inheritByChildren}``;
    ``namespace`` ``None`` means every permission group. For the acl room's evaluation (a
    user's roles, groups and org nodes are its caller's business).
    """
    policies = records(pool, "policies")
    found: list[dict[str, Any]] = []
    for a in _assignments(pool).values():
        if (a["targetType"], a["targetIdentifier"]) != (target_type, identifier):
            continue
        if not a.get("enabled", True) or (namespace is not None and a["namespace"] != namespace):
            continue
        policy = policies.get(f"{a['namespace']}/{a['code']}")
        for statement in (policy or {}).get("statements") or []:
            found.append(
                {
                    "namespace": a["namespace"],
                    "policy": a["code"],
                    "resource": statement["resource"],
                    "actions": list(statement["actions"]),
                    "effect": statement.get("effect") or "ALLOW",
                    "inheritByChildren": bool(a.get("inheritByChildren")),
                }
            )
    return found


def retarget(
    ctx: RequestContext,
    pool: Pool,
    target_type: str,
    old: str,
    new: str | None,
    namespace: str | None = None,
) -> None:
    """Assignments to a renamed target follow it; those to a deleted one (``new`` ``None``) go.

    ``namespace``: only assignments of that permission group (a role's code is unique per group).
    """
    moved = False
    for key, a in list(_assignments(pool).items()):
        if (a["targetType"], a["targetIdentifier"]) != (target_type, old):
            continue
        if namespace is not None and a["namespace"] != namespace:
            continue
        del _assignments(pool)[key]
        if new is not None:
            entry = {**a, "targetIdentifier": new}
            _assignments(pool)[_assignment_key(entry)] = entry
        moved = True
    if moved:
        save(ctx, pool, "policy_assignments")
