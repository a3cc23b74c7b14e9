"""The audit log and the user action log (recorded by :mod:`..audit`), newest first, filtered.

Filters: JS's query (``clientip``, ``eventType``, ``userId``, ``app_id``, ``start``/``end`` in
milliseconds) and Go/Python's (``operation_name``, ``operator_arn`` -- repeated or
comma-separated -- and ``app_id``).
"""

from __future__ import annotations

from typing import Any

from ..audit import entries
from ..context import RequestContext
from ..registry import RestCall, rest_route
from ..store import page, query_int

_ARN_PREFIX = "arn:cn:authing:user:"


def _many(ctx: RequestContext, name: str) -> set[str]:
    query: Any = ctx.query
    values = query.getlist(name) if hasattr(query, "getlist") else [query.get(name)]
    return {part for v in values if v for part in str(v).split(",") if part}


def _search(ctx: RequestContext, call: RestCall, log: str) -> dict[str, Any]:
    pool = ctx.require_management()
    events = _many(ctx, "eventType") | _many(ctx, "operation_name")
    users = _many(ctx, "userId") | {a.removeprefix(_ARN_PREFIX) for a in _many(ctx, "operator_arn")}
    apps = _many(ctx, "app_id")
    ip = call.query.get("clientip") or None
    start, end = query_int(call, "start", None), query_int(call, "end", None)
    found = [
        {k: v for k, v in e.items() if not k.startswith("_")}
        for e in reversed(entries(pool, log))
        if (not events or e["eventType"] in events)
        and (not users or e["userId"] in users)
        and (not apps or e["appId"] in apps)
        and (ip is None or e["clientIp"] == ip)
        and (start is None or e["_at"] >= start)
        and (end is None or e["_at"] <= end)
    ]
    return page(found, query_int(call, "page", 1), query_int(call, "limit", 10))


@rest_route("GET", "/api/v2/analysis/audit")
def list_audit_logs(ctx: RequestContext, call: RestCall) -> Any:
    return _search(ctx, call, "audit")


@rest_route("GET", "/api/v2/analysis/user-action")
def list_user_actions(ctx: RequestContext, call: RestCall) -> Any:
    return _search(ctx, call, "userAction")
