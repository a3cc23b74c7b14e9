"""Organizations and their nodes (departments): the tree, members, a user's departments and org
paths (org detail and delete, node detail and update are generic; records from the spec)."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..entities import new_record, view
from ..errors import biz
from ..generic import extend
from ..registry import Envelope, RestCall, resolver, rest_route
from ..state import Pool, format_date
from ..store import ok, page, records, save
from ..users import paginate

_NODE_PRIVATE = ("parentId", "members")


def _nodes(pool: Pool) -> dict[str, Any]:
    return records(pool, "nodes")


def _chain(pool: Pool, node: dict[str, Any]) -> list[dict[str, Any]]:
    """Nodes from the root down to ``node``."""
    chain = [node]
    nodes = _nodes(pool)
    while chain[0].get("parentId"):
        chain.insert(0, nodes[chain[0]["parentId"]])
    return chain


def node_view(pool: Pool, node: dict[str, Any]) -> dict[str, Any]:
    """The wire ``Node``: the record's fields, the tree facts (spec ``server: resolved``)."""
    shown = view("Node", node)
    chain = _chain(pool, node)
    shown.update(
        root=node.get("parentId") is None,
        depth=len(chain) - 1,
        path=[n["id"] for n in chain],
        codePath=[n.get("code") for n in chain],
        namePath=[n["name"] for n in chain],
        children=[n["id"] for n in _nodes(pool).values() if n.get("parentId") == node["id"]],
        isVirtualNode=False,
    )
    return shown


def descendants(pool: Pool, node_id: str) -> list[str]:
    """``node_id`` and the ids of every node below it."""
    found = [node_id]
    for current in found:
        found += [n["id"] for n in _nodes(pool).values() if n.get("parentId") == current]
    return found


def ancestors_of_memberships(pool: Pool, user_id: str) -> list[str]:
    """Ids of the nodes ``user_id`` is a member of and of all their ancestors."""
    found: list[str] = []
    for node in _nodes(pool).values():
        if user_id in node["members"]:
            found += [n["id"] for n in _chain(pool, node) if n["id"] not in found]
    return found


def subtree_members(pool: Pool, node_id: str, include_children: bool) -> list[str]:
    """Ids of the users of ``node_id`` (and of its descendants), first membership first."""
    ids = descendants(pool, node_id) if include_children else [node_id]
    members: list[str] = []
    for nid in ids:
        for user_id in _nodes(pool)[nid]["members"]:
            if user_id not in members and user_id in pool.users:
                members.append(user_id)
    return members


def _org_view(pool: Pool, org: dict[str, Any]) -> dict[str, Any]:
    nodes = [n for n in _nodes(pool).values() if n["orgId"] == org["id"]]
    return {
        **view("Org", org),
        "rootNode": node_view(pool, _nodes(pool)[org["rootNodeId"]]),
        "nodes": [node_view(pool, n) for n in nodes],
    }


def _org(pool: Pool, org_id: str | None) -> dict[str, Any]:
    org = records(pool, "orgs").get(org_id or "")
    if org is None:
        raise biz("ORG_NOT_FOUND")
    return dict(org)


def _org_deleted(ctx: RequestContext, pool: Pool, org: dict[str, Any], new: Any) -> None:
    """deleteOrg (generic): its nodes go with it."""
    for node_id in [n["id"] for n in _nodes(pool).values() if n["orgId"] == org["id"]]:
        del _nodes(pool)[node_id]
    save(ctx, pool, "nodes")


extend("Org", show=_org_view, after=_org_deleted)
extend("Node", show=node_view)  # nodeById, updateNode (generic)


def _node(pool: Pool, node_id: str | None) -> dict[str, Any]:
    node: dict[str, Any] | None = _nodes(pool).get(node_id or "")
    if node is None:
        raise biz("NODE_NOT_FOUND")
    return node


def _new_node(ctx: RequestContext, pool: Pool, org_id: str, args: dict[str, Any]) -> dict[str, Any]:
    code = args.get("code")
    if code and any(n["orgId"] == org_id and n.get("code") == code for n in _nodes(pool).values()):
        raise biz("NODE_EXISTS")
    now = format_date(pool.now())
    node = new_record(
        "Node", record_id=ctx.state.ids.object_id(), pool_id=pool.id, now=now, values=args
    )
    node.update(orgId=org_id, parentId=args.get("parentNodeId"), members={})
    _nodes(pool)[node["id"]] = node
    return node


