"""What happened in a pool: administrators' changes (audit logs) and users' actions.

Every successful GraphQL mutation or non-GET REST call made with a management token is an audit
entry (its event type is the mutation's name, or ``METHOD /path`` for REST); logins and
registrations are user actions (``login``, ``register``). Entries keep the argument names of a
change and its target ids, never values that could be secrets. The most recent
:data:`KEEP` entries of each log are kept, in the pool's ``mgmt:audit`` record (reset with it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .context import RequestContext
from .registry import Resolver
from .state import Pool
from .store import records

__all__ = ["KEEP", "audited", "entries", "record_admin", "record_user_action"]

KEEP = 1000
"""Entries kept per log (older ones are dropped first)."""

_TARGET_KEYS = ("id", "userId", "userIds", "code", "codeList", "key", "tenantId", "appId", "type")


def _now(pool: Pool) -> tuple[int, str]:
    moment = pool.now()
    text = dt.datetime.fromtimestamp(moment, tz=dt.UTC).isoformat(timespec="milliseconds")
    return int(moment * 1000), text


def entries(pool: Pool, log: str) -> list[dict[str, Any]]:
    """The mutable list of ``log`` (``audit`` or ``userAction``), oldest first."""
    stored: list[dict[str, Any]] = records(pool, "audit").setdefault(log, [])
    return stored


def _append(ctx: RequestContext, pool: Pool, log: str, entry: dict[str, Any]) -> None:
    at, text = _now(pool)
    items = entries(pool, log)
    items.append({"timestamp": text, "_at": at, "userPoolId": pool.id, **entry})
    del items[:-KEEP]
    ctx.state.put_directory_user(pool, "mgmt:audit", pool.directory["mgmt:audit"])


def _targets(args: Mapping[str, Any]) -> dict[str, Any]:
    """Ids a change names (top level and one input object deep); no other values."""
    found: dict[str, Any] = {}
    for scope in (args, *(v for v in args.values() if isinstance(v, Mapping))):
        for key in _TARGET_KEYS:
            value = scope.get(key)
            if isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(i, str) for i in value)
            ):
                found.setdefault(key, value)
    return found


def record_admin(
    ctx: RequestContext, event: str, args: Mapping[str, Any], result: Any = None
) -> None:
    """An administrator's successful change (no-op for other callers)."""
    try:
        info = ctx.token()
    except Exception:  # an invalid token: the handler already answered
        return
    if info is None or info.kind != "management":
        return
    pool = ctx.state.pools.get(info.pool_id)
    if pool is None:
        return
    targets = _targets(args)
    if "id" not in targets and isinstance(result, Mapping) and isinstance(result.get("id"), str):
        targets["id"] = result["id"]
    _append(
        ctx,
        pool,
        "audit",
        {
            "userId": None,
            "userName": "administrator",
            "operatorArn": f"arn:cn:authing:{pool.id}:management",
            "clientIp": ctx.headers.get("x-forwarded-for"),
            "appId": None,
            "eventType": event,
            "operationParam": sorted(str(k) for k in args),
            "eventDetails": targets,
            "eventResultCode": "200",
            "operationMode": "management",
        },
    )


def record_user_action(
    ctx: RequestContext, pool: Pool, user: Mapping[str, Any], event: str, client_ip: str | None
) -> None:
    """A user's action (``login``, ``register``)."""
    _append(
        ctx,
        pool,
        "userAction",
        {
            "userId": user["id"],
            "userName": user.get("username") or user.get("email") or user.get("phone"),
            "operatorArn": f"arn:cn:authing:user:{user['id']}",
            "clientIp": client_ip or ctx.headers.get("x-forwarded-for"),
            "appId": ctx.headers.get("x-authing-app-id") or pool.app_id,
            "eventType": event,
            "operationParam": [],
            "eventDetails": {},
            "eventResultCode": "200",
            "operationMode": "user",
        },
    )


def audited(fn: Resolver, field: str) -> Resolver:
    """``fn`` (a Mutation resolver) recording an audit entry after it succeeds."""

    def resolve(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
        result = fn(ctx, parent, args)
        if "authorization" in ctx.headers:
            record_admin(ctx, field, args, result)
        return result

    resolve.__name__ = getattr(fn, "__name__", "resolve")
    return resolve
