"""Roles in permission groups (namespaces): grants to users / groups / nodes, a user's and a
node's roles (create, detail, list, update, delete and members are generic)."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..generic import extend
from ..registry import Envelope, RestCall, resolver, rest_route
from ..state import Pool
from ..store import DEFAULT_NAMESPACE, json_body, ok, page, records, save
from ..users import user_view
from .policies import retarget


def _user_ids(pool: Pool, ids: list[str] | None) -> list[str]:
    for user_id in ids or []:
        if user_id not in pool.users:
            raise biz("USER_NOT_FOUND")
    return list(ids or [])


_ROLE_PRIVATE = ("userIds", "groupCodes", "nodeCodes", "parentKey")


def _ns(args: dict[str, Any]) -> str:
    return args.get("namespace") or DEFAULT_NAMESPACE


def _role_key(namespace: str, code: str) -> str:
    return f"{namespace}/{code}"


def _role_view(pool: Pool, role: dict[str, Any]) -> dict[str, Any]:
    view = {k: v for k, v in role.items() if k not in _ROLE_PRIVATE}
    parent_key = role.get("parentKey")
    parent = records(pool, "roles").get(parent_key) if parent_key else None
    view["parent"] = _role_view(pool, parent) if parent else None
    return view


def _role(pool: Pool, namespace: str, code: str | None) -> dict[str, Any]:
    role = records(pool, "roles").get(_role_key(namespace, code or ""))
    if role is None:
        raise biz("ROLE_NOT_FOUND")
    return dict(role)


def roles_held(pool: Pool, kind: str, target: str, namespace: str | None) -> list[dict[str, Any]]:
    """Wire views of the roles granted to ``target`` (``kind``: userIds, groupCodes, nodeCodes)."""
    return [
        _role_view(pool, r)
        for r in records(pool, "roles").values()
        if (namespace is None or r["namespace"] == namespace) and target in (r.get(kind) or [])
    ]


def group_codes_of(pool: Pool, user_id: str) -> list[str]:
    """Codes of the groups ``user_id`` belongs to."""
    return [g["code"] for g in records(pool, "groups").values() if user_id in g["userIds"]]


def role_codes_of(pool: Pool, user_id: str, namespace: str | None) -> list[str]:
    """Codes of the roles ``user_id`` holds in ``namespace`` (default namespace for ``None``)."""
    ns = namespace or DEFAULT_NAMESPACE
    return [
        r["code"]
        for r in records(pool, "roles").values()
        if r["namespace"] == ns and user_id in r["userIds"]
    ]


def _targets(pool: Pool, args: dict[str, Any]) -> dict[str, list[str]]:
    """The users, groups and org nodes (by code) named by assignRole / revokeRole."""
    groups, nodes = records(pool, "groups"), records(pool, "nodes")
    for code in args.get("groupCodes") or []:
        if code not in groups:
            raise biz("GROUP_NOT_FOUND")
    node_ids = []  # nodes by id (what the official org.add_roles sends) or code; held by id
    for ref in args.get("nodeCodes") or []:
        node = nodes.get(ref) or next((n for n in nodes.values() if n.get("code") == ref), None)
        if node is None:
            raise biz("NODE_NOT_FOUND")
        node_ids.append(node["id"])
    targets = {
        "userIds": _user_ids(pool, args.get("userIds")),
        "groupCodes": list(args.get("groupCodes") or []),
        "nodeCodes": node_ids,
    }
    if not any(targets.values()):
        raise biz("PARAMS_REQUIRED", names="userIds、groupCodes 或 nodeCodes")
    return targets


def _grant(ctx: RequestContext, args: dict[str, Any], grant: bool) -> Any:
    pool = ctx.require_management()
    namespace = _ns(args)
    codes = [c for c in (args.get("roleCode"), *(args.get("roleCodes") or [])) if c]
    if not codes:
        raise biz("PARAMS_REQUIRED", names="roleCode 或 roleCodes")
    targets = _targets(pool, args)
    roles = records(pool, "roles")
    found = [_role(pool, namespace, code) for code in codes]
    for role in found:
        for kind, ids in targets.items():
            members: list[str] = list(role.get(kind) or [])
            for target in ids:
                if grant and target not in members:
                    members.append(target)
                if not grant and target in members:
                    members.remove(target)
            role[kind] = members
        roles[_role_key(namespace, role["code"])] = role
    save(ctx, pool, "roles")
    return ok("授权成功" if grant else "撤销成功")


@resolver("Mutation.assignRole")
def assign_role(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return _grant(ctx, args, True)


@resolver("Mutation.revokeRole")
def revoke_role(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return _grant(ctx, args, False)


@resolver("User.roles")
def user_roles(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    namespace = args.get("namespace") or DEFAULT_NAMESPACE
    roles = roles_held(ctx.pool, "userIds", parent["id"], namespace)
    return page(roles, 1, len(roles))


@resolver("Node.roles")
def node_roles(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    roles = roles_held(ctx.pool, "nodeCodes", parent["id"], args.get("namespace"))
    return page(roles, 1, len(roles))


@rest_route("GET", "/api/v2/users/{userId}/has-role")
def has_role(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    user_id = call.path_params["userId"]
    if user_id not in pool.users:
        raise biz("USER_NOT_FOUND")
    codes = role_codes_of(pool, user_id, call.query.get("namespace"))
    return Envelope(call.query.get("code") in codes, message="获取成功")


_SEARCHED = ("username", "nickname", "name", "phone", "email")


@rest_route("POST", "/api/v2/roles/roleUsers")
def find_role_users(ctx: RequestContext, call: RestCall) -> Any:
    """JS ``roles.findUsers``: holders of a role whose name, phone or email contains ``search``."""
    pool = ctx.require_management()
    body = json_body(call)
    role = _role(pool, body.get("namespace") or DEFAULT_NAMESPACE, body.get("code"))
    search = str(body.get("search") or "").casefold()
    found = [
        user_view(pool.users[user_id])
        for user_id in role.get("userIds") or []
        if user_id in pool.users
        and (
            not search
            or any(search in str(pool.users[user_id].get(f) or "").casefold() for f in _SEARCHED)
        )
    ]
    try:
        number, limit = int(body.get("page") or 1), int(body.get("limit") or 10)
    except (TypeError, ValueError) as exc:
        raise biz("PAGE_NOT_INTEGER") from exc
    return page(found, number, limit)


def _follow_role(ctx: RequestContext, pool: Pool, old: dict[str, Any], new: Any) -> None:
    """Policy assignments follow a renamed role; a deleted role's assignments and custom data go."""
    if new is not None and new["code"] == old["code"]:
        return
    retarget(ctx, pool, "ROLE", old["code"], None if new is None else new["code"], old["namespace"])
    if new is None and records(pool, "udv").pop(f"ROLE/{old['id']}", None) is not None:
        save(ctx, pool, "udv")


extend("Role", after=_follow_role)
