"""Custom data in key-value form: ``{"age": 18, "school": "..."}`` <-> the SDK's typed entries.

The Python, JS and Android SDKs hand custom data around as one mapping; the wire (and the
generated methods) use lists of ``{key, value}`` entries. Values are Python values both ways:
decoded by their field's data type on reads, JSON-encoded on writes
(:mod:`aioauthing.runtime.custom_data`).

    values = await auth.as_user(token).list_udv(user_id)
    as_dict(values)                      # {"age": 18, "vip": True, "profile": {"a": 1}}
    await auth.as_user(token).set_udv(user_id, inputs({"age": 19}))
"""

from __future__ import annotations

from collections.abc import Mapping

from aioauthing.generated.models import SetUdfValueBatchInput, UserDefinedDataInput
from aioauthing.runtime.custom_data import CustomInput, CustomValue, KnownTypes, as_dict

__all__ = ["CustomInput", "CustomValue", "KnownTypes", "as_dict", "batch_inputs", "inputs"]


def inputs(values: Mapping[str, CustomInput | None]) -> list[UserDefinedDataInput]:
    """``{key: value}`` -> the entries ``set_udv`` takes, in the mapping's order."""
    return [UserDefinedDataInput(key=key, value=value) for key, value in values.items()]


def batch_inputs(
    values: Mapping[str, Mapping[str, CustomInput]],
) -> list[SetUdfValueBatchInput]:
    """``{user_id: {key: value}}`` -> the entries ``mgmt.users.set_udf_value_batch`` takes."""
    return [
        SetUdfValueBatchInput(target_id=target_id, key=key, value=value)
        for target_id, entries in values.items()
        for key, value in entries.items()
    ]
