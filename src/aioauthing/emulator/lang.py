"""The language of the request being served (``x-authing-lang``), for error messages.

:func:`~aioauthing.emulator.rest_http.context_for` records the header of every GraphQL and REST
request; :meth:`AuthingBizError.payload` answers with the spec's English text (``errors.yaml``
key ``en``) when the request asked for English (``en-US``, ``en``) and the code has one.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Final

__all__ = ["REQUEST_LANG", "localized"]

REQUEST_LANG: Final[ContextVar[str | None]] = ContextVar("aioauthing_emulator_lang", default=None)


def localized(code: int, message: str) -> str:
    """``message``, or the code's English text when the current request asked for English."""
    lang = REQUEST_LANG.get()
    if not lang or not lang.lower().startswith("en"):
        return message
    from aioauthing.generated.errors import ERROR_MESSAGES_EN

    return ERROR_MESSAGES_EN.get(code, message)
