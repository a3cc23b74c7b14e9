"""Groups: the generic handlers serve their CRUD and members (spec ``emulate``); here a user's groups."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..entities import view
from ..registry import resolver
from ..store import page, records


@resolver("User.groups")
def user_groups(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.pool
    groups = [
        view("Group", g) for g in records(pool, "groups").values() if parent["id"] in g["userIds"]
    ]
    return page(groups, 1, len(groups))
