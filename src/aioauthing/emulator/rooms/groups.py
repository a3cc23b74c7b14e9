"""Groups: the generic handlers serve their CRUD and members (spec ``emulate``); here a user's
groups, and what refers to a group following its renames and deletes."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..entities import view
from ..generic import extend
from ..registry import resolver
from ..state import Pool
from ..store import page, records, save
from .policies import retarget


@resolver("User.groups")
def user_groups(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.pool
    groups = [
        view("Group", g) for g in records(pool, "groups").values() if parent["id"] in g["userIds"]
    ]
    return page(groups, 1, len(groups))


def _follow_group(ctx: RequestContext, pool: Pool, old: dict[str, Any], new: Any) -> None:
    """Role grants and policy assignments follow a renamed group and go with a deleted one."""
    if new is not None and new["code"] == old["code"]:
        return
    code = None if new is None else new["code"]
    retarget(ctx, pool, "GROUP", old["code"], code)
    changed = False
    for role in records(pool, "roles").values():
        held = list(role.get("groupCodes") or [])
        if old["code"] in held:
            held.remove(old["code"])
            if code is not None and code not in held:
                held.append(code)
            role["groupCodes"] = held
            changed = True
    if changed:
        save(ctx, pool, "roles")


extend("Group", after=_follow_group)
