"""Access control: resources, authorizations and their evaluation (permission groups are
generic: this room checks a new one and serves its update and delete; resources are spec records
kept per permission group), programmatic access accounts and application access rules.

The evaluation (``is_allowed``, ``resources_of``, ``targets_of``, ``user_subjects``) is what the
other rooms call to answer "authorized resources" of users, roles, groups and org nodes. A user
inherits the grants of the roles it holds (and their parent roles), of the groups it is in and of
the org nodes it belongs to with their parent nodes. Grants live in the ``acl`` record kind, one per
(namespace, target, resource code); resource codes and actions match with ``*`` wildcards
(``books:*``, ``*``); a DENY statement of a policy assigned to any of those subjects wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from ..context import RequestContext
from ..entities import new_record, view
from ..errors import biz
from ..generic import extend
from ..registry import Envelope, RestCall, resolver, rest_route
from ..state import Pool, format_date
from ..store import DEFAULT_NAMESPACE, json_body, ok, page, query_int, records, save
from .orgs import ancestors_of_memberships
from .policies import granting_statements
from .roles import group_codes_of

Subject = tuple[str, str, str | None]
"""(targetType, targetIdentifier, namespace the grants must be in, or ``None`` for any)."""

ACCESS_ACCOUNTS = "access_accounts"
"""Record kind of the programmatic access accounts (read by ``oauth.authenticate_client``)."""


def _role_chain(pool: Pool, role: dict[str, Any]) -> list[dict[str, Any]]:
    """``role`` and its parent roles (a cycle stops the walk)."""
    chain, seen = [role], {id(role)}
    roles = records(pool, "roles")
    while (parent := roles.get(chain[-1].get("parentKey") or "")) is not None:
        if id(parent) in seen:
            break
        seen.add(id(parent))
        chain.append(parent)
    return chain


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
            for held in _role_chain(pool, role):
                subject = ("ROLE", held["code"], held["namespace"])
                if subject not in subjects:
                    subjects.append(subject)
    return subjects


@lru_cache(maxsize=512)
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$")


def matches(pattern: str, value: str) -> bool:
    """Whether a granted resource code or action (``books:*``, ``*``) covers ``value``."""
    return pattern == value or ("*" in pattern and _pattern(pattern).match(value) is not None)


def _covered(subjects: Iterable[Subject], target_type: str, identifier: str, ns: str) -> bool:
    wanted = set(subjects)
    return (target_type, identifier, None) in wanted or (target_type, identifier, ns) in wanted


def _statements(pool: Pool, subjects: list[Subject], namespace: str) -> list[dict[str, Any]]:
    """Statements of the enabled policy assignments of ``namespace`` made to ``subjects``."""
    found: list[dict[str, Any]] = []
    for target_type, identifier, only in subjects:
        if only is None or only == namespace:
            found += granting_statements(pool, target_type, identifier, namespace)
    return found


def is_allowed(pool: Pool, user_id: str, resource: str, action: str, namespace: str) -> bool:
    """The evaluation of ``isActionAllowed`` (module docstring): deny over allow."""
    subjects = user_subjects(pool, user_id)
    allowed = False
    for grant in records(pool, "acl").values():
        if grant["namespace"] != namespace or not matches(grant["code"], resource):
            continue
        if not _covered(subjects, grant["targetType"], grant["targetIdentifier"], namespace):
            continue
        if any(matches(a, action) for a in grant["actions"]):
            allowed = True
    for statement in _statements(pool, subjects, namespace):
        if not matches(statement.get("resource") or "", resource):
            continue
        if not any(matches(a, action) for a in statement.get("actions") or []):
            continue
        if statement.get("effect") == "DENY":
            return False
        allowed = True
    return allowed


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


def _defined_type(pool: Pool, namespace: str, code: str) -> str:
    """The type of the resource ``code`` (or of its kind, ``books`` of ``books:1``); DATA when
    the permission group defines neither."""
    defined = records(pool, "resources")
    for key in (code, code.split(":", 1)[0]):
        resource = defined.get(f"{namespace}/{key}")
        if resource is not None and resource.get("type"):
            return str(resource["type"])
    return "DATA"


def _check_target(pool: Pool, target_type: str, identifier: str) -> None:
    if target_type == "USER" and identifier not in pool.users:
        raise biz("USER_NOT_FOUND")


def _grant_key(namespace: str, target_type: str, identifier: str, code: str) -> str:
    return f"{namespace}/{target_type}/{identifier}/{code}"


def grant(
    pool: Pool,
    namespace: str,
    target_type: str,
    identifier: str,
    code: str,
    resource_type: str | None,
    actions: Iterable[str],
    *,
    merge: bool = False,
) -> None:
    """Record (or replace; ``merge``: extend) the actions ``identifier`` holds on ``code``."""
    acl = records(pool, "acl")
    key = _grant_key(namespace, target_type, identifier, code)
    kept = acl[key]["actions"] if merge and key in acl else []
    acl[key] = {
        "namespace": namespace,
        "targetType": target_type,
        "targetIdentifier": identifier,
        "code": code,
        "type": resource_type or _defined_type(pool, namespace, code),
        "actions": kept + [a for a in actions if a not in kept],
    }


def revoke(
    pool: Pool,
    namespace: str,
    target_type: str,
    identifier: str,
    code: str,
    actions: Iterable[str] | None,
) -> None:
    """Take back ``actions`` (all of them for ``None`` or none listed) of a grant."""
    acl = records(pool, "acl")
    key = _grant_key(namespace, target_type, identifier, code)
    if key not in acl:
        return
    taken = list(actions or [])
    left = [a for a in acl[key]["actions"] if taken and a not in taken]
    if left:
        acl[key]["actions"] = left
    else:
        del acl[key]


@resolver("Mutation.authorizeResource")
def authorize_resource(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    """Python's client sends no resourceType: the resource's own type (else DATA) is taken."""
    pool = ctx.require_management()
    namespace = args.get("namespace") or DEFAULT_NAMESPACE
    resource, resource_type = args.get("resource"), args.get("resourceType")
    if not resource:
        raise biz("PARAM_MISSING", name="resource")
    opts = args.get("opts") or []
    if not opts:
        raise biz("EMPTY_VALUE", name="opts")
    for opt in opts:
        _check_target(pool, opt["targetType"], opt["targetIdentifier"])
    for opt in opts:
        grant(
            pool,
            namespace,
            opt["targetType"],
            opt["targetIdentifier"],
            resource,
            resource_type,
            opt.get("actions") or [],
        )
    save(ctx, pool, "acl")
    return ok("授权成功")


@resolver("Mutation.allow")
def allow(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    namespace = args.get("namespace") or DEFAULT_NAMESPACE
    users = [u for u in [args.get("userId"), *(args.get("userIds") or [])] if u]
    roles = [r for r in [args.get("roleCode"), *(args.get("roleCodes") or [])] if r]
    if not users and not roles:
        raise biz("PARAMS_REQUIRED", names="userId 或 roleCode")
    for user_id in users:
        _check_target(pool, "USER", user_id)
    for code in roles:
        if f"{namespace}/{code}" not in records(pool, "roles"):
            raise biz("ROLE_NOT_FOUND")
    targets = [("USER", u) for u in users] + [("ROLE", r) for r in roles]
    for target_type, identifier in targets:
        grant(
            pool,
            namespace,
            target_type,
            identifier,
            args["resource"],
            None,
            [args["action"]],
            merge=True,
        )
    save(ctx, pool, "acl")
    return ok("授权成功")


def _allowed(ctx: RequestContext, values: dict[str, Any]) -> bool:
    pool = ctx.require_management()
    for name in ("userId", "resource", "action"):
        if not isinstance(values.get(name), str) or not values[name]:
            raise biz("PARAM_MISSING", name=name)
    if values["userId"] not in pool.users:
        raise biz("USER_NOT_FOUND")
    namespace = values.get("namespace") or DEFAULT_NAMESPACE
    return is_allowed(pool, values["userId"], values["resource"], values["action"], namespace)


@resolver("Query.isActionAllowed")
def is_action_allowed(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return _allowed(ctx, args)


@rest_route("POST", "/api/v2/acl/is-allowed")
def is_allowed_rest(ctx: RequestContext, call: RestCall) -> Any:
    """JS ``isAllowed``: the same evaluation, answering ``{allowed}``."""
    return {"allowed": _allowed(ctx, json_body(call))}


def _opts(body: dict[str, Any], *, batch: bool) -> list[dict[str, Any]]:
    opts = body.get("opts")
    if not isinstance(opts, list) or not opts:
        raise biz("EMPTY_VALUE", name="opts")
    for opt in opts:
        if not isinstance(opt, dict):
            raise biz("PARAMS_REQUIRED", names="targetType 和 targetIdentifier")
        ids = opt.get("targetIdentifiers") if batch else opt.get("targetIdentifier")
        if (
            opt.get("targetType") not in _TARGET_TYPES
            or not ids
            or (batch and not isinstance(opt.get("resources"), list))
        ):
            raise biz("PARAMS_REQUIRED", names="targetType 和 targetIdentifier")
    return opts


_TARGET_TYPES = ("USER", "ROLE", "GROUP", "ORG", "AK_SK")


@rest_route("POST", "/api/v2/acl/revoke-resource")
def revoke_resource(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    body = json_body(call)
    namespace = body.get("namespace") or DEFAULT_NAMESPACE
    resource = body.get("resource")
    if not isinstance(resource, str) or not resource:
        raise biz("PARAM_MISSING", name="resource")
    for opt in _opts(body, batch=False):
        revoke(
            pool,
            namespace,
            opt["targetType"],
            opt["targetIdentifier"],
            resource,
            opt.get("actions"),
        )
    save(ctx, pool, "acl")
    return Envelope(message="撤销授权成功")


@rest_route("POST", "/api/v2/acl/authorize-resources")
def authorize_resources(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    body = json_body(call)
    namespace = body.get("namespace") or DEFAULT_NAMESPACE
    opts = _opts(body, batch=True)
    for opt in opts:
        for identifier in opt["targetIdentifiers"]:
            _check_target(pool, opt["targetType"], identifier)
    for opt in opts:
        for identifier in opt["targetIdentifiers"]:
            for item in opt["resources"]:
                grant(
                    pool,
                    namespace,
                    opt["targetType"],
                    identifier,
                    item["code"],
                    item.get("resourceType"),
                    item.get("actions") or [],
                )
    save(ctx, pool, "acl")
    return Envelope(message="授权成功")


@rest_route("POST", "/api/v2/acl/revoke-resources")
def revoke_resources(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    body = json_body(call)
    namespace = body.get("namespace") or DEFAULT_NAMESPACE
    for opt in _opts(body, batch=True):
        for identifier in opt["targetIdentifiers"]:
            for item in opt["resources"]:
                revoke(
                    pool,
                    namespace,
                    opt["targetType"],
                    identifier,
                    item["code"],
                    item.get("actions"),
                )
    save(ctx, pool, "acl")
    return Envelope(message="撤销授权成功")


@rest_route("POST", "/api/v2/acl/list-authorized-resources-batch")
def list_authorized_resources_batch(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    body = json_body(call)
    namespace = body.get("namespace") or DEFAULT_NAMESPACE
    targets = body.get("targets")
    if not isinstance(targets, list) or not targets:
        raise biz("EMPTY_VALUE", name="targets")
    answer = []
    for target in targets:
        if not isinstance(target, dict) or not target.get("targetIdentifier"):
            raise biz("PARAMS_REQUIRED", names="targetType 和 targetIdentifier")
        found = resources_of(
            pool,
            target.get("targetType") or "USER",
            target["targetIdentifier"],
            namespace,
            body.get("resourceType") or None,
        )
        answer.append(
            {
                **found,
                "targetType": target.get("targetType"),
                "targetIdentifier": target["targetIdentifier"],
            }
        )
    return {"list": answer}


def targets_of(
    pool: Pool,
    namespace: str,
    resource: str,
    resource_type: str | None,
    target_type: str | None,
    actions: dict[str, Any] | None,
) -> dict[str, Any]:
    """``PaginatedAuthorizedTargets``: who holds actions on ``resource`` (its own grants)."""
    wanted = [a for a in (actions or {}).get("list") or [] if a]
    every = (actions or {}).get("op") == "AND"
    found = []
    for g in records(pool, "acl").values():
        if g["namespace"] != namespace or g["code"] != resource:
            continue
        if resource_type and g["type"] != resource_type:
            continue
        if target_type and g["targetType"] != target_type:
            continue
        held = [any(matches(a, w) for a in g["actions"]) for w in wanted]
        if wanted and not (all(held) if every else any(held)):
            continue
        found.append(
            {
                "targetType": g["targetType"],
                "targetIdentifier": g["targetIdentifier"],
                "actions": list(g["actions"]),
            }
        )
    return {"totalCount": len(found), "list": found}


@resolver("Query.authorizedTargets")
def authorized_targets(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    """Groups are kept (and answered) by code."""
    pool = ctx.require_management()
    return targets_of(
        pool,
        args.get("namespace") or DEFAULT_NAMESPACE,
        args["resource"],
        args.get("resourceType"),
        args.get("targetType"),
        args.get("actions"),
    )


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


def _namespace_id(pool: Pool, code: str) -> int:
    """Numeric id of a permission group; 0 for the implicit default group."""
    if code == DEFAULT_NAMESPACE:
        return 0
    namespace = records(pool, "namespaces").get(code)
    if namespace is None and code == pool.app_id:  # the default application's group: implicit
        return 0
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
    kind = call.query.get("type") or call.query.get("resourceType")  # Go: resourceType
    items = [
        view("Resource", r)
        for key, r in records(pool, "resources").items()
        if key.startswith(f"{namespace}/") and (not kind or r["type"] == kind)
    ]
    return page(items, query_int(call, "page", 1), query_int(call, "limit", 10))


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


# ---------------------------------------------------------------------------- permission groups


def _namespace_by(ctx: RequestContext, call: RestCall) -> tuple[Pool, dict[str, Any]]:
    """The permission group a ``/resource-namespace/{userPoolId}/{id}`` (or ``/code/{code}``)
    path names; ``NAMESPACE_NOT_FOUND`` when none has that id or code."""
    pool = ctx.require_management()
    if call.path_params.get("userPoolId") != pool.id:
        raise biz("NO_PERMISSION")
    namespaces = records(pool, "namespaces")
    if "code" in call.path_params:
        found = namespaces.get(call.path_params["code"])
    else:
        raw = call.path_params.get("id", "")
        found = next((n for n in namespaces.values() if str(n["id"]) == raw), None)
    if found is None:
        raise biz("NAMESPACE_NOT_FOUND")
    return pool, found


def _rehome(ctx: RequestContext, pool: Pool, old: str, new: str | None) -> None:
    """Resources and grants of permission group ``old`` follow it to code ``new`` (or go with
    it when ``new`` is ``None``)."""
    resources, acl = records(pool, "resources"), records(pool, "acl")
    for key in [k for k in resources if k.startswith(f"{old}/")]:
        resource = resources.pop(key)
        if new is not None:
            resources[f"{new}/{resource['code']}"] = resource
    for key in [k for k, g in acl.items() if g["namespace"] == old]:
        entry = acl.pop(key)
        if new is not None:
            entry["namespace"] = new
            acl[_grant_key(new, entry["targetType"], entry["targetIdentifier"], entry["code"])] = (
                entry
            )
    save(ctx, pool, "resources")
    save(ctx, pool, "acl")


def _update_namespace(ctx: RequestContext, call: RestCall) -> Any:
    pool, namespace = _namespace_by(ctx, call)
    body = json_body(call)
    namespaces = records(pool, "namespaces")
    old = namespace["code"]
    new = body.get("code") or old
    if not isinstance(new, str) or new == DEFAULT_NAMESPACE:
        raise biz("NAMESPACE_EXISTS")
    if new != old and new in namespaces:
        raise biz("NAMESPACE_EXISTS")
    for field in ("name", "description"):
        if isinstance(body.get(field), str):
            namespace[field] = body[field]
    if new != old:
        del namespaces[old]
        namespace["code"] = new
        namespaces[new] = namespace
        _rehome(ctx, pool, old, new)
    save(ctx, pool, "namespaces")
    return view("Namespace", namespace)


def _delete_namespace(ctx: RequestContext, call: RestCall) -> Any:
    pool, namespace = _namespace_by(ctx, call)
    del records(pool, "namespaces")[namespace["code"]]
    save(ctx, pool, "namespaces")
    _rehome(ctx, pool, namespace["code"], None)
    return Envelope(message="删除成功")


rest_route("PUT", "/api/v2/resource-namespace/{userPoolId}/{id}")(_update_namespace)
rest_route("PUT", "/api/v2/resource-namespace/{userPoolId}/code/{code}")(_update_namespace)
rest_route("DELETE", "/api/v2/resource-namespace/{userPoolId}/{id}")(_delete_namespace)
rest_route("DELETE", "/api/v2/resource-namespace/{userPoolId}/code/{code}")(_delete_namespace)


# ---------------------------------------------------------------------------- resources


def _resource_key(pool: Pool, namespace: Any, code: Any) -> str:
    if not isinstance(namespace, str) or not namespace:
        raise biz("PARAM_MISSING", name="namespace")
    _namespace_id(pool, namespace)
    key = f"{namespace}/{code}"
    if key not in records(pool, "resources"):
        raise biz("NOT_FOUND")
    return key


@rest_route("GET", "/api/v2/resources/detail")
def resource_detail(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    if call.query.get("id"):
        found = next(
            (r for r in records(pool, "resources").values() if r["id"] == call.query["id"]), None
        )
        if found is None:
            raise biz("NOT_FOUND")
        return view("Resource", found)
    key = _resource_key(pool, call.query.get("namespace"), call.query.get("code") or "")
    return view("Resource", records(pool, "resources")[key])


def _actions(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(a, dict) and a.get("name") for a in value):
        raise biz("ACTIONS_SHAPE")
    return [{"name": a["name"], "description": a.get("description")} for a in value]


@rest_route("POST", "/api/v2/resources/{code}")
def update_resource(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    body = json_body(call)
    key = _resource_key(pool, body.get("namespace"), call.path_params["code"])
    resource = records(pool, "resources")[key]
    if body.get("type") is not None:
        if body["type"] not in _RESOURCE_TYPES:
            raise biz("CHOICE_REQUIRED", name="type", choices=", ".join(_RESOURCE_TYPES))
        resource["type"] = body["type"]
    if body.get("actions") is not None:
        resource["actions"] = _actions(body["actions"])
    for field in ("description", "apiIdentifier"):
        if isinstance(body.get(field), str):
            resource[field] = body[field]
    resource["updatedAt"] = format_date(pool.now())
    save(ctx, pool, "resources")
    return view("Resource", resource)


@rest_route("DELETE", "/api/v2/resources/{code}")
def delete_resource(ctx: RequestContext, call: RestCall) -> Any:
    """``namespace`` in the query (Python, JS) or in a JSON body (Go)."""
    pool = ctx.require_management()
    body = call.body if isinstance(call.body, dict) else {}
    namespace = call.query.get("namespace") or body.get("namespace")
    code = call.path_params["code"]
    key = _resource_key(pool, namespace, code)
    del records(pool, "resources")[key]
    acl = records(pool, "acl")
    for grant_key in [
        k for k, g in acl.items() if g["namespace"] == namespace and g["code"] == code
    ]:
        del acl[grant_key]
    save(ctx, pool, "resources")
    save(ctx, pool, "acl")
    return Envelope(message="删除成功")


@rest_route("GET", "/api/v2/policies/assignments/by-target")
def policy_assignments_by_target(ctx: RequestContext, call: RestCall) -> Any:
    """JS ``getPoliciesAssignmentsCondition``: the assignments of a policy to one kind of target."""
    pool = ctx.require_management()
    namespace = call.query.get("namespace") or DEFAULT_NAMESPACE
    code, target_type = call.query.get("policy_code") or "", call.query.get("target_type")
    if f"{namespace}/{code}" not in records(pool, "policies"):
        raise biz("POLICY_NOT_FOUND")
    found = [
        {
            "code": a["code"],
            "namespace": a["namespace"],
            "targetType": a["targetType"],
            "targetIdentifier": a["targetIdentifier"],
            "inheritByChildren": bool(a.get("inheritByChildren")),
            "enabled": a.get("enabled", True) is not False,
        }
        for a in records(pool, "policy_assignments").values()
        if a["namespace"] == namespace
        and a["code"] == code
        and (not target_type or a["targetType"] == target_type)
    ]
    return {"totalCount": len(found), "list": found}


# ---------------------------------------------------------------------------- applications


def _application(pool: Pool, app_id: str) -> None:
    """``APP_NOT_FOUND`` unless ``app_id`` is the pool's default or one of its created apps."""
    if app_id != pool.app_id and app_id not in records(pool, "applications"):
        raise biz("APP_NOT_FOUND")


