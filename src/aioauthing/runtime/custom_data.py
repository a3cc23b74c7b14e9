"""Custom data values (UDV): Python values <-> the strings they travel as, typed by their field.

On the wire every value is a string next to its field's ``dataType``. Writers send the JSON
encoding of the value, as Authing's Python and JS SDKs do (``18`` -> ``"18"``, ``"qq"`` ->
``'"qq"'``); readers get the stored text back: STRING (and SELECT) and DATETIME as the bare text,
NUMBER, BOOLEAN and OBJECT as JSON text. This module decodes that text by the data type
(``"42"`` -> ``42``, ``"true"`` -> ``True``, ``'{"a": 1}'`` -> ``{"a": 1}``; DATETIME stays the
ISO string) and encodes Python values, checking them against the field's type when the client
knows it (:class:`KnownTypes`).

Models and parameters that carry values are marked ``udv`` in ``spec/``; the converter and the
generated methods call :func:`decode` / :func:`encode`, never per-method code.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, TypeAlias

from .errors import AuthingValidationError

__all__ = [
    "CustomInput",
    "CustomValue",
    "KnownTypes",
    "as_dict",
    "decode",
    "encode",
]

CustomValue: TypeAlias = str | int | float | bool | dict[str, Any] | list[Any] | None
"""A decoded value: ``str`` (STRING, SELECT, DATETIME), ``int``/``float`` (NUMBER), ``bool``
(BOOLEAN), ``dict``/``list`` (OBJECT)."""

CustomInput: TypeAlias = (
    str | int | float | bool | dt.datetime | dt.date | Mapping[str, Any] | list[Any]
)
"""A value to write; a ``datetime``/``date`` is sent as its ISO string (DATETIME fields)."""

_JSON_TYPES = ("NUMBER", "BOOLEAN", "OBJECT")


class _Entry(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def value(self) -> Any: ...


class KnownTypes:
    """The data type of each user field key this client has seen (definitions and values read).

    Filled by the converter from ``mgmt.udf.set`` / ``mgmt.udf.list`` results and from every value
    read (each carries its field's type); writes of a known key are checked before sending.
    """

    def __init__(self) -> None:
        self._types: dict[str, str] = {}

    def learn(self, key: str, data_type: Any) -> None:
        """Remember that ``key`` holds values of ``data_type``."""
        self._types[key] = str(getattr(data_type, "value", data_type))

    def get(self, key: str) -> str | None:
        """The data type of ``key``, or ``None`` when this client has not seen it."""
        return self._types.get(key)


def _type_name(value: Any) -> str:
    return type(value).__name__


def _fits(data_type: str, value: Any) -> bool:
    if data_type == "NUMBER":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if data_type == "BOOLEAN":
        return isinstance(value, bool)
    if data_type == "OBJECT":
        return isinstance(value, Mapping | list | tuple)
    if data_type == "DATETIME":
        if isinstance(value, dt.date):
            return True
        if isinstance(value, int) and not isinstance(value, bool):
            return True  # a millisecond timestamp
        if isinstance(value, str):
            try:
                dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return False
            return True
        return False
    return isinstance(value, str)  # STRING, SELECT


def _plain(value: Any) -> Any:
    """Mappings, tuples and dates as JSON-ready values."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def encode(key: str, value: Any, data_type: str | None = None) -> str | None:
    """The wire text of ``value`` (``json.dumps``), checked against ``data_type`` when known.

    Raises :class:`AuthingValidationError` naming ``key`` when the value does not fit the type or
    cannot be JSON-encoded. ``None`` stays ``None`` (sent as ``null``).
    """
    if value is None:
        return None
    return _dumps(key, checked(key, value, data_type))


def checked(key: str, value: Any, data_type: str | None = None) -> Any:
    """``value`` as JSON-ready data, checked against ``data_type`` when known (see :func:`encode`)."""
    name = f"custom_data.{key}"
    if value is None:
        return None
    if data_type is not None and not _fits(data_type, value):
        raise AuthingValidationError(name, f"is a {data_type} field; got a {_type_name(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise AuthingValidationError(name, "must be a finite number")
    plain = _plain(value)
    _dumps(key, plain)  # refuse what JSON cannot carry, naming the key
    return plain


def encode_map(values: Mapping[str, Any], known_types: Mapping[str, str] | Any) -> str:
    """``{key: value}`` as the JSON text ``[{"key", "value"}]`` that ``createUser(params:)`` takes,
    each value checked against its key's type when known."""
    if not isinstance(values, Mapping):
        raise AuthingValidationError("custom_data", "must be a mapping of field key to value")
    entries = []
    for key, value in values.items():
        if not isinstance(key, str) or not key:
            raise AuthingValidationError("custom_data", "keys must be non-empty strings")
        entries.append({"key": key, "value": checked(key, value, known_types.get(key))})
    return json.dumps(entries, ensure_ascii=False, allow_nan=False)


def _dumps(key: str, plain: Any) -> str:
    try:
        return json.dumps(plain, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise AuthingValidationError(
            f"custom_data.{key}", f"cannot be sent: a {_type_name(plain)} is not JSON data"
        ) from None


def decode(text: Any, data_type: Any, *, strict: bool = False) -> CustomValue:
    """The Python value of stored ``text`` of a field of ``data_type``.

    NUMBER -> ``int``/``float``, BOOLEAN -> ``bool``, OBJECT -> ``dict``/``list``; STRING, SELECT
    and DATETIME stay ``str``. Text that does not parse as its type is kept as the string
    (``strict``: :class:`ValueError`).
    """
    if not isinstance(text, str):
        return text  # type: ignore[no-any-return]
    kind = str(getattr(data_type, "value", data_type))
    if kind not in _JSON_TYPES:
        return text
    try:
        value = json.loads(text)
    except ValueError:
        value = _Mismatch
    if value is _Mismatch or not _fits(kind, value):
        if strict:
            raise ValueError(f"custom data value is not a {kind}")
        return text
    return value  # type: ignore[no-any-return]


_Mismatch = object()


def as_dict(values: Iterable[_Entry | None] | None) -> dict[str, CustomValue]:
    """``{key: value}`` of decoded values (the key-value form of the Python/JS/Android SDKs)."""
    return {entry.key: entry.value for entry in values or () if entry is not None}
