"""REST user endpoints: current user, detail, existence, kick, login status."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, rest_route
from ..users import user_view

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
def is_user_exists(ctx: RequestContext, call: RestCall) -> Any:
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
