"""Management access tokens: ``Query.accessToken`` and ``Mutation.refreshAccessToken``."""

from __future__ import annotations

import hmac
from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import resolver
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
