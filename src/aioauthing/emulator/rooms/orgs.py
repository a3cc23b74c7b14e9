"""Organizations and their nodes (departments): the tree, members, a user's departments and org
paths, moves, search, main departments, JSON import and nested export (org detail and delete, node
update are generic; records from the spec).

Deleting a node takes its whole subtree with it (as the service does; the root node cannot be
deleted); moving a node keeps its subtree and members; a node's roles are held by the roles room
under the node's id (``node_ids``); a node's authorized resources are the acl room's evaluation."""

from __future__ import annotations

import json
from typing import Any

from ..context import RequestContext
from ..entities import new_record, view
from ..errors import biz
from ..generic import extend
from ..registry import Envelope, RestCall, resolver, rest_route
from ..state import Pool, format_date
from ..store import json_body, ok, page, records, save
from ..users import paginate, save_user, user_view

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
    _drop_nodes(ctx, pool, [n["id"] for n in _nodes(pool).values() if n["orgId"] == org["id"]])


extend("Org", show=_org_view, after=_org_deleted)
extend("Node", show=node_view)  # nodeById, updateNode (generic)


def _drop_nodes(ctx: RequestContext, pool: Pool, node_ids: list[str]) -> None:
    """Delete nodes: their memberships and roles go, users whose main department they were
    lose it."""
    gone = set(node_ids)
    for node_id in node_ids:
        del _nodes(pool)[node_id]
    save(ctx, pool, "nodes")
    roles = records(pool, "roles")  # roles granted to the nodes are no longer held
    held = [k for k, r in roles.items() if gone & set(r.get("nodeCodes") or [])]
    for key in held:
        roles[key] = {
            **roles[key],
            "nodeCodes": [n for n in roles[key]["nodeCodes"] if n not in gone],
        }
    if held:
        save(ctx, pool, "roles")
    for user in list(pool.users.values()):
        if user.get("mainDepartmentId") in gone:
            save_user(ctx, pool, {**user, "mainDepartmentId": None, "mainDepartmentCode": None})


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
    orgs = sorted(
        records(pool, "orgs").values(), key=lambda o: o["createdAt"]
    )  # stable: creation order
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
    _drop_nodes(ctx, pool, descendants(pool, node["id"]))
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
        head = {"type": "org", **_rest_org(pool, org)}
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


def _node_in(pool: Pool, org: dict[str, Any], node_id: str | None) -> dict[str, Any]:
    """A node of ``org`` (NODE_NOT_FOUND for a node of another organization)."""
    node = _node(pool, node_id)
    if node["orgId"] != org["id"]:
        raise biz("NODE_NOT_FOUND")
    return node


def _children(pool: Pool, node_id: str) -> list[dict[str, Any]]:
    return [n for n in _nodes(pool).values() if n.get("parentId") == node_id]