def access_account(pool: Pool, account_id: str) -> dict[str, Any] | None:
    """The programmatic access account ``account_id`` of ``pool``, if any."""
    found: dict[str, Any] | None = records(pool, ACCESS_ACCOUNTS).get(account_id)
    return found


def _check_access_account(
    pool: Pool, values: dict[str, Any], current: dict[str, Any] | None
) -> None:
    """A positive whole ``tokenLifetime`` (list, create and delete are the spec's ``emulate``:
    a record under its application; Go and Python send ``remark``, JS ``remarks``)."""
    lifetime = values.get("tokenLifetime")
    if lifetime is not None and (
        not isinstance(lifetime, int) or isinstance(lifetime, bool) or lifetime <= 0
    ):
        raise biz("NOT_INTEGER", name="tokenLifetime")


extend("ProgrammaticAccessAccount", check=_check_access_account)


@rest_route("PATCH", "/api/v2/applications/programmatic-access-accounts")
def change_access_account(ctx: RequestContext, call: RestCall) -> Any:
    """``{id, enabled}`` enables or disables; ``{id, secret}`` replaces the secret (a new one
    is made up when it is empty or not sent)."""
    pool = ctx.require_management()
    body = json_body(call)
    account = access_account(pool, str(body.get("id") or ""))
    if account is None:
        raise biz("ACCESS_ACCOUNT_NOT_FOUND")
    if "enabled" in body:
        if not isinstance(body["enabled"], bool):
            raise biz("PARAM_MISSING", name="enabled")
        account["enabled"] = body["enabled"]
    if "secret" in body or "enabled" not in body:
        secret = body.get("secret")
        account["secret"] = secret if isinstance(secret, str) and secret else ctx.state.ids.secret()
    account["updatedAt"] = format_date(pool.now())
    save(ctx, pool, ACCESS_ACCOUNTS)
    return dict(account)


