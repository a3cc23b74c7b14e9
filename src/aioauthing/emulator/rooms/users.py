"""Users: create, find, list, search, update and delete them; the user's own profile; kick."""

from __future__ import annotations

import copy
from typing import Any

from starlette.responses import JSONResponse

from ..audit import entries
from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, resolver, rest_route
from ..state import Pool, format_date
from ..store import DEFAULT_NAMESPACE, records
from ..users import (
    apply_profile,
    check_email,
    check_unique,
    merge_custom_data,
    new_user,
    paginate,
    parse_custom_data,
    set_password,
    user_view,
)
from .account import check_password_strength
from .acl import resources_of
from .custom_data import typed_entry
from .orgs import subtree_members
from .roles import roles_held

MAX_BATCH = 80


_SENSITIVE = ("email", "phone", "password", "emailVerified", "phoneVerified")


def _get(pool: Pool, user_id: str | None) -> dict[str, Any]:
    user = pool.users.get(user_id or "")
    if user is None:
        raise biz("USER_NOT_FOUND")
    return user


@resolver("Mutation.createUser")
def create_user(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    info: dict[str, Any] = dict(args["userInfo"])
    if info.get("email"):
        check_email(info["email"])
    check_unique(pool, info)
    user = new_user(ctx, pool, info, register_source=info.get("registerSource") or ["unknown"])
    if info.get("password"):
        set_password(ctx, user, info["password"], keep=bool(args.get("keepPassword")))
    typed = [
        typed_entry(pool, "USER", e["key"], e["value"], strict=False)
        for e in parse_custom_data(args.get("params"))
    ]
    merge_custom_data(user, typed)
    identity = args.get("identity")
    if identity:
        user["identities"] = [
            {
                "openid": identity.get("openid"),
                "userIdInIdp": identity.get("userIdInIdp"),
                "userInfoInIdp": None,
                "userId": user["id"],
                "connectionId": identity.get("connectionId"),
                "extIdpId": identity.get("connectionId"),
                "isSocial": identity.get("isSocial"),
                "provider": identity.get("provider"),
                "type": "generic",
                "userPoolId": pool.id,
                "accessToken": identity.get("accessToken"),
                "refreshToken": identity.get("refreshToken"),
            }
        ]
    if args.get("resetPasswordOnFirstLogin"):
        user["_resetPasswordOnFirstLogin"] = True
    ctx.state.put_user(pool, user)
    return user_view(user)


@resolver("Mutation.updateUser")
def update_user(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, caller = ctx.require_any()
    changes: dict[str, Any] = dict(args["input"])
    if caller is not None:
        if args.get("id") not in (None, caller["id"]):
            raise biz("NO_PERMISSION")
        for field in _SENSITIVE:
            if changes.get(field) is not None:
                raise biz("NOT_ALLOWED_TO_MODIFY")
        target = caller
    else:
        target = _get(pool, args.get("id"))
    if changes.get("email"):
        check_email(changes["email"])
    check_unique(pool, changes, exclude_id=target["id"])
    previous = copy.copy(target)
    user = dict(target)
    apply_profile(user, changes)
    if changes.get("password"):
        set_password(ctx, user, changes["password"])
        user["_tokens"] = {}
    expired_at = changes.get("tokenExpiredAt")
    if expired_at and expired_at <= format_date(pool.now()):
        user["_tokens"] = {}
    user["updatedAt"] = format_date(pool.now())
    ctx.state.put_user(pool, user, previous=previous)
    if caller is not None and user.get("_tokens"):
        # A user updating their own profile gets their (still valid) token back, as Authing
        # does: the official SDKs store it as the session token (``_set_current_user``).
        return user_view(user, token=ctx.bearer)
    return user_view(user)


@resolver("Query.user")
def get_user(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, caller = ctx.require_any()
    user_id = args.get("id")
    if caller is not None:
        if user_id not in (None, caller["id"]):
            raise biz("NO_PERMISSION")
        return user_view(caller)
    # Management: an unknown id (or another pool's) is 2004, not null, so that chained reads
    # (``user(id).roles``, ``.groups``, ...) fail as Authing's do instead of answering nothing.
    return user_view(_get(pool, user_id))


@resolver("Query.users")
def list_users(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    return paginate(pool.users.values(), args.get("page"), args.get("limit"), args.get("sortBy"))


@resolver("Query.archivedUsers")
def archived_users(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    archived = (u for u in pool.users.values() if u.get("status") == "Archived")
    return paginate(archived, args.get("page"), args.get("limit"))


@resolver("Query.userBatch")
def user_batch(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    ids: list[str] = args["ids"]
    if len(ids) > MAX_BATCH:
        raise biz("TOO_MANY_USERS")
    kind = args.get("type") or "id"
    if kind not in ("id", "username", "email", "phone", "externalId"):
        raise biz("UNSUPPORTED_TYPE", kind=kind)
    found = []
    for value in ids:
        user = pool.users.get(value) if kind == "id" else pool.find_by(kind, value)
        if user is not None:
            found.append(user_view(user))
    return found


@rest_route("POST", "/api/v2/users/batch")
def rest_user_batch(ctx: RequestContext, call: RestCall) -> Any:
    """JS ``users.batch``: ``{ids, type, withCustomData}``, the same lookup as ``userBatch``."""
    body = call.body if isinstance(call.body, dict) else {}
    ids = body.get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise biz("NOT_STRING_LIST", name="ids")
    found = user_batch(ctx, None, {"ids": ids, "type": body.get("type")})
    return Envelope([_rest_view(u, bool(body.get("withCustomData"))) for u in found])


def _find(pool: Pool, args: dict[str, Any]) -> dict[str, Any] | None:
    for field in ("email", "phone", "username", "externalId"):
        if args.get(field):
            return pool.find_by(field, args[field])
    identity = args.get("identity")
    if identity:
        for user in pool.users.values():
            for entry in user.get("identities") or []:
                if entry.get("provider") == identity.get("provider") and entry.get(
                    "userIdInIdp"
                ) in (identity.get("userIdInIdp"), identity.get("identifier")):
                    return user
    return None


@resolver("Query.findUser")
def find_user(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    user = _find(pool, args)
    return user_view(user) if user else None


@resolver("Query.isUserExists")
def is_user_exists(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return _find(ctx.pool, args) is not None


@resolver("Mutation.refreshToken")
def refresh_token(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, caller = ctx.require_any()
    if caller is not None:
        if args.get("id") not in (None, caller["id"]):
            raise biz("NO_PERMISSION")
        user = caller
    else:
        user = _get(pool, args.get("id"))
    token, iat, exp = ctx.issue_user_token(pool, user)
    ctx.state.put_user(pool, user)
    return {"token": token, "iat": iat, "exp": exp}


_FIELDS = (
    "username", "email", "phone", "nickname", "name", "givenName", "familyName", "company",
    "externalId",
)  # fmt: skip


def _in_departments(pool: Pool, opts: list[dict[str, Any]]) -> set[str]:
    nodes = records(pool, "nodes")
    ids: set[str] = set()
    for opt in opts:
        node_id = opt.get("departmentId")
        if node_id not in nodes:
            continue
        include = opt.get("includeChildrenDepartments")
        ids.update(subtree_members(pool, node_id, bool(include)))
    return ids


def _in_groups(pool: Pool, opts: list[dict[str, Any]]) -> set[str]:
    groups = records(pool, "groups")
    return {uid for opt in opts for uid in groups.get(opt.get("code") or "", {}).get("userIds", [])}


def _in_roles(pool: Pool, opts: list[dict[str, Any]]) -> set[str]:
    roles = records(pool, "roles")
    ids: set[str] = set()
    for opt in opts:
        role = roles.get(f"{opt.get('namespace') or DEFAULT_NAMESPACE}/{opt['code']}")
        ids.update(role["userIds"] if role else [])
    return ids


@resolver("Query.searchUser")
def search_user(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    """Case-insensitive substring match; each given filter narrows the result (AND)."""
    pool = ctx.require_management()
    fields = [f for f in (args.get("fields") or _FIELDS) if f]
    unknown = [f for f in fields if f not in _FIELDS]
    if unknown:
        raise biz("INVALID_USER_SEARCH_TYPE")
    needle = str(args["query"]).lower()
    matches = [
        u for u in pool.users.values() if any(needle in str(u.get(f) or "").lower() for f in fields)
    ]
    for key, within in (
        ("departmentOpts", _in_departments),
        ("groupOpts", _in_groups),
        ("roleOpts", _in_roles),
    ):
        opts = [o for o in args.get(key) or [] if o]
        if opts:
            allowed = within(pool, opts)
            matches = [u for u in matches if u["id"] in allowed]
    return paginate(matches, args.get("page"), args.get("limit"))


_TRUE = ("1", "true", "True")


def _rest_view(user: dict[str, Any], with_custom_data: bool) -> dict[str, Any]:
    view = user_view(user)
    if not with_custom_data:
        view.pop("customData", None)
    return view


@rest_route("GET", "/api/v2/users/me")
def me(ctx: RequestContext, call: RestCall) -> Any:
    _pool, user, info = ctx.require_user()
    # Authing returns the caller's token with the profile; the official SDKs keep it as the
    # current session's token (``_set_current_user``), so a null here logs them out.
    view = user_view(user, token=ctx.bearer, exp=info.exp)
    return Envelope(view, message="获取成功")


@rest_route("GET", "/api/v2/users/is-user-exists")
def rest_is_user_exists(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.pool
    for field in ("username", "email", "phone", "externalId"):
        value = call.query.get(field)
        if value and pool.find_by(field, value) is not None:
            return Envelope(True, message="查询成功")
    return Envelope(False, message="查询成功")


@rest_route("GET", "/api/v2/users/login-status")
def login_status(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    user = pool.users.get(call.query.get("userId") or "")
    if user is None:
        raise biz("USER_NOT_FOUND")
    now = pool.now()
    is_login = any(exp > now for exp in user.get("_tokens", {}).values())
    return Envelope(
        {"isLogin": is_login, "user": user_view(user), "application": []}, message="获取成功"
    )


@rest_route("POST", "/api/v2/users/kick")
def kick(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    ids = _id_list(call, "userIds")
    for user in [_get(pool, user_id) for user_id in ids]:  # all known, or nothing changes
        user["_tokens"] = {}
        ctx.state.put_user(pool, user)
    return Envelope(message="强制下线成功")


@rest_route("GET", "/api/v2/users/{id}")
def detail(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    user = pool.users.get(call.path_params["id"])
    if user is None:
        raise biz("USER_NOT_FOUND")
    with_custom = call.query.get("with_custom_data", "") in _TRUE
    return Envelope(_rest_view(user, with_custom), message="获取成功")


def _id_list(call: RestCall, key: str) -> list[str]:
    ids = call.body.get(key) if isinstance(call.body, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise biz("NOT_STRING_LIST", name=key)
    return ids


# ---------------------------------------------------------------- account status
# ``Suspended``, ``Resigned`` (and ``Archived``) accounts cannot log in, and their existing
# tokens are refused (``RequestContext._valid_token``) until ``activate`` sets ``Activated``:
# tokens are kept, so those not yet expired work again. suspend / activate / resign are the
# spec's ``emulate`` (``update: User, set: {status: ...}``); the V3 routes are here.
def _set_status(ctx: RequestContext, pool: Pool, users: list[dict[str, Any]], status: str) -> None:
    for user in users:
        previous = copy.copy(user)
        changed = {**user, "status": status, "updatedAt": format_date(pool.now())}
        ctx.state.put_user(pool, changed, previous=previous)


def _v3_ok(message: str) -> JSONResponse:
    """A V3 answer (``statusCode`` instead of ``code``; no ``apiCode`` on success)."""
    return JSONResponse({"statusCode": 200, "message": message, "data": {"success": True}})


@rest_route("POST", "/api/v3/resign-user")
def resign_user_v3(ctx: RequestContext, call: RestCall) -> Any:
    """JS ``users.resignUser``: the V3 route, answering a V3 envelope."""
    pool = ctx.require_management()
    user_id = call.body.get("userId") if isinstance(call.body, dict) else None
    if not isinstance(user_id, str) or not user_id:
        raise biz("PARAM_MISSING", name="userId")
    _set_status(ctx, pool, [_get(pool, user_id)], "Resigned")
    return _v3_ok("离职成功")


@rest_route("POST", "/api/v3/resign-user-batch")
def resign_users_v3(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    users = [_get(pool, user_id) for user_id in _id_list(call, "userIds")]
    _set_status(ctx, pool, users, "Resigned")
    return _v3_ok("离职成功")


# ---------------------------------------------------------------- filter, identities, counts
def _matches(user: dict[str, Any], condition: Any) -> bool:
    if not isinstance(condition, dict) or not isinstance(condition.get("key"), str):
        raise biz("FILTER_ITEM_KEY")
    value, wanted = user.get(condition["key"]), condition.get("value")
    if condition.get("op") == "contains":
        return str(wanted).lower() in str(value or "").lower()
    return bool(value == wanted)


@rest_route("POST", "/api/v2/users/filter")
def filter_users(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    body = call.body if isinstance(call.body, dict) else {}
    conditions = body.get("filter") or []
    if not isinstance(conditions, list):
        raise biz("NOT_LIST", name="filter")
    found = [u for u in pool.users.values() if all(_matches(u, c) for c in conditions)]
    return Envelope(paginate(found, body.get("page"), body.get("limit")), message="获取成功")


def _identity_body(call: RestCall) -> dict[str, Any]:
    body = call.body if isinstance(call.body, dict) else {}
    for key in ("userId", "identifier", "extIdpId"):
        if not isinstance(body.get(key), str) or not body[key]:
            raise biz("PARAM_MISSING", name=key)
    return body


@rest_route("POST", "/api/v2/users/identity/link")
def link_identity(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    body = _identity_body(call)
    if not isinstance(body.get("userIdInIdp"), str) or not body["userIdInIdp"]:
        raise biz("PARAM_MISSING", name="userIdInIdp")
    user = dict(_get(pool, body["userId"]))
    identities = [
        i
        for i in user.get("identities") or []
        if (i.get("extIdpId"), i.get("userIdInIdp")) != (body["extIdpId"], body["userIdInIdp"])
    ]
    identities.append(
        {
            "openid": body["userIdInIdp"],
            "userIdInIdp": body["userIdInIdp"],
            "userInfoInIdp": None,
            "userId": user["id"],
            "connectionId": body["identifier"],
            "extIdpId": body["extIdpId"],
            "isSocial": bool(body.get("isSocial")),
            "provider": body.get("type") or body["identifier"],
            "type": body.get("type") or "generic",
            "userPoolId": pool.id,
            "accessToken": None,
            "refreshToken": None,
        }
    )
    user["identities"] = identities
    ctx.state.put_user(pool, user)
    return Envelope(message="绑定成功")


@rest_route("POST", "/api/v2/users/identity/unlink")
def unlink_identity(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    body = _identity_body(call)
    user = dict(_get(pool, body["userId"]))
    user["identities"] = [
        i for i in user.get("identities") or [] if i.get("extIdpId") != body["extIdpId"]
    ]
    ctx.state.put_user(pool, user)
    return Envelope(message="解绑成功")


def _app(pool: Pool, call: RestCall) -> str:
    app_id = call.query.get("appId") or ""
    if app_id != pool.app_id and app_id not in records(pool, "applications"):
        raise biz("APP_NOT_FOUND")
    return app_id


def _app_users(pool: Pool, app_id: str) -> set[str]:
    return {
        e["userId"]
        for e in entries(pool, "userAction")
        if e.get("eventType") == "login" and e.get("appId") == app_id and e["userId"] in pool.users
    }


@rest_route("GET", "/api/v2/analysis/total-login-count")
def app_login_user_count(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    return Envelope(len(_app_users(pool, _app(pool, call))), message="获取成功")


@rest_route("GET", "/api/v2/analysis/exist-defined-field-count")
def udf_field_user_count(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    key = call.query.get("definedFieldKey")
    if not key:
        raise biz("PARAM_MISSING", name="definedFieldKey")
    users = [pool.users[u] for u in _app_users(pool, _app(pool, call))]
    count = sum(1 for u in users if any(e["key"] == key for e in u.get("customData") or []))
    return Envelope(count, message="获取成功")


# ---------------------------------------------------------------- passwords and permissions
@rest_route("POST", "/api/v2/password/check")
def password_check(ctx: RequestContext, call: RestCall) -> Any:
    ctx.require_management()
    password = call.body.get("password") if isinstance(call.body, dict) else None
    if not isinstance(password, str):
        raise biz("PARAM_MISSING", name="password")
    return Envelope(check_password_strength(ctx, None, {"password": password}), message="检测成功")


def _permission_body(call: RestCall, key: str) -> tuple[dict[str, Any], str, Any]:
    body = call.body if isinstance(call.body, dict) else {}
    for name in ("userId", "namespace"):
        if not isinstance(body.get(name), str) or not body[name]:
            raise biz("PARAM_MISSING", name=name)
    return body, body["namespace"], body.get(key)


def _covers(pattern: str, value: str) -> bool:
    """A granted code covers ``value``: equal, ``*``, or a prefix wildcard (``books:*``)."""
    return pattern in ("*", value) or (pattern.endswith("*") and value.startswith(pattern[:-1]))


def _grants(pool: Pool, user_id: str, namespace: str) -> list[dict[str, Any]]:
    _get(pool, user_id)
    items: list[dict[str, Any]] = resources_of(pool, "USER", user_id, namespace, None)["list"]
    return items


@rest_route("POST", "/api/v2/acl/check-resource-permission-batch")
def check_resource_permission_batch(ctx: RequestContext, call: RestCall) -> Any:
    """Each asked resource code with the actions the user has on it (granted to the user or
    inherited; a grant on ``books:*`` or ``*`` covers ``books:1``), in the order asked."""
    pool = ctx.require_management()
    body, namespace, resources = _permission_body(call, "resources")
    if not isinstance(resources, list) or not all(isinstance(r, str) for r in resources):
        raise biz("NOT_STRING_LIST", name="resources")
    grants = _grants(pool, body["userId"], namespace)
    answer = []
    for code in resources:
        actions: list[str] = []
        for grant in grants:
            if _covers(grant["code"], code):
                actions += [a for a in grant.get("actions") or [] if a not in actions]
        answer.append({"code": code, "actions": actions})
    return Envelope(answer, message="获取成功")


@rest_route("POST", "/api/v2/acl/get-authorized-resources-of-resource-kind")
def authorized_resources_of_kind(ctx: RequestContext, call: RestCall) -> Any:
    """The user's grants on ``resource`` (``books``: ``books`` itself and ``books:...``)."""
    pool = ctx.require_management()
    body, namespace, kind = _permission_body(call, "resource")
    if not isinstance(kind, str) or not kind:
        raise biz("PARAM_MISSING", name="resource")
    grants = _grants(pool, body["userId"], namespace)
    found = [
        {"code": g["code"], "actions": g.get("actions") or []}
        for g in grants
        if g["code"] == kind or g["code"].startswith(f"{kind}:")
    ]
    return Envelope(found, message="获取成功")


@rest_route("GET", "/api/v2/users/{userId}/roles")
def rest_user_roles(ctx: RequestContext, call: RestCall) -> Any:
    """Go ``GetUserRoleList``: the user's roles of one permission group, as ``user(id).roles``."""
    pool = ctx.require_management()
    user = _get(pool, call.path_params["userId"])
    namespace = call.query.get("namespace") or DEFAULT_NAMESPACE
    roles = roles_held(pool, "userIds", user["id"], namespace)
    return Envelope({"totalCount": len(roles), "list": roles}, message="获取成功")
