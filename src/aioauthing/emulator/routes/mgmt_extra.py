"""REST management endpoints: has-role."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, rest_route
from ..resolvers.mgmt_extra import role_codes_of


@rest_route("GET", "/api/v2/users/{userId}/has-role")
def has_role(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    user_id = call.path_params["userId"]
    if user_id not in pool.users:
        raise biz("USER_NOT_FOUND")
    codes = role_codes_of(pool, user_id, call.query.get("namespace"))
    return Envelope(call.query.get("code") in codes, message="获取成功")