@resolver("Mutation.createOrg")
def create_org(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    org_id = ctx.state.ids.object_id()
    root = _new_node(ctx, pool, org_id, {**args, "parentNodeId": None})
    now = format_date(pool.now())
    org = new_record("Org", record_id=org_id, pool_id=pool.id, now=now, values=args)
    records(pool, "orgs")[org_id] = {
        **org,
        "rootNodeId": root["id"],
        "createdAt": now,
        "updatedAt": now,
    }
    save(ctx, pool, "orgs")
    save(ctx, pool, "nodes")
    return _org_view(pool, records(pool, "orgs")[org_id])


@resolver("Query.orgs")
def list_orgs(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    orgs = sorted(records(pool, "orgs").values(), key=lambda o: (o["createdAt"], o["id"]))
    if (args.get("sortBy") or "CREATEDAT_DESC").endswith("_DESC"):
        orgs.reverse()
    return page([_org_view(pool, o) for o in orgs], args.get("page"), args.get("limit"))


def _add_node(ctx: RequestContext, args: dict[str, Any]) -> tuple[Pool, dict[str, Any]]:
    pool = ctx.require_management()
    org = _org(pool, args["orgId"])
    parent_id = args.get("parentNodeId") or org["rootNodeId"]
    if _node(pool, parent_id)["orgId"] != org["id"]:
        raise biz("NODE_NOT_FOUND")
    node = _new_node(ctx, pool, org["id"], {**args, "parentNodeId": parent_id})
    save(ctx, pool, "nodes")
    return pool, node


@resolver("Mutation.addNode")
def add_node(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, node = _add_node(ctx, args)
    return _org_view(pool, records(pool, "orgs")[node["orgId"]])


@resolver("Mutation.addNodeV2")
def add_node_v2(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, node = _add_node(ctx, args)
    return node_view(pool, node)


@resolver("Mutation.deleteNode")
def delete_node(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    org = _org(pool, args["orgId"])
    node = _node(pool, args["nodeId"])
    if node["orgId"] != org["id"]:
        raise biz("NODE_NOT_FOUND")
    if node["id"] == org["rootNodeId"]:
        raise biz("ROOT_NODE_DELETE")
    for node_id in descendants(pool, node["id"]):
        del _nodes(pool)[node_id]
    save(ctx, pool, "nodes")
    return ok("删除成功")


def _member_node(pool: Pool, args: dict[str, Any]) -> dict[str, Any]:
    if args.get("nodeId"):
        return _node(pool, args["nodeId"])
    if not (args.get("orgId") and args.get("nodeCode")):
        raise biz("PARAMS_NEEDED", names="nodeId，或 orgId 和 nodeCode")
    nodes: list[dict[str, Any]] = list(_nodes(pool).values())
    for node in nodes:
        if node["orgId"] == args["orgId"] and node.get("code") == args["nodeCode"]:
            return node
    raise biz("NODE_NOT_FOUND")


@resolver("Mutation.addMember")
def add_member(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    node = _member_node(pool, args)
    for user_id in args["userIds"]:
        if user_id not in pool.users:
            raise biz("USER_NOT_FOUND")
    joined = format_date(pool.now())
    for user_id in args["userIds"]:
        entry = node["members"].get(user_id) or {"joinedAt": joined}
        node["members"][user_id] = {**entry, "isLeader": bool(args.get("isLeader"))}
    save(ctx, pool, "nodes")
    return node_view(pool, node)


@resolver("Mutation.removeMember")
def remove_member(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    node = _member_node(pool, args)
    for user_id in args["userIds"]:
        node["members"].pop(user_id, None)
    save(ctx, pool, "nodes")
    return node_view(pool, node)


@resolver("Node.users")
def node_users(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.pool
    include = args.get("includeChildrenNodes")
    ids = subtree_members(pool, parent["id"], True if include is None else include)
    users = [pool.users[i] for i in ids]
    return paginate(users, args.get("page"), args.get("limit"), args.get("sortBy"))


@resolver("User.departments")
def user_departments(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.pool
    org_id = args.get("orgId")
    main = parent.get("mainDepartmentId")
    departments = [
        {
            "department": node_view(pool, node),
            "isMainDepartment": node["id"] == main,
            "joinedAt": node["members"][parent["id"]].get("joinedAt"),
        }
        for node in _nodes(pool).values()
        if parent["id"] in node["members"] and (org_id is None or node["orgId"] == org_id)
    ]
    return {"totalCount": len(departments), "list": departments}


def org_paths_of(pool: Pool, user_id: str) -> list[list[dict[str, Any]]]:
    """``GET /users/{id}/orgs``: per membership, ``[org, root node, ..., the user's node]``."""
    paths = []
    for node in _nodes(pool).values():
        if user_id not in node["members"]:
            continue
        org = records(pool, "orgs")[node["orgId"]]
        head = {
            "type": "org",
            "id": org["id"],
            "createdAt": org["createdAt"],
            "updatedAt": org["updatedAt"],
            "userPoolId": pool.id,
            "rootNodeId": org["rootNodeId"],
            "logo": None,
            "tenantId": org.get("tenantId"),
        }
        chain = [
            {
                "type": "node",
                **{k: v for k, v in n.items() if k not in _NODE_PRIVATE},
                "leaderUserId": next(
                    (uid for uid, m in n["members"].items() if m.get("isLeader")), None
                ),
            }
            for n in _chain(pool, node)
        ]
        paths.append([head, *chain])
    return paths


@rest_route("GET", "/api/v2/users/{userId}/orgs")
def user_orgs(ctx: RequestContext, call: RestCall) -> Any:
    """Management token, or the user's own token (Android ``listOrgs`` uses this path)."""
    pool, caller = ctx.require_any()
    user_id = call.path_params["userId"]
    if caller is not None and caller["id"] != user_id:
        raise biz("NO_PERMISSION")
    if user_id not in pool.users:
        raise biz("USER_NOT_FOUND")
    return Envelope(org_paths_of(pool, user_id), message="获取用户组织机构列表成功")


@rest_route("GET", "/api/v2/users/me/orgs")
def my_orgs(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, _info = ctx.require_user()
    return Envelope(org_paths_of(pool, user["id"]), message="获取用户组织机构列表成功")
