"""Argument checks derived from the spec's parameter types, emitted as data.

Every operation descriptor gets ``checks=(ParamCheck(...), ...)``: for each parameter, the Python
type its wire type asks for (``String`` -> ``str``, ``Int`` -> ``int``, a model, ...), whether
``None`` is refused (required parameters), and for lists the longest list accepted. The API
method hands its arguments to one runtime function,
:func:`aioauthing.runtime.validation.check_params`, before anything else: no per-method code.
"""

from __future__ import annotations

from .ir import OperationDef, ParamDef, Spec
from .typeref import SCALARS

__all__ = ["DEFAULT_MAX_ITEMS", "checked_params", "param_checks"]

DEFAULT_MAX_ITEMS = 1000
"""Longest list a list parameter takes when the spec gives no ``max_items`` (or ``chunk``)."""

_SCALAR_KINDS = {"String": "str", "ID": "str", "Int": "int", "Float": "float", "Boolean": "bool"}


def _kind(spec: Spec, p: ParamDef) -> str:
    if p.udv_key is not None or p.location == "file":
        return "any"  # custom data takes any JSON value; files take bytes or file objects
    name = p.type.name
    if name in _SCALAR_KINDS:
        return _SCALAR_KINDS[name]
    if name in spec.enums:
        return "str"  # StrEnum members are str; the value itself is checked against the enum
    if name in spec.models:
        return "model"
    assert name in spec.scalars or name in SCALARS, name
    return "any"


def _max_items(p: ParamDef) -> int | None:
    if not p.type.is_list or p.udv_key is not None:
        return None
    if p.max_items is not None:
        return p.max_items
    return None if p.chunk is not None else DEFAULT_MAX_ITEMS


def _check(spec: Spec, p: ParamDef) -> str | None:
    kind = _kind(spec, p)
    is_list = p.type.is_list and p.udv_key is None
    required = p.required and not p.nullable
    if kind == "any" and not required and not is_list:
        return None
    args = [repr(p.python), repr(kind)]
    if required:
        args.append("required=True")
    if is_list:
        args.append("is_list=True")
        limit = _max_items(p)
        if limit is not None:
            args.append(f"max_items={limit}")
    return f"ParamCheck({', '.join(args)})"


def checked_params(spec: Spec, op: OperationDef) -> list[ParamDef]:
    """The parameters of ``op`` that have a check, in the order of its ``checks`` tuple."""
    return [p for p in op.params if not p.is_const and _check(spec, p) is not None]


def param_checks(spec: Spec, op: OperationDef) -> list[str]:
    """Source of each ``ParamCheck`` of ``op`` (empty when no parameter needs one)."""
    return [c for p in op.params if not p.is_const and (c := _check(spec, p)) is not None]
