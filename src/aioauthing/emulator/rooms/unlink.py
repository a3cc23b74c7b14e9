"""``POST /api/v2/users/unlink``: a primary account drops its linked social identities of one
provider (Go ``UnLinkAccount``, Python ``unlink_account``, JS ``unLinkAccount``)."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, rest_route
from ..tokens import read_token


@rest_route("POST", "/api/v2/users/unlink")
def unlink_account(ctx: RequestContext, call: RestCall) -> Any:
    """The account is the one of ``primaryUserToken`` (else the bearer's)."""
    body = call.body if isinstance(call.body, dict) else {}
    provider = body.get("provider")
    if not isinstance(provider, str) or not provider:
        raise biz("PARAM_MISSING", name="provider")
    token = body.get("primaryUserToken") or ctx.bearer
    if not isinstance(token, str) or not token:
        raise biz("NOT_LOGGED_IN")
    info = read_token(ctx.keys, token)
    pool = ctx.state.pools.get(info.pool_id)
    if pool is None or info.kind != "user" or info.expired(pool.now()):
        raise biz("NOT_LOGGED_IN")
    user = pool.users.get(info.subject)
    if user is None or info.jti not in user.get("_tokens", {}):
        raise biz("NOT_LOGGED_IN")
    identities = user.get("identities") or []
    kept = [i for i in identities if i.get("provider") != provider]
    if len(kept) == len(identities):
        raise biz("PROVIDER_NOT_LINKED", provider=provider)
    user["identities"] = kept
    ctx.state.put_user(pool, user)
    return Envelope(message="解绑成功")
