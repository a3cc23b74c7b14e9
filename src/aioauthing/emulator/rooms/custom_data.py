"""Custom data: user-defined field definitions (udf) and values (udv)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from .. import jsonutil
from ..context import RequestContext
from ..errors import biz
from ..registry import resolver
from ..state import Pool
from ..store import ok, records, save
from ..users import infer_data_type, merge_custom_data

_DATA_TYPES = ("STRING", "NUMBER", "DATETIME", "BOOLEAN", "OBJECT")


@resolver("Mutation.setUdf")
def set_udf(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    udf = records(pool, "udf")
    entry = {
        "targetType": args["targetType"],
        "dataType": args["dataType"],
        "key": args["key"],
        "label": args["label"],
        "options": args.get("options"),
    }
    udf[f"{args['targetType']}/{args['key']}"] = entry
    save(ctx, pool, "udf")
    return entry


@resolver("Mutation.removeUdf")
def remove_udf(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    udf = records(pool, "udf")
    if udf.pop(f"{args['targetType']}/{args['key']}", None) is None:
        raise biz("UDF_NOT_FOUND")
    save(ctx, pool, "udf")
    if args["targetType"] == "USER":
        for user in pool.users.values():
            kept = [e for e in user.get("customData") or [] if e["key"] != args["key"]]
            if len(kept) != len(user.get("customData") or []):
                user["customData"] = kept
                ctx.state.put_user(pool, user)
    return ok("删除成功")


def _decode(raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    try:
        return jsonutil.loads(raw)
    except ValueError:
        return raw


def _is_datetime(value: Any) -> bool:
    """An ISO 8601 string or a millisecond timestamp (a number or its digits)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return True
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _matches(data_type: str, value: Any) -> bool:
    if data_type == "NUMBER":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if data_type == "BOOLEAN":
        return isinstance(value, bool)
    if data_type == "OBJECT":
        return isinstance(value, dict | list)
    if data_type == "DATETIME":
        return _is_datetime(value)
    return isinstance(value, str | int | float | bool)  # STRING (and SELECT): any scalar


def _text(data_type: str, value: Any) -> str:
    if data_type in ("STRING", "SELECT", "DATETIME"):
        return value if isinstance(value, str) else json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


def typed_entry(
    pool: Pool, target_type: str, key: str, raw: Any, *, strict: bool
) -> dict[str, Any]:
    """The stored ``{key, value, dataType, label}`` of one value (400 when it does not fit)."""
    definition = records(pool, "udf").get(f"{target_type}/{key}")
    value = _decode(raw)
    if definition is None:
        if strict:
            raise biz("UDV_NOT_DEFINED", key=key)
        data_type = infer_data_type(value)
        return {"key": key, "value": _text(data_type, value), "dataType": data_type, "label": None}
    data_type = definition["dataType"]
    if value is None or not _matches(data_type, value):
        raise biz("UDV_WRONG_TYPE", key=key, type=data_type)
    return {
        "key": key,
        "value": _text(data_type, value),
        "dataType": data_type,
        "label": definition.get("label"),
    }


def values_of(user: dict[str, Any]) -> list[dict[str, Any]]:
    """A user's values as ``UserDefinedData`` (``[{key, dataType, value, label}]``)."""
    return [
        {"key": e["key"], "dataType": e["dataType"], "value": e["value"], "label": e.get("label")}
        for e in user.get("customData") or []
    ]


def _pool_for(ctx: RequestContext, args: dict[str, Any]) -> tuple[Pool, dict[str, Any] | None]:
    if args["targetType"] != "USER":
        raise biz("UDV_TARGET_USER_ONLY")
    return ctx.require_any()


def _target(ctx: RequestContext, args: dict[str, Any]) -> tuple[Pool, dict[str, Any]]:
    pool, caller = _pool_for(ctx, args)
    if caller is not None and caller["id"] != args["targetId"]:
        raise biz("NO_PERMISSION")
    user = pool.users.get(args["targetId"])
    if user is None:
        raise biz("USER_NOT_FOUND")
    return pool, user


@resolver("Query.udv")
def udv(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    _pool, user = _target(ctx, args)
    return values_of(user)


@resolver("Query.udfValueBatch")
def udf_value_batch(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    _pool_for(ctx, args)
    return [
        {"targetId": target_id, "data": values_of(pool.users[target_id])}
        for target_id in args["targetIds"]
        if target_id and target_id in pool.users
    ]


@resolver("Mutation.setUdv")
def set_udv(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    ctx.require_management()
    pool, user = _target(ctx, args)
    merge_custom_data(user, [typed_entry(pool, "USER", args["key"], args["value"], strict=True)])
    ctx.state.put_user(pool, user)
    return values_of(user)


@resolver("Mutation.setUdvBatch")
def set_udv_batch(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user = _target(ctx, args)
    entries = [
        typed_entry(pool, "USER", item["key"], item.get("value"), strict=False)
        for item in args.get("udvList") or []
    ]
    merge_custom_data(user, entries)
    ctx.state.put_user(pool, user)
    return values_of(user)


@resolver("Mutation.setUdfValueBatch")
def set_udf_value_batch(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    """All or nothing: every target and value is checked before any is written."""
    pool = ctx.require_management()
    _pool_for(ctx, args)
    planned: dict[str, list[dict[str, Any]]] = {}
    for item in args["input"]:
        if item["targetId"] not in pool.users:
            raise biz("USER_NOT_FOUND")
        entry = typed_entry(pool, "USER", item["key"], item["value"], strict=True)
        planned.setdefault(item["targetId"], []).append(entry)
    for user_id, entries in planned.items():
        user = pool.users[user_id]
        merge_custom_data(user, entries)
        ctx.state.put_user(pool, user)
    return {"code": 200, "message": "设置成功"}


@resolver("Mutation.removeUdv")
def remove_udv(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user = _target(ctx, args)
    user["customData"] = [e for e in user.get("customData") or [] if e["key"] != args["key"]]
    ctx.state.put_user(pool, user)
    return values_of(user)
