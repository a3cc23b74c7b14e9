"""View-models of the API template: the code fragments it prints, computed in Python.

Templates only lay these out; any string that is *code* (a validation call, a keyword group of a
REST call, which runtime helpers a module imports) is built here, where it can be read and tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from codegen.ir import OperationDef, ParamDef, Spec

if TYPE_CHECKING:
    from codegen.render import TypeNamer

__all__ = ["ApiImports", "api_imports", "parent_not_found", "rest_groups", "validation_calls"]

_VALIDATORS = {
    "email": "v.check_email",
    "phone": "v.check_phone",
    "non_empty": "v.require_non_empty",
    "items_non_empty": "v.check_items_non_empty",
}
REST_GROUPS = (("path", "path_params"), ("query", "query"), ("body", "body"), ("file", "files"))
"""Parameter location -> the keyword of ``ApiBase._execute`` that carries it."""


def validation_calls(p: ParamDef, t: TypeNamer) -> list[str]:
    """The ``v.check_*`` calls run on ``p`` before sending (spec ``validate``, ``max_items``,
    ``choices``, enum types)."""
    name, value = repr(p.python), p.python
    calls = [f"{_VALIDATORS[check]}({name}, {value})" for check in p.validate]
    if p.max_items:
        calls.append(f"v.check_max_items({name}, {value}, {p.max_items})")
    if p.choices:
        calls.append(f"v.check_choice({name}, {value}, {tuple(p.choices)!r})")
    if t.is_enum(p.type) and not p.type.is_list:
        calls.append(f"v.check_choice({name}, {value}, frozenset(models.{p.type.name}))")
    return calls


def rest_groups(op: OperationDef) -> list[tuple[str, list[ParamDef]]]:
    """``(keyword, params)`` for each location a REST operation sends something in."""
    groups = []
    for location, keyword in REST_GROUPS:
        params = [p for p in op.params if p.location == location]
        if params:
            groups.append((keyword, params))
    return groups


@dataclass(frozen=True)
class ApiImports:
    """Optional runtime imports of one API module."""

    not_found: bool
    raise_missing: bool
    custom_input: bool


def parent_not_found(spec: Spec, op: OperationDef) -> tuple[int, str] | None:
    """The error of a missing root object for a GraphQL call that reads one of its fields.

    ``group(code: $code).users(...)`` answers ``{"group": null}`` for an unknown group: when the
    call's result is non-null, the SDK raises the root model's record ``not_found`` error (code and
    text from ``errors.yaml``) instead of failing to decode ``None``.
    """
    g = op.graphql
    ref = op.returns.type
    if g is None or len(g.path) < 2 or ref is None or not ref.non_null:
        return None
    root = spec.roots["Query" if g.op_type == "query" else "Mutation"].get(g.path[0][0])
    model = spec.models.get(root.type.name) if root is not None else None
    if model is None or model.record is None:
        return None
    name = model.record.not_found
    for error in spec.errors.values():
        if error.name == name:
            return error.code, error.message
        if name in error.variants:
            return error.code, error.variants[name]
    return None


def api_imports(spec: Spec, classes: list[tuple[str, str, list[OperationDef]]]) -> ApiImports:
    params = [p for _name, _doc, ops in classes for op in ops for p in op.params]
    parents = any(parent_not_found(spec, op) for _name, _doc, ops in classes for op in ops)
    return ApiImports(
        not_found=parents or any(p.missing_op for p in params),
        raise_missing=any(p.missing_match for p in params),
        custom_input=any(p.udv_key for p in params),
    )
