"""Which items of a batch do not exist: named on the :class:`NotFoundError` a batch raises.

Authing refuses a whole batch (``deleteUsers``, ``addUserToGroup``, ``assignRole``...) with 2004
when one id is unknown, and its error does not say which. Parameters marked ``missing:`` in
``spec/`` make the generated method find out: after a :class:`NotFoundError` it looks the ids up
with the named batch read and sets ``error.missing``; batch reads marked ``missing: {match: ...}``
take ``strict=True`` to raise such an error themselves instead of leaving the items out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from .converter import wire_name
from .errors import NotFoundError

__all__ = ["absent", "name_missing", "raise_missing", "unique"]

_SHOWN = 10
_CASE_INSENSITIVE = frozenset({"email"})
"""Wire fields the service matches case-insensitively (emails)."""


def unique(values: Iterable[Any]) -> list[Any]:
    """``values`` without repeats, first occurrence order."""
    return list(dict.fromkeys(values))


def _listing(missing: Sequence[str]) -> str:
    shown = ", ".join(missing[:_SHOWN])
    more = len(missing) - _SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def name_missing(error: NotFoundError, missing: Sequence[str]) -> None:
    """Record ``missing`` on ``error`` (``.missing``) and in its message."""
    if not missing:
        return
    error.missing = tuple(missing)
    error.message = f"{error.message} (not found: {_listing(missing)})"


def _key(item: Any, field: str) -> Any:
    if isinstance(item, Mapping):
        value = item.get(field)
    else:
        names = {wire_name(f): f.name for f in attrs.fields(type(item))}
        value = getattr(item, names.get(field, field), None)
    return value.casefold() if field in _CASE_INSENSITIVE and isinstance(value, str) else value


def absent(asked: Iterable[str], found: Iterable[Any], field: str) -> list[str]:
    """The asked values (in order, once each) no item of ``found`` has as its ``field``."""
    present = {_key(item, field) for item in found if item is not None}
    fold = field in _CASE_INSENSITIVE
    return [a for a in unique(asked) if (a.casefold() if fold else a) not in present]


def raise_missing(asked: Iterable[str], found: Iterable[Any], field: str, operation: str) -> None:
    """Raise :class:`NotFoundError` (2004) with ``.missing`` when some asked values were not found."""
    missing = absent(asked, found, field)
    if missing:
        error = NotFoundError(
            2004, f"{len(missing)} of the {field}s asked for were not found", operation=operation
        )
        name_missing(error, missing)
        raise error
