"""Policies (statements of resource / actions / effect) and their assignments."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import resolver
from ..state import Pool, format_date
from ..store import DEFAULT_NAMESPACE, ok, page, records, save


def _ns(args: dict[str, Any]) -> str:
    return args.get("namespace") or DEFAULT_NAMESPACE


def _assignments(pool: Pool) -> dict[str, Any]:
    return records(pool, "policy_assignments")


def _view(pool: Pool, policy: dict[str, Any]) -> dict[str, Any]:
    count = sum(
        1
        for a in _assignments(pool).values()
        if a["namespace"] == policy["namespace"] and a["code"] == policy["code"]
    )
    return {**policy, "assignmentsCount": count}


def _statements(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "resource": s["resource"],
            "actions": list(s["actions"]),
            "effect": s.get("effect") or "ALLOW",
            "condition": s.get("condition"),
        }
        for s in raw
    ]


def _policy(pool: Pool, namespace: str, code: str) -> dict[str, Any]:
    policy: dict[str, Any] | None = records(pool, "policies").get(f"{namespace}/{code}")
    if policy is None:
        raise biz("POLICY_NOT_FOUND")
    return policy


@resolver("Mutation.createPolicy")
def create_policy(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    namespace, policies = _ns(args), records(pool, "policies")
    key = f"{namespace}/{args['code']}"
    if key in policies:
        raise biz("POLICY_EXISTS")
    if not args["statements"]:
        raise biz("EMPTY_VALUE", name="statements")
    now = format_date(pool.now())
    policies[key] = {
        "namespace": namespace,
        "code": args["code"],
        "isDefault": False,
        "description": args.get("description"),
        "statements": _statements(args["statements"]),
        "createdAt": now,
        "updatedAt": now,
    }
    save(ctx, pool, "policies")
    return _view(pool, policies[key])


@resolver("Mutation.updatePolicy")
def update_policy(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    namespace, policies = _ns(args), records(pool, "policies")
    policy = dict(_policy(pool, namespace, args["code"]))
    new_code = args.get("newCode")
    if new_code and new_code != policy["code"]:
        if f"{namespace}/{new_code}" in policies:
            raise biz("POLICY_EXISTS")
        del policies[f"{namespace}/{policy['code']}"]
        for key, a in list(_assignments(pool).items()):
            if a["namespace"] == namespace and a["code"] == policy["code"]:
                del _assignments(pool)[key]
                moved = {**a, "code": new_code}
                _assignments(pool)[_assignment_key(moved)] = moved
        save(ctx, pool, "policy_assignments")
        policy["code"] = new_code
    if args.get("description") is not None:
        policy["description"] = args["description"]
    if args.get("statements") is not None:
        policy["statements"] = _statements(args["statements"])
    policy["updatedAt"] = format_date(pool.now())
    policies[f"{namespace}/{policy['code']}"] = policy
    save(ctx, pool, "policies")
    return _view(pool, policy)


def _delete(ctx: RequestContext, namespace: str, codes: list[str]) -> Any:
    pool = ctx.require_management()
    for code in codes:
        _policy(pool, namespace, code)
    for code in codes:
        del records(pool, "policies")[f"{namespace}/{code}"]
    for key, a in list(_assignments(pool).items()):
        if a["namespace"] == namespace and a["code"] in codes:
            del _assignments(pool)[key]
    save(ctx, pool, "policies")
    save(ctx, pool, "policy_assignments")
    return ok("删除成功")


@resolver("Mutation.deletePolicy")
def delete_policy(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return _delete(ctx, _ns(args), [args["code"]])


@resolver("Mutation.deletePolicies")
def delete_policies(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return _delete(ctx, _ns(args), list(args["codeList"]))


@resolver("Query.policy")
def policy_detail(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    policy = records(pool, "policies").get(f"{_ns(args)}/{args['code']}")
    return _view(pool, policy) if policy else None


@resolver("Query.policies")
def list_policies(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    namespace = args.get("namespace")
    found = [
        _view(pool, p)
        for p in records(pool, "policies").values()
        if (namespace is None or p["namespace"] == namespace)
        and not (args.get("excludeDefault") and p["isDefault"])
    ]
    return page(found, args.get("page"), args.get("limit"))


@resolver("Policy.assignments")
def policy_assignments_of(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.pool
    found = [
        _assignment_view(a)
        for a in _assignments(pool).values()
        if a["namespace"] == parent["namespace"] and a["code"] == parent["code"]
    ]
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
