"""The language of the request being served (``x-authing-lang``), for error messages.

:func:`~aioauthing.emulator.rest_http.context_for` records the header of every GraphQL and REST
request; :meth:`AuthingBizError.payload` answers with the spec's English text (``errors.yaml``
key ``en`` of the error's name) when the request asked for English (``en-US``, ``en``).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Final

__all__ = ["REQUEST_LANG", "localized"]

REQUEST_LANG: Final[ContextVar[str | None]] = ContextVar("aioauthing_emulator_lang", default=None)


def localized(message: str, english: str) -> str:
    """``message``, or ``english`` when the current request asked for English (and there is one)."""
    lang = REQUEST_LANG.get()
    if not english or not lang or not lang.lower().startswith("en"):
        return message
    return english
