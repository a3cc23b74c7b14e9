"""Checks generated methods run on arguments before sending anything.

Each helper raises :class:`~aioauthing.runtime.errors.AuthingValidationError` naming the
parameter; none of them ever puts the offending value into the message (it may be a secret).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence, Sized
from typing import Any, Literal

import attrs

from .errors import AuthingValidationError
from .operation import UNSET

__all__ = [
    "ParamCheck",
    "check_choice",
    "check_email",
    "check_items_non_empty",
    "check_max_items",
    "check_params",
    "check_phone",
    "require_non_empty",
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9]{5,20}$")


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Sized):
        return len(value) == 0
    return False


def require_non_empty(name: str, value: Any) -> None:
    """``value`` must not be ``None``, a blank string or an empty collection."""
    if _is_blank(value):
        raise AuthingValidationError(name, "must not be empty")


def check_email(name: str, value: str | None) -> None:
    """``value`` must look like an email address (``None`` means not given and passes)."""
    if value is None:
        return
    if not isinstance(value, str) or not _EMAIL.match(value):
        raise AuthingValidationError(name, "is not a valid email address")


def check_phone(name: str, value: str | None) -> None:
    """``value`` must be 5-20 digits with an optional leading ``+`` (``None`` passes)."""
    if value is None:
        return
    if not isinstance(value, str) or not _PHONE.match(value):
        raise AuthingValidationError(name, "must be 5-20 digits with an optional leading '+'")


def check_choice(name: str, value: Any, choices: Collection[Any]) -> None:
    """``value`` must be one of ``choices`` (``None`` passes)."""
    if value is None:
        return
    if value not in choices:
        allowed = ", ".join(sorted(str(c) for c in choices))
        raise AuthingValidationError(name, f"must be one of: {allowed}")


def check_max_items(name: str, values: Sized | None, limit: int) -> None:
    """At most ``limit`` items (``None`` passes)."""
    if values is None:
        return
    if len(values) > limit:
        raise AuthingValidationError(name, f"must contain at most {limit} items")


def check_items_non_empty(name: str, values: Iterable[Any] | None) -> None:
    """No item may be ``None`` or blank (``None`` for the whole list passes)."""
    if values is None:
        return
    for index, item in enumerate(values):
        if _is_blank(item):
            raise AuthingValidationError(f"{name}[{index}]", "must not be empty")


Kind = Literal["str", "int", "float", "bool", "model", "any"]


@attrs.frozen(slots=True)
class ParamCheck:
    """What the spec's type says about one parameter (generated into operation descriptors)."""

    name: str
    """The Python parameter name (named in the error)."""
    kind: Kind
    """The Python type of the value, or of each item of a list."""
    required: bool = False
    """``None`` is refused."""
    is_list: bool = False
    """A list (not a ``str``, not a mapping) whose items are not ``None`` nor blank strings."""
    max_items: int | None = None
    """Longest list accepted."""


def _type_name(value: Any) -> str:
    return type(value).__name__


def _kind_problem(kind: Kind, value: Any) -> str | None:
    """Why ``value`` (not ``None``) is not of ``kind``; ``None`` when it is."""
    if kind == "str":
        ok = isinstance(value, str)
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "model":
        ok = attrs.has(type(value)) or isinstance(value, Mapping)  # a model, or its wire dict
        if not ok:
            return f"must be a model (aioauthing.models) or a mapping, not {_type_name(value)}"
    else:
        ok = True
    return None if ok else f"must be a {kind}, not {_type_name(value)}"


def _check_list(check: ParamCheck, values: Any) -> None:
    name = check.name
    if (
        isinstance(values, str | bytes | bytearray | Mapping)
        or not isinstance(values, Sequence | Collection)
        or isinstance(values, Iterator)
    ):
        raise AuthingValidationError(name, f"must be a list, not {_type_name(values)}")
    limit = check.max_items
    if limit is not None and len(values) > limit:
        raise AuthingValidationError(name, f"must contain at most {limit} items")
    kind = check.kind
    for index, item in enumerate(values):
        if item is None:
            raise AuthingValidationError(f"{name}[{index}]", "must not be None")
        if type(item) is str:
            if not item.strip():
                raise AuthingValidationError(f"{name}[{index}]", "must not be empty")
            if kind == "str":
                continue
        problem = _kind_problem(kind, item)
        if problem is not None:
            raise AuthingValidationError(f"{name}[{index}]", problem)


def check_params(checks: tuple[ParamCheck, ...], values: tuple[Any, ...]) -> None:
    """Check each argument against its :class:`ParamCheck` (``UNSET``: not given, passes).

    Called by every generated method first, with the descriptor's ``checks`` and the arguments
    in the same order; raises :class:`AuthingValidationError` naming the first bad parameter.
    """
    for check, value in zip(checks, values, strict=True):
        if value is UNSET:
            continue
        if value is None:
            if check.required:
                raise AuthingValidationError(check.name, "is required (got None)")
            continue
        if check.is_list:
            _check_list(check, value)
        elif type(value) is not str or check.kind != "str":
            problem = _kind_problem(check.kind, value)
            if problem is not None:
                raise AuthingValidationError(check.name, problem)
