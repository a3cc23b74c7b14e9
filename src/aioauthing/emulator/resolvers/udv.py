"""User-defined values of users (``udv``, ``setUdvBatch``, ``removeUdv``; targetType USER)."""

from __future__ import annotations

import json
from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import resolver
from ..users import merge_custom_data


def _target(ctx: RequestContext, args: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    if args["targetType"] != "USER":
        raise biz(400, "emulator: only targetType USER is supported")
    pool, caller = ctx.require_any()
    if caller is not None and caller["id"] != args["targetId"]:
        raise biz(1001)
    user = pool.users.get(args["targetId"])
    if user is None:
        raise biz(2004)
    return pool, user


def _values(user: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"key": e["key"], "dataType": e["dataType"], "value": e["value"], "label": e.get("label")}
        for e in user.get("customData") or []
    ]


def _decode(raw: Any) -> tuple[str, str]:
    """SDKs send JSON-encoded values (GO sends them raw): store the string, infer the type."""
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
    if isinstance(value, bool):
        return json.dumps(value), "BOOLEAN"
    if isinstance(value, int | float):
        return json.dumps(value), "NUMBER"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False), "OBJECT"
    return ("" if value is None else str(value)), "STRING"


@resolver("Query.udv")
def udv(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    _pool, user = _target(ctx, args)
    return _values(user)


@resolver("Mutation.setUdvBatch")
def set_udv_batch(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user = _target(ctx, args)
    items = []
    for entry in args.get("udvList") or []:
        value, data_type = _decode(entry.get("value"))
        items.append({"key": entry["key"], "value": value, "dataType": data_type, "label": None})
    merge_custom_data(user, items)
    ctx.state.put_user(pool, user)
    return _values(user)


@resolver("Mutation.removeUdv")
def remove_udv(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user = _target(ctx, args)
    user["customData"] = [e for e in user.get("customData") or [] if e["key"] != args["key"]]
    ctx.state.put_user(pool, user)
    return _values(user)


@resolver("Query.udfValueBatch")
def udf_value_batch(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    """One ``UserDefinedDataMap`` per known target id (unknown ids are left out)."""
    if args["targetType"] != "USER":
        raise biz(400, "emulator: only targetType USER is supported")
    pool = ctx.require_management()
    out = []
    for target_id in args.get("targetIds") or []:
        user = pool.users.get(target_id or "")
        if user is not None:
            out.append({"targetId": target_id, "data": _values(user)})
    return out
