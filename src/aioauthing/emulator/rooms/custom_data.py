"""Custom data: user-defined field definitions (udf) and values (udv)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from .. import jsonutil
from ..context import RequestContext
from ..errors import AuthingBizError, biz
from ..generic import extend
from ..registry import resolver
from ..state import Pool
from ..store import DEFAULT_NAMESPACE, records, save
from ..users import infer_data_type, merge_custom_data

_DATA_TYPES = ("STRING", "NUMBER", "DATETIME", "BOOLEAN", "OBJECT")


def _udf_removed(
    ctx: RequestContext, pool: Pool, old: dict[str, Any], new: dict[str, Any] | None
) -> None:
    """removeUdf (generic ``delete``; setUdf is a generic ``create``, which redefines a key):
    the field's values go with it, from users or from the other targets' records."""
    if new is not None:
        return
    key = old["key"]
    if old["targetType"] == "USER":
        for user in pool.users.values():
            kept = [e for e in user.get("customData") or [] if e["key"] != key]
            if len(kept) != len(user.get("customData") or []):
                user["customData"] = kept
                ctx.state.put_user(pool, user)
        return
    prefix = f"{old['targetType']}/"
    for target, held in records(pool, "udv").items():
        if target.startswith(prefix):
            held["customData"] = [e for e in held.get("customData") or [] if e["key"] != key]
    save(ctx, pool, "udv")


extend("UserDefinedField", after=_udf_removed)


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


def _exists(ctx: RequestContext, pool: Pool, target_type: str, target_id: str) -> None:
    """Raise the target type's not-found error when ``target_id`` names no object of the pool."""
    if target_type == "USER":
        found = target_id in pool.users
        error = "USER_NOT_FOUND"
    elif target_type == "ROLE":
        found = any(r.get("id") == target_id for r in records(pool, "roles").values())
        error = "ROLE_NOT_FOUND"
    elif target_type == "NODE":
        found = target_id in records(pool, "nodes")
        error = "NODE_NOT_FOUND"
    elif target_type == "ORG":
        found = target_id in records(pool, "orgs")
        error = "ORG_NOT_FOUND"
    elif target_type == "APPLICATION":
        found = target_id == pool.app_id or target_id in records(pool, "applications")
        error = "APP_NOT_FOUND"
    elif target_type == "USERPOOL":
        found = target_id == pool.id
        error = "USERPOOL_NOT_FOUND"
    elif target_type == "PERMISSION":  # a permission group, by code or numeric id
        found = target_id == DEFAULT_NAMESPACE or any(
            target_id in (code, str(n.get("id"))) for code, n in records(pool, "namespaces").items()
        )
        error = "NAMESPACE_NOT_FOUND"
    else:
        raise biz("CHOICE_REQUIRED", name="targetType", choices=", ".join(UDF_TARGET_TYPES))
    if not found:
        raise biz(error)


UDF_TARGET_TYPES = ("NODE", "ORG", "USER", "USERPOOL", "ROLE", "PERMISSION", "APPLICATION")


class _Holder:
    """The stored values of one object: a user's ``customData`` or a ``udv`` record."""

    def __init__(self, ctx: RequestContext, pool: Pool, target_type: str, target_id: str):
        self.ctx, self.pool, self.target_type = ctx, pool, target_type
        if target_type == "USER":
            self.record = pool.users[target_id]
        else:
            self.record = records(pool, "udv").setdefault(
                f"{target_type}/{target_id}", {"customData": []}
            )

    def values(self) -> list[dict[str, Any]]:
        return values_of(self.record)

    def merge(self, entries: list[dict[str, Any]]) -> None:
        merge_custom_data(self.record, entries)

    def remove(self, key: str) -> None:
        self.record["customData"] = [
            e for e in self.record.get("customData") or [] if e["key"] != key
        ]

    def save(self) -> None:
        if self.target_type == "USER":
            self.ctx.state.put_user(self.pool, self.record)
        else:
            save(self.ctx, self.pool, "udv")


def _stored(pool: Pool, target_type: str, target_id: str) -> list[dict[str, Any]]:
    """The values of one object without creating a record (``[]`` when it has none)."""
    if target_type == "USER":
        return values_of(pool.users[target_id])
    return values_of(records(pool, "udv").get(f"{target_type}/{target_id}") or {})


def _target(ctx: RequestContext, args: dict[str, Any]) -> _Holder:
    """The object ``(targetType, targetId)`` of the caller's pool; a user token reaches only its
    own user's values, a management token every object."""
    pool, caller = ctx.require_any()
    target_type, target_id = args["targetType"], args["targetId"]
    if caller is not None and (target_type != "USER" or caller["id"] != target_id):
        raise biz("NO_PERMISSION")
    _exists(ctx, pool, target_type, target_id)
    return _Holder(ctx, pool, target_type, target_id)


@resolver("Query.udv")
def udv(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, caller = ctx.require_any()
    if caller is not None and (args["targetType"] != "USER" or caller["id"] != args["targetId"]):
        raise biz("NO_PERMISSION")
    _exists(ctx, pool, args["targetType"], args["targetId"])
    return _stored(pool, args["targetType"], args["targetId"])


@resolver("Query.udfValueBatch")
def udf_value_batch(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    """One entry per id that names an object of the pool (others are left out)."""
    pool = ctx.require_management()
    found = []
    for target_id in args["targetIds"]:
        if not target_id:
            continue
        try:
            _exists(ctx, pool, args["targetType"], target_id)
        except AuthingBizError:
            continue
        found.append({"targetId": target_id, "data": _stored(pool, args["targetType"], target_id)})
    return found


@resolver("Mutation.setUdv")
def set_udv(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    ctx.require_management()
    holder = _target(ctx, args)
    entry = typed_entry(holder.pool, args["targetType"], args["key"], args["value"], strict=True)
    holder.merge([entry])
    holder.save()
    return holder.values()


@resolver("Mutation.setUdvBatch")
def set_udv_batch(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    """Users' keys without a definition are typed by their value (as the sign-in pages' data);
    every other target type takes defined keys only."""
    holder = _target(ctx, args)
    target_type = args["targetType"]
    entries = [
        typed_entry(
            holder.pool, target_type, item["key"], item.get("value"), strict=target_type != "USER"
        )
        for item in args.get("udvList") or []
    ]
    holder.merge(entries)
    holder.save()
    return holder.values()


@resolver("Mutation.setUdfValueBatch")
def set_udf_value_batch(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    """All or nothing: every target and value is checked before any is written."""
    pool = ctx.require_management()
    target_type = args["targetType"]
    planned: dict[str, list[dict[str, Any]]] = {}
    for item in args["input"]:
        _exists(ctx, pool, target_type, item["targetId"])
        entry = typed_entry(pool, target_type, item["key"], item["value"], strict=True)
        planned.setdefault(item["targetId"], []).append(entry)
    for target_id, entries in planned.items():
        holder = _Holder(ctx, pool, target_type, target_id)
        holder.merge(entries)
        holder.save()
    return {"code": 200, "message": "设置成功"}


@resolver("Mutation.removeUdv")
def remove_udv(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    holder = _target(ctx, args)
    holder.remove(args["key"])
    holder.save()
    return holder.values()