def _rules(pool: Pool) -> dict[str, Any]:
    return records(pool, "app_access")


def app_strategy(pool: Pool, app_id: str) -> dict[str, Any]:
    """An application's ``permissionStrategy`` (``ALLOW_ALL`` until changed)."""
    stored: dict[str, Any] | None = records(pool, "app_strategy").get(app_id)
    return dict(stored) if stored else {"defaultStrategy": "ALLOW_ALL", "enabled": True}


def app_access_allowed(pool: Pool, app_id: str, user_id: str) -> bool:
    """Whether ``user_id`` may use ``app_id``: the enabled rules naming the user, its roles,
    groups or org nodes (deny over allow), else the default strategy."""
    rules = [r for r in _rules(pool).values() if r["appId"] == app_id and r["enabled"]]
    subjects = user_subjects(pool, user_id) if rules else []
    verdicts = {
        r["code"]
        for r in rules
        if _covered(subjects, r["targetType"], r["targetIdentifier"], r["namespace"])
    }
    if verdicts:
        return "DENY" not in verdicts
    return bool(app_strategy(pool, app_id)["defaultStrategy"] != "DENY_ALL")


def _rule_targets(
    ctx: RequestContext, call: RestCall
) -> tuple[Pool, str, dict[str, Any], list[str]]:
    pool = ctx.require_management()
    app_id = call.path_params["appId"]
    _application(pool, app_id)
    body = json_body(call)
    target_type, ids = body.get("targetType"), body.get("targetIdentifiers")
    if target_type not in _TARGET_TYPES:
        raise biz("CHOICE_REQUIRED", name="targetType", choices=", ".join(_TARGET_TYPES[:4]))
    if isinstance(ids, str):
        ids = [ids]
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise biz("EMPTY_VALUE", name="targetIdentifiers")
    return pool, app_id, body, ids


