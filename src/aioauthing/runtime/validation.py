"""Checks generated methods run on arguments before sending anything.

Each helper raises :class:`~aioauthing.runtime.errors.AuthingValidationError` naming the
parameter; none of them ever puts the offending value into the message (it may be a secret).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sized
from typing import Any

from .errors import AuthingValidationError

__all__ = [
    "check_choice",
    "check_email",
    "check_items_non_empty",
    "check_max_items",
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
