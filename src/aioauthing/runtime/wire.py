"""Small helpers the generated code uses to lay values out on the wire."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["encrypt_fields", "set_wire"]


def set_wire(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set ``target[path[0]][path[1]]... = value``, creating nested dicts on the way."""
    node = target
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def encrypt_fields(obj: Any, fields: tuple[str, ...], encrypt: Callable[[str], Any]) -> Any:
    """Encrypt the named top-level fields of an unstructured input model in place.

    ``None`` (sent as ``null``) is left alone; anything else goes to ``encrypt``, which refuses
    a value that is not a ``str`` with ``AuthingValidationError``.
    """
    if isinstance(obj, dict):
        for name in fields:
            value = obj.get(name)
            if value is not None:
                obj[name] = encrypt(value)
    return obj
