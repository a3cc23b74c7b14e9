"""User management resolvers (management token unless noted)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import resolver
from ..state import Pool, format_date
from ..users import (
    apply_profile,
    check_email,
    check_unique,
    merge_custom_data,
    new_user,
    parse_custom_data,
    set_password,
    user_view,
)
from .udv import typed_entry

__all__ = ["paginate"]

MAX_BATCH = 80
_SENSITIVE = ("email", "phone", "password", "emailVerified", "phoneVerified")


def paginate(
    users: Iterable[dict[str, Any]], page: int | None, limit: int | None, sort_by: str | None = None
) -> dict[str, Any]:
    """``PaginatedUsers`` for ``users`` (1-based page, default limit 10, newest first)."""
    sort_by = sort_by or "CREATEDAT_DESC"
    field = "updatedAt" if sort_by.startswith("UPDATEDAT") else "createdAt"
    ordered = sorted(users, key=lambda u: (u.get(field) or "", u.get("_seq", 0)))
    if sort_by.endswith("_DESC"):
        ordered.reverse()
    page = max(page or 1, 1)
    limit = 10 if limit is None else max(limit, 0)
    start = (page - 1) * limit
    return {
        "totalCount": len(ordered),
        "list": [user_view(u) for u in ordered[start : start + limit]],
    }


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


@resolver("Mutation.deleteUser")
def delete_user(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    _get(pool, args["id"])
    ctx.state.delete_user(pool, args["id"])
    return {"code": 200, "message": "删除成功"}


@resolver("Mutation.deleteUsers")
def delete_users(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    ids: list[str] = args["ids"]
    for user_id in ids:
        _get(pool, user_id)
    for user_id in ids:
        ctx.state.delete_user(pool, user_id)
    return {"code": 200, "message": "删除成功"}


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
