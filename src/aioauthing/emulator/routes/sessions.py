"""Logout (user and management forms)."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, rest_route


@rest_route("GET", "/api/v2/logout")
def logout(ctx: RequestContext, call: RestCall) -> Any:
    """Revoke the caller's token (error 1010001 when it is invalid or expired)."""
    pool, user, info = ctx.require_user(expired="ID_TOKEN_INVALID", invalid="ID_TOKEN_INVALID")
    user["_tokens"].pop(info.jti, None)
    ctx.state.put_user(pool, user)
    return Envelope(message="退出成功")


@rest_route("GET", "/logout")
def logout_user(ctx: RequestContext, call: RestCall) -> Any:
    """Management: log ``userId`` out everywhere (200 even for unknown ids, as Authing does)."""
    pool = ctx.require_management()
    user_id = call.query.get("userId")
    if not user_id:
        raise biz("PARAM_MISSING", name="userId")
    user = pool.users.get(user_id)
    if user is not None:
        user["_tokens"] = {}
        ctx.state.put_user(pool, user)
    return Envelope(message="退出成功")
