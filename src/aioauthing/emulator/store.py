"""Records kept in ``pool.directory`` under ``mgmt:<kind>`` keys, and small helpers of the rooms.

Records persist and reset with the pool like users do. Shared by the generic handlers and the
rooms (groups, roles, policies, orgs, ACL, tenants, custom data definitions).
"""

from __future__ import annotations

from typing import Any, overload

from .context import RequestContext
from .errors import biz
from .registry import RestCall
from .state import Pool

__all__ = [
    "DEFAULT_NAMESPACE",
    "json_body",
    "ok",
    "page",
    "query_int",
    "records",
    "save",
    "text_field",
]

DEFAULT_NAMESPACE = "default"
"""The permission group (namespace) code used when a call names none."""


def records(pool: Pool, kind: str) -> dict[str, Any]:
    """The mutable ``{key: record}`` map of ``kind`` (``groups``, ``roles``, ``udf``, ...)."""
    entry = pool.directory.get(f"mgmt:{kind}")
    if entry is None:
        entry = {"items": {}}
        pool.directory[f"mgmt:{kind}"] = entry
    items: dict[str, Any] = entry["items"]
    return items


def save(ctx: RequestContext, pool: Pool, kind: str) -> None:
    """Persist ``kind`` after a change (call once per mutation)."""
    records(pool, kind)
    ctx.state.put_directory_user(pool, f"mgmt:{kind}", pool.directory[f"mgmt:{kind}"])


def page(items: list[Any], page_no: int | None, limit: int | None) -> dict[str, Any]:
    """``{totalCount, list}`` of one 1-based page (default limit 10)."""
    number = max(page_no or 1, 1)
    size = 10 if limit is None else max(limit, 0)
    start = (number - 1) * size
    return {"totalCount": len(items), "list": items[start : start + size]}


@overload
def query_int(call: RestCall, name: str, default: int) -> int: ...
@overload
def query_int(call: RestCall, name: str, default: None) -> int | None: ...
def query_int(call: RestCall, name: str, default: int | None) -> int | None:
    """An integer query parameter: ``default`` when absent or empty, ``NOT_INTEGER`` otherwise."""
    text = call.query.get(name)
    if text is None or text == "":
        return default
    try:
        return int(text)
    except ValueError as exc:
        raise biz("NOT_INTEGER", name=name) from exc


def ok(message: str) -> dict[str, Any]:
    """A ``CommonMessage`` of success."""
    return {"code": 200, "message": message}


def json_body(call: RestCall) -> dict[str, Any]:
    """The REST body as a JSON object (error ``JSON_OBJECT_REQUIRED`` otherwise)."""
    if not isinstance(call.body, dict):
        raise biz("JSON_OBJECT_REQUIRED")
    return call.body


def text_field(body: dict[str, Any], key: str) -> str:
    """A required non-empty string of a REST body (error ``PARAM_MISSING`` otherwise)."""
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise biz("PARAM_MISSING", name=key)
    return value
