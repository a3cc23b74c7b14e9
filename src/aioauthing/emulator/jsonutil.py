"""JSON for the emulator's hot path: untrusted bodies in (every failure a ``ValueError``), answers out.

With ``orjson`` installed (the ``emulator`` extra) both directions use it; whatever it refuses
or reads differently (lone surrogates, non-string keys, a BOM, numbers of 19 digits or more,
which it may read as floats) takes the standard library's path, so the result and the error are
the standard library's.
"""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

try:  # pragma: no cover - depends on the installed extra
    import orjson as _orjson
except ImportError:  # pragma: no cover - without the extra
    _orjson = None  # type: ignore[assignment]

__all__ = ["dumps", "loads"]

_LONG_DIGITS = re.compile(rb"\d{19}")
"""19 digits in a row: maybe an integer beyond 64 bits, which orjson would turn into a float."""
_LONG_DIGITS_STR = re.compile(r"\d{19}")


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def _std_loads(raw: str | bytes) -> Any:
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def loads(raw: str | bytes) -> Any:
    """``json.loads`` for request bodies and JSON-in-string arguments.

    Raises ``ValueError`` for malformed text, invalid UTF-8, ``NaN``/``Infinity`` (not JSON, and
    they could not be echoed back as JSON) and nesting too deep for the decoder (``RecursionError``).
    """
    if _orjson is not None and not (
        _LONG_DIGITS.search(raw) if isinstance(raw, bytes) else _LONG_DIGITS_STR.search(raw)
    ):
        try:
            return _orjson.loads(raw)
        except (_orjson.JSONDecodeError, TypeError):
            pass  # the standard library decides (and words the error)
    return _std_loads(raw)


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON (``separators=(",", ":")``, non-ASCII kept), as the GraphQL endpoint
    answers. The answers hold no ``NaN``/``Infinity`` (no input accepts them); orjson would write
    ``null`` for one, the standard library raises ``ValueError``."""
    if _orjson is not None:
        try:
            return _orjson.dumps(value)
        except (_orjson.JSONEncodeError, TypeError):
            pass  # e.g. an integer beyond 64 bits: the standard library writes it
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
