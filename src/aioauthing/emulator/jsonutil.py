"""Decoding untrusted JSON: every failure is a ``ValueError``, never a crash."""

from __future__ import annotations

import json
from typing import Any, NoReturn

__all__ = ["loads"]


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def loads(raw: str | bytes) -> Any:
    """``json.loads`` for request bodies and JSON-in-string arguments.

    Raises ``ValueError`` for malformed text, invalid UTF-8, ``NaN``/``Infinity`` (not JSON, and
    they could not be echoed back as JSON) and nesting too deep for the decoder (``RecursionError``).
    """
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
