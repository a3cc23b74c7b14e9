"""REST organizations of a user: ``GET /api/v2/users/{userId}/orgs``."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, rest_route
from ..resolvers.orgs import org_paths_of


@rest_route("GET", "/api/v2/users/{userId}/orgs")
def user_orgs(ctx: RequestContext, call: RestCall) -> Any:
    """Management token, or the user's own token (Android ``listOrgs`` uses this path)."""
    pool, caller = ctx.require_any()
    user_id = call.path_params["userId"]
    if caller is not None and caller["id"] != user_id:
        raise biz("NO_PERMISSION")
    if user_id not in pool.users:
        raise biz("USER_NOT_FOUND")
    return Envelope(org_paths_of(pool, user_id), message="获取用户组织机构列表成功")
