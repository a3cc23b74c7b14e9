"""``searchUser``: keyword search, optionally within departments, groups and roles."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import resolver
from ..state import Pool
from .mgmt_extra import records
from .orgs import subtree_members
from .records import DEFAULT_NAMESPACE
from .users import paginate

_FIELDS = (
    "username", "email", "phone", "nickname", "name", "givenName", "familyName", "company",
    "externalId",
)  # fmt: skip


def _in_departments(pool: Pool, opts: list[dict[str, Any]]) -> set[str]:
    nodes = records(pool, "nodes")
    ids: set[str] = set()
    for opt in opts:
        node_id = opt.get("departmentId")
        if node_id not in nodes:
            continue
        include = opt.get("includeChildrenDepartments")
        ids.update(subtree_members(pool, node_id, bool(include)))
    return ids


def _in_groups(pool: Pool, opts: list[dict[str, Any]]) -> set[str]:
    groups = records(pool, "groups")
    return {uid for opt in opts for uid in groups.get(opt.get("code") or "", {}).get("userIds", [])}


def _in_roles(pool: Pool, opts: list[dict[str, Any]]) -> set[str]:
    roles = records(pool, "roles")
    ids: set[str] = set()
    for opt in opts:
        role = roles.get(f"{opt.get('namespace') or DEFAULT_NAMESPACE}/{opt['code']}")
        ids.update(role["userIds"] if role else [])
    return ids


@resolver("Query.searchUser")
def search_user(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    """Case-insensitive substring match; each given filter narrows the result (AND)."""
    pool = ctx.require_management()
    fields = [f for f in (args.get("fields") or _FIELDS) if f]
    unknown = [f for f in fields if f not in _FIELDS]
    if unknown:
        raise biz("INVALID_USER_SEARCH_TYPE")
    needle = str(args["query"]).lower()
    matches = [
        u for u in pool.users.values() if any(needle in str(u.get(f) or "").lower() for f in fields)
    ]
    for key, within in (
        ("departmentOpts", _in_departments),
        ("groupOpts", _in_groups),
        ("roleOpts", _in_roles),
    ):
        opts = [o for o in args.get(key) or [] if o]
        if opts:
            allowed = within(pool, opts)
            matches = [u for u in matches if u["id"] in allowed]
    return paginate(matches, args.get("page"), args.get("limit"))
