"""Business errors of the emulator, raised by their spec names (``spec/errors.yaml``).

``raise biz("USER_NOT_FOUND")`` answers the code and the message the spec gives that name; a
message with placeholders takes them as keywords (``biz("PARAM_MISSING", name="userId")``).
There is no message table here: the generated :data:`~aioauthing.generated.errors.ERRORS_BY_NAME`
is the only one.
"""

from __future__ import annotations

from typing import Any

from ..generated.errors import ERRORS_BY_NAME

__all__ = ["AuthingBizError", "biz", "error_payload"]


class AuthingBizError(Exception):
    """A business failure answered in-band (GraphQL ``errors[].message`` / REST envelope)."""

    def __init__(self, error: str, /, data: Any = None, **fields: Any) -> None:
        entry = ERRORS_BY_NAME[error]
        self.name = error
        self.code: int = entry["code"]
        self.fields = fields
        """The values filling the message's placeholders."""
        self.message: str = entry["message"].format(**fields)
        self.english: str = entry["en"].format(**fields) if entry["en"] else ""
        """The same in English (spec ``en``), answered to requests asking for English."""
        self.data = data
        super().__init__(f"{self.code} {error}: {self.message}")

    def payload(self) -> dict[str, Any]:
        """The ``{code, message, data}`` object carried on the wire."""
        from .lang import localized  # English when the request asked for it (x-authing-lang)

        return {
            "code": self.code,
            "message": localized(self.message, self.english),
            "data": self.data,
        }


def biz(error: str, /, data: Any = None, **fields: Any) -> AuthingBizError:
    """Shorthand: ``raise biz("USER_NOT_FOUND")``."""
    return AuthingBizError(error, data, **fields)


def error_payload(error: str, /, **fields: Any) -> dict[str, Any]:
    """``{code, message, data: None}`` of the error ``error`` (REST envelopes, HTTP-level answers)."""
    return AuthingBizError(error, **fields).payload()