def _rule_key(app_id: str, target_type: str, identifier: str) -> str:
    return f"{app_id}/{target_type}/{identifier}"


def _set_rules(ctx: RequestContext, call: RestCall, verdict: str) -> Any:
    pool, app_id, body, ids = _rule_targets(ctx, call)
    for identifier in ids:
        _check_target(pool, body["targetType"], identifier)
    for identifier in ids:
        key = _rule_key(app_id, body["targetType"], identifier)
        _rules(pool)[key] = {
            "appId": app_id,
            "assignedAt": format_date(pool.now()),
            "inheritByChildren": bool(body.get("inheritByChildren")),
            "enabled": True,
            "policyId": f"{app_id}-{verdict.lower()}",
            "code": verdict,
            "targetType": body["targetType"],
            "targetIdentifier": identifier,
            "namespace": body.get("namespace") or app_id,
        }
    save(ctx, pool, "app_access")
    return Envelope(
        message="允许主体访问应用的策略配置已生效"
        if verdict == "ALLOW"
        else "拒绝主体访问应用的策略配置已生效"
    )


def _change_rules(ctx: RequestContext, call: RestCall, enabled: bool | None) -> Any:
    """Enable / disable (or, ``None``, delete) the rules of the targets; unknown ones are skipped."""
    pool, app_id, body, ids = _rule_targets(ctx, call)
    for identifier in ids:
        key = _rule_key(app_id, body["targetType"], identifier)
        if key not in _rules(pool):
            continue
        if enabled is None:
            del _rules(pool)[key]
        else:
            _rules(pool)[key]["enabled"] = enabled
    save(ctx, pool, "app_access")
    messages = {True: "启用应用访问控制策略成功", False: "停用应用访问控制策略成功"}
    return Envelope(message=messages.get(enabled, "删除应用访问控制策略成功"))  # type: ignore[arg-type]


