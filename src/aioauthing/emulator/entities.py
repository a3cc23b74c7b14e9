"""Records shaped by the spec: the fields, defaults and server-owned values of each entity.

Everything here reads :data:`aioauthing.generated.emulator.RECORDS` (spec ``record`` on a model,
``server`` / ``default`` on its fields). Adding a field to a model with a record (and to an input
that ``writes`` it) makes the emulator store it and answer it on every read, with no edit here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..generated.emulator import RECORDS

__all__ = ["RECORDS", "new_record", "next_serial", "view", "writable", "write"]

NOW = "$now"
"""A ``default`` that means the creation time."""


def writable(model: str) -> tuple[str, ...]:
    """The fields of ``model`` that inputs may set (spec fields that are not server-owned)."""
    fields: tuple[str, ...] = RECORDS[model]["writable"]
    return fields


def new_record(
    model: str,
    *,
    record_id: str,
    pool_id: str,
    now: str,
    values: Mapping[str, Any] = {},
    serial: int = 1,
    secret: str | None = None,
) -> dict[str, Any]:
    """A new record of ``model``: every spec field, its default, the server-owned values
    (``serial``: the record's number in its kind; ``secret``: a new random one), then the writable ``values`` given (``None``
    keeps a field's default)."""
    spec = RECORDS[model]
    record: dict[str, Any] = dict.fromkeys(spec["fields"])
    for field, default in spec["defaults"].items():
        record[field] = now if default == NOW else _copy(default)
    server = {
        "id": record_id,
        "arn": f"arn:cn:authing:{pool_id}:{model.lower()}:{record_id}",
        "pool": pool_id,
        "created": now,
        "updated": now,
        "serial": serial,
        "secret": secret,
    }
    for field, role in spec["server"].items():
        if role in server and field in record:
            record[field] = server[role]
        elif role == "derived" and field in record:
            record[field] = []
    write(model, record, values, now=None)
    return record


def next_serial(model: str, existing: Iterable[Mapping[str, Any]]) -> int:
    """The ``serial`` of a new record of ``model``: one more than the largest so far."""
    fields = [f for f, role in RECORDS[model]["server"].items() if role == "serial"]
    return 1 + max((int(r.get(f) or 0) for r in existing for f in fields), default=0)


def write(
    model: str, record: dict[str, Any], values: Mapping[str, Any], *, now: str | None
) -> None:
    """Copy the writable fields present in ``values``; ``now`` stamps the ``updated`` fields.

    A ``None`` for a field with a default keeps the record's value (Authing ignores a null
    photo or gender); other fields are cleared by ``None``.
    """
    spec = RECORDS[model]
    defaults = spec["defaults"]
    for field in spec["writable"]:
        if field in values:
            value = values[field]
            if value is None and field in defaults:
                continue
            record[field] = value
    if now is not None:
        for field, role in spec["server"].items():
            if role == "updated":
                record[field] = now


def view(model: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """The wire form of a record: exactly the model's stored fields."""
    return {field: record.get(field) for field in RECORDS[model]["fields"]}


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value
