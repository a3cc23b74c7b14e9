"""Users: create, find, list, search, update and delete them; the user's own profile; kick."""

from __future__ import annotations

import copy
from typing import Any

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
from .custom_data import typed_entry
from .orgs import subtree_members

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
    if not user_id:
        raise biz("USER_NOT_FOUND")
    user = pool.users.get(user_id)
    return user_view(user) if user else None


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
    ids = call.body.get("userIds") if isinstance(call.body, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise biz("NOT_STRING_LIST", name="userIds")
    for user_id in ids:
        user = pool.users.get(user_id)
        if user is not None:
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