@resolver("Query.nodeById")
def node_by_id(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    return node_view(pool, _node(pool, args["id"]))


@resolver("Query.nodeByCode")
def node_by_code(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    org = _org(pool, args["orgId"])
    for node in _nodes(pool).values():
        if node["orgId"] == org["id"] and node.get("code") == args["code"]:
            return node_view(pool, node)
    raise biz("NODE_NOT_FOUND")


@resolver("Query.childrenNodes")
def children_nodes(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    node = _node(pool, args["nodeId"])
    if args.get("orgId") and node["orgId"] != _org(pool, args["orgId"])["id"]:
        raise biz("NODE_NOT_FOUND")
    return [node_view(pool, n) for n in _children(pool, node["id"])]


@resolver("Query.rootNode")
def root_node(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    org = _org(pool, args["orgId"])
    return node_view(pool, _nodes(pool)[org["rootNodeId"]])


@resolver("Query.isRootNode")
def is_root_node(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    org = _org(pool, args["orgId"])
    return _node_in(pool, org, args["nodeId"])["id"] == org["rootNodeId"]


@resolver("Query.searchNodes")
def search_nodes(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    keyword = (args.get("keyword") or "").casefold()
    return [node_view(pool, n) for n in _nodes(pool).values() if keyword in n["name"].casefold()]


@resolver("Mutation.moveNode")
def move_node(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    org = _org(pool, args["orgId"])
    node = _node_in(pool, org, args["nodeId"])
    target = _node_in(pool, org, args["targetParentId"])
    if node["id"] == org["rootNodeId"]:
        raise biz("ROOT_NODE_MOVE")
    if target["id"] in descendants(pool, node["id"]):
        raise biz("NODE_MOVE_INTO_ITSELF")
    node["parentId"] = target["id"]
    node["updatedAt"] = format_date(pool.now())
    save(ctx, pool, "nodes")
    return _org_view(pool, records(pool, "orgs")[org["id"]])


def _existing_users(pool: Pool, user_ids: list[str]) -> None:
    for user_id in user_ids:
        if user_id not in pool.users:
            raise biz("USER_NOT_FOUND")


def _set_main(ctx: RequestContext, pool: Pool, user_id: str, node: dict[str, Any] | None) -> None:
    user = pool.users[user_id]
    main = (node["id"], node.get("code")) if node is not None else (None, None)
    if (user.get("mainDepartmentId"), user.get("mainDepartmentCode")) != main:
        save_user(ctx, pool, {**user, "mainDepartmentId": main[0], "mainDepartmentCode": main[1]})


@resolver("Mutation.moveMembers")
def move_members(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    source, target = _node(pool, args["sourceNodeId"]), _node(pool, args["targetNodeId"])
    _existing_users(pool, args["userIds"])
    for user_id in args["userIds"]:
        if user_id not in source["members"]:
            raise biz("NOT_NODE_MEMBER")
    joined = format_date(pool.now())
    for user_id in args["userIds"]:
        entry = source["members"].pop(user_id)
        target["members"].setdefault(user_id, {**entry, "joinedAt": joined})
        if pool.users[user_id].get("mainDepartmentId") == source["id"]:
            _set_main(ctx, pool, user_id, target)
    save(ctx, pool, "nodes")
    return ok("移动成功")


@resolver("Mutation.setMainDepartment")
def set_main_department(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    user_id = args["userId"]
    _existing_users(pool, [user_id])
    node = None
    if args.get("departmentId"):
        node = _node(pool, args["departmentId"])
        if user_id not in node["members"]:
            raise biz("NOT_NODE_MEMBER")
    _set_main(ctx, pool, user_id, node)
    return ok("设置主部门成功")


# ------------------------------------------------------------------ REST: export, import, lists


def _tree(pool: Pool, node: dict[str, Any]) -> dict[str, Any]:
    """``OrgTreeNode``: a node, its own members and its children, recursively."""
    fields = ("id", "orgId", "name", "nameI18n", "description", "descriptionI18n", "order")
    return {
        **{k: node.get(k) for k in fields},
        "code": node.get("code"),
        "userPoolId": pool.id,
        "createdAt": node.get("createdAt"),
        "updatedAt": node.get("updatedAt"),
        "members": [user_view(pool.users[u]) for u in node["members"] if u in pool.users],
        "children": [_tree(pool, child) for child in _children(pool, node["id"])],
    }


def _org_tree(pool: Pool, org: dict[str, Any]) -> dict[str, Any]:
    return _tree(pool, _nodes(pool)[org["rootNodeId"]])


@rest_route("GET", "/api/v2/orgs/export")
def export_orgs(ctx: RequestContext, call: RestCall) -> Any:
    """Every organization as a tree, or the one named by ``org_id``."""
    pool = ctx.require_management()
    if "org_id" in call.query:
        return Envelope(_org_tree(pool, _org(pool, call.query["org_id"])), message="导出成功")
    orgs = records(pool, "orgs").values()  # in creation order
    return Envelope([_org_tree(pool, o) for o in orgs], message="导出成功")


def _check_tree(tree: Any, where: str, codes: set[str]) -> None:
    """An import tree: a JSON object with a ``name``; codes unique within the organization."""
    if not isinstance(tree, dict):
        raise biz("JSON_OBJECT_REQUIRED")
    if not isinstance(tree.get("name"), str) or not tree["name"].strip():
        raise biz("PARAM_MISSING", name=f"{where}.name")
    code = tree.get("code")
    if code is not None:
        if not isinstance(code, str):
            raise biz("PARAM_MISSING", name=f"{where}.code")
        if code in codes:
            raise biz("NODE_EXISTS")
        codes.add(code)
    children = tree.get("children") or []
    if not isinstance(children, list):
        raise biz("NOT_STRING_LIST", name=f"{where}.children")
    for i, child in enumerate(children):
        _check_tree(child, f"{where}.children[{i}]", codes)


_TREE_FIELDS = ("name", "code", "description", "nameI18n", "descriptionI18n", "order")


def _import_nodes(
    ctx: RequestContext, pool: Pool, org_id: str, parent_id: str, children: list[Any]
) -> None:
    for child in children:
        values = {k: child.get(k) for k in _TREE_FIELDS}
        node = _new_node(ctx, pool, org_id, {**values, "parentNodeId": parent_id})
        _import_nodes(ctx, pool, org_id, node["id"], child.get("children") or [])


@rest_route("POST", "/api/v2/orgs/import")
def import_orgs(ctx: RequestContext, call: RestCall) -> Any:
    """``{filetype: json, file: <tree | [tree] | JSON text of either>}``: one org per tree."""
    pool = ctx.require_management()
    body = json_body(call)
    if body.get("filetype") != "json":
        raise biz("CHOICE_REQUIRED", name="filetype", choices="json")
    file = body.get("file")
    if isinstance(file, str):
        try:
            file = json.loads(file)
        except ValueError as exc:
            raise biz("INVALID_JSON") from exc
    if file is None:
        raise biz("PARAM_MISSING", name="file")
    trees = file if isinstance(file, list) else [file]
    for i, tree in enumerate(trees):
        _check_tree(tree, "file" if len(trees) == 1 else f"file[{i}]", set())
    created = []
    for tree in trees:
        org_id = ctx.state.ids.object_id()
        values = {k: tree.get(k) for k in _TREE_FIELDS}
        root = _new_node(ctx, pool, org_id, {**values, "parentNodeId": None})
        now = format_date(pool.now())
        org = new_record("Org", record_id=org_id, pool_id=pool.id, now=now, values={})
        records(pool, "orgs")[org_id] = {
            **org,
            "rootNodeId": root["id"],
            "createdAt": now,
            "updatedAt": now,
        }
        _import_nodes(ctx, pool, org_id, root["id"], tree.get("children") or [])
        created.append(records(pool, "orgs")[org_id])
    save(ctx, pool, "orgs")
    save(ctx, pool, "nodes")
    return Envelope([_org_tree(pool, o) for o in created], message="导入成功")


@rest_route("GET", "/api/v2/orgs/by-tenant")
def orgs_by_tenant(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    tenant_id = call.query.get("tenant_id")
    if not tenant_id:
        raise biz("PARAM_MISSING", name="tenant_id")
    orgs = [o for o in records(pool, "orgs").values() if o.get("tenantId") == tenant_id]
    return Envelope([_org_view(pool, o) for o in orgs], message="获取成功")


def _depth(call: RestCall) -> int:
    try:
        return int(call.query.get("depth") or 1)
    except ValueError as exc:
        raise biz("NOT_INTEGER", name="depth") from exc


@rest_route("GET", "/api/v2/orgs/children")
def children_rest(ctx: RequestContext, call: RestCall) -> Any:
    """GO GetOrganizationChildren: the descendants of ``nodeId`` down to ``depth`` levels."""
    pool = ctx.require_management()
    depth = _depth(call)
    level = [_node(pool, call.query.get("nodeId"))]
    found: list[dict[str, Any]] = []
    for _ in range(max(depth, 1)):
        level = [child for n in level for child in _children(pool, n["id"])]
        found += level
    return Envelope([node_view(pool, n) for n in found], message="获取成功")


def _rest_org(pool: Pool, org: dict[str, Any]) -> dict[str, Any]:
    """The REST form of an organization (as in ``GET /users/{id}/orgs``)."""
    return {
        "id": org["id"],
        "createdAt": org["createdAt"],
        "updatedAt": org["updatedAt"],
        "userPoolId": pool.id,
        "rootNodeId": org["rootNodeId"],
        "logo": None,
        "tenantId": org.get("tenantId"),
    }


def _sorted_orgs(pool: Pool, sort_by: str | None) -> list[dict[str, Any]]:
    orgs = sorted(
        records(pool, "orgs").values(), key=lambda o: o["createdAt"]
    )  # stable: creation order
    if (sort_by or "CREATEDAT_DESC").endswith("_DESC"):
        orgs.reverse()
    return orgs


def _page_args(call: RestCall) -> tuple[int, int]:
    try:
        return int(call.query.get("page") or 1), int(call.query.get("limit") or 10)
    except ValueError as exc:
        raise biz("PAGE_NOT_INTEGER") from exc


@rest_route("GET", "/api/v2/orgs/pagination")
def orgs_pagination(ctx: RequestContext, call: RestCall) -> Any:
    """GO GetOrganizationList: one page of ``Org`` objects."""
    pool = ctx.require_management()
    number, limit = _page_args(call)
    orgs = [_org_view(pool, o) for o in _sorted_orgs(pool, call.query.get("sortBy"))]
    return Envelope(page(orgs, number, limit), message="获取成功")


@rest_route("GET", "/api/v2/orgs")
def orgs_rest(ctx: RequestContext, call: RestCall) -> Any:
    """JS getAllOrgs (with ``/orgs/count``): one page of REST organizations."""
    pool = ctx.require_management()
    number, limit = _page_args(call)
    orgs = [_rest_org(pool, o) for o in _sorted_orgs(pool, None)]
    return Envelope(page(orgs, number, limit)["list"], message="获取成功")


@rest_route("GET", "/api/v2/orgs/count")
def orgs_count(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    return Envelope({"count": len(records(pool, "orgs"))}, message="获取成功")


@rest_route("POST", "/connections/enterprise/{providerType}/start-sync")
def start_sync(ctx: RequestContext, call: RestCall) -> Any:
    """PY/JS start_sync (DingTalk, WeCom): the emulator connects to no external directory, so the
    pool has no such enterprise connection and the sync is refused as the service refuses it."""
    ctx.require_management()
    raise biz("ENTERPRISE_CONNECTION_NOT_FOUND", kind=call.path_params.get("providerType", ""))


@rest_route("POST", "/api/v2/ad/sync")
def start_ad_sync(ctx: RequestContext, call: RestCall) -> Any:
    """PY/JS start_sync for AD: no AD connector exists in the emulator."""
    ctx.require_management()
    body = call.body if isinstance(call.body, dict) else {}
    if not body.get("connectionId"):
        raise biz("PARAM_MISSING", name="connectionId")
    raise biz("ENTERPRISE_CONNECTION_NOT_FOUND", kind="ad")
