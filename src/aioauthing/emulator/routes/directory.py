"""LDAP / AD logins against the directory users set up through the admin API."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..passwords import verify_password
from ..registry import RestCall, rest_route
from ..resolvers.auth import login
from ..users import new_user


def _verify(ctx: RequestContext, call: RestCall, kind: str) -> Any:
    body = call.body if isinstance(call.body, dict) else {}
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise biz("PARAMS_NEEDED", names="username 和 password")
    pool = ctx.pool
    entry = pool.directory.get(f"{kind}:{username}")
    if entry is None or not verify_password(password, entry["password"]):
        raise biz("WRONG_ACCOUNT_OR_PASSWORD")
    user = pool.users.get(entry.get("userId") or "")
    profile = {k: v for k, v in entry.get("profile", {}).items()}
    if user is None:
        profile.setdefault("username", username)
        user = new_user(ctx, pool, profile, register_source=[f"{kind}"])
        entry = {**entry, "userId": user["id"]}
        ctx.state.put_directory_user(pool, f"{kind}:{username}", entry)
    else:
        user.update(profile)
    return login(ctx, pool, user, body.get("clientIp"))


@rest_route("POST", "/api/v2/ldap/verify-user")
def ldap_verify(ctx: RequestContext, call: RestCall) -> Any:
    return _verify(ctx, call, "ldap")


@rest_route("POST", "/api/v2/ad/verify-user")
def ad_verify(ctx: RequestContext, call: RestCall) -> Any:
    return _verify(ctx, call, "ad")