@rest_route("GET", "/api/v2/applications/{appId}/authorization/records")
def app_access_records(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    app_id = call.path_params["appId"]
    _application(pool, app_id)
    found = [
        {k: v for k, v in r.items() if k != "appId"}
        for r in _rules(pool).values()
        if r["appId"] == app_id
    ]
    return page(found, query_int(call, "page", 1), query_int(call, "limit", 10))


rest_route("POST", "/api/v2/applications/{appId}/authorization/allow")(
    lambda ctx, call: _set_rules(ctx, call, "ALLOW")
)
rest_route("POST", "/api/v2/applications/{appId}/authorization/deny")(
    lambda ctx, call: _set_rules(ctx, call, "DENY")
)
rest_route("POST", "/api/v2/applications/{appId}/authorization/enable-effect")(
    lambda ctx, call: _change_rules(ctx, call, True)
)
rest_route("POST", "/api/v2/applications/{appId}/authorization/disable-effect")(
    lambda ctx, call: _change_rules(ctx, call, False)
)
rest_route("POST", "/api/v2/applications/{appId}/authorization/revoke")(
    lambda ctx, call: _change_rules(ctx, call, None)
)


def apply_permission_strategy(
    ctx: RequestContext, pool: Pool, app_id: str, body: dict[str, Any]
) -> None:
    """Keep ``permissionStrategy.defaultStrategy`` (ALLOW_ALL / DENY_ALL) of an application
    update body, if it has one (the application must exist: the caller checks)."""
    strategy = body.get("permissionStrategy")
    if strategy is None:
        return
    chosen = strategy.get("defaultStrategy") if isinstance(strategy, dict) else None
    if chosen not in ("ALLOW_ALL", "DENY_ALL"):
        raise biz("CHOICE_REQUIRED", name="defaultStrategy", choices="ALLOW_ALL, DENY_ALL")
    records(pool, "app_strategy")[app_id] = {
        **app_strategy(pool, app_id),
        "defaultStrategy": chosen,
    }
    save(ctx, pool, "app_strategy")
