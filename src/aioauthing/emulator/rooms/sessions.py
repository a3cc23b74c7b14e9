"""Sessions and tokens: management access tokens, logout."""

from __future__ import annotations

import hmac
from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, resolver, rest_route
from ..tokens import read_token


@resolver("Query.accessToken")
def access_token(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.state.pools.get(args["userPoolId"])
    if pool is None:
        raise biz("USERPOOL_NOT_FOUND")
    if not hmac.compare_digest(pool.secret.encode(), str(args["secret"]).encode()):
        raise biz("WRONG_POOL_SECRET")
    token, iat, exp = ctx.issue_management_token(pool)
    return {"accessToken": token, "iat": iat, "exp": exp}


@resolver("Mutation.refreshAccessToken")
def refresh_access_token(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    given = args.get("accessToken") or ctx.bearer
    if not given:
        raise biz("NOT_LOGGED_IN")
    info = read_token(ctx.keys, given)
    pool = ctx.state.pools.get(info.pool_id)
    if info.kind != "management" or pool is None:
        raise biz("NOT_LOGGED_IN")
    if info.expired(pool.now()):
        raise biz("LOGIN_EXPIRED")
    token, iat, exp = ctx.issue_management_token(pool)
    return {"accessToken": token, "iat": iat, "exp": exp}


@rest_route("GET", "/api/v2/logout")
def logout(ctx: RequestContext, call: RestCall) -> Any:
    """Revoke the caller's token (error 1010001 when it is invalid or expired)."""
    pool, user, info = ctx.require_user(expired="ID_TOKEN_INVALID", invalid="ID_TOKEN_INVALID")
    user["_tokens"].pop(info.jti, None)
    ctx.state.put_user(pool, user)
    return Envelope(message="退出成功")


@rest_route("GET", "/logout")
def logout_user(ctx: RequestContext, call: RestCall) -> Any:
    """Management: log ``userId`` out everywhere (2004 for an unknown id or another pool's)."""
    pool = ctx.require_management()
    user_id = call.query.get("userId")
    if not user_id:
        raise biz("PARAM_MISSING", name="userId")
    user = pool.users.get(user_id)
    if user is None:
        raise biz("USER_NOT_FOUND")
    user["_tokens"] = {}
    ctx.state.put_user(pool, user)
    return Envelope(message="退出成功")
