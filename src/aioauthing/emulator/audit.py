"""What happened in a pool: administrators' changes (audit logs) and users' actions.

Every successful GraphQL mutation or non-GET REST call made with a management token is an audit
entry (its event type is the mutation's name, or ``METHOD /path`` for REST); logins and
registrations are user actions (``login``, ``register``). Entries keep the argument names of a
change and its target ids, never values that could be secrets. The most recent
:data:`KEEP` entries of each log are kept, in blocks of :data:`BLOCK` under the pool's
``mgmt:audit:<n>`` / ``mgmt:userAction:<n>`` directory records (persisted and reset with it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .context import RequestContext
from .registry import Resolver
from .state import Pool

__all__ = ["KEEP", "audited", "entries", "record_admin", "record_user_action"]

KEEP = 1000
"""Entries kept at least per log (older ones are dropped a block at a time)."""
BLOCK = 100
"""Entries per stored block: an append rewrites one block, not the whole log."""

_TARGET_KEYS = ("id", "userId", "userIds", "code", "codeList", "key", "tenantId", "appId", "type")


def _now(pool: Pool) -> tuple[int, str]:
    moment = pool.now()
    text = dt.datetime.fromtimestamp(moment, tz=dt.UTC).isoformat(timespec="milliseconds")
    return int(moment * 1000), text


def _blocks(pool: Pool, log: str) -> list[str]:
    """Directory keys of ``log``'s blocks, oldest first."""
    prefix = f"mgmt:{log}:"
    return sorted(k for k in pool.directory if k.startswith(prefix))


def entries(pool: Pool, log: str) -> list[dict[str, Any]]:
    """The entries of ``log`` (``audit`` or ``userAction``), oldest first."""
    found: list[dict[str, Any]] = []
    for key in _blocks(pool, log):
        found.extend(pool.directory[key]["items"])
    return found


def _append(ctx: RequestContext, pool: Pool, log: str, entry: dict[str, Any]) -> None:
    """Append to the newest block (persisting only that block, not the whole log)."""
    at, text = _now(pool)
    blocks = _blocks(pool, log)
    last = pool.directory[blocks[-1]] if blocks else None
    if last is None or len(last["items"]) >= BLOCK:
        number = int(blocks[-1].rsplit(":", 1)[1]) + 1 if blocks else 0
        key = f"mgmt:{log}:{number:09d}"
        last = {"items": []}
        blocks.append(key)
        if len(blocks) > KEEP // BLOCK + 1:  # drop the oldest block, keep >= KEEP entries
            ctx.state.delete_directory_entry(pool, blocks.pop(0))
    else:
        key = blocks[-1]
    last["items"].append({"timestamp": text, "_at": at, "userPoolId": pool.id, **entry})
    ctx.state.put_directory_user(pool, key, last)


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
