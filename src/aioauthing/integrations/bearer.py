"""RFC 6750 Bearer tokens: read the ``Authorization`` header, build ``WWW-Authenticate``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

__all__ = ["AuthFailure", "parse_authorization"]

_UNSAFE: Final = re.compile(r"[^\x20-\x21\x23-\x5b\x5d-\x7e]")  # RFC 6750 §3 allowed chars


def _quoted(value: str) -> str:
    return '"' + _UNSAFE.sub("", value) + '"'


class AuthFailure(Exception):
    """Why a request is refused: the HTTP status and the RFC 6750 ``error`` code.

    ``description`` is one of the SDK's own fixed sentences -- it never contains the token.
    """

    def __init__(self, status: int, error: str | None, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    @classmethod
    def missing(cls) -> AuthFailure:
        """No credentials at all: 401 without an error code (RFC 6750 §3.1)."""
        return cls(401, None, "authentication required")

    @classmethod
    def invalid_token(cls, description: str) -> AuthFailure:
        return cls(401, "invalid_token", description)

    @classmethod
    def insufficient_scope(cls, description: str) -> AuthFailure:
        return cls(403, "insufficient_scope", description)

    @classmethod
    def unavailable(cls, description: str) -> AuthFailure:
        """The identity service could not be reached (JWKS, role lookup): 503, no challenge."""
        return cls(503, None, description)

    def challenge(self, realm: str) -> str | None:
        """The ``WWW-Authenticate`` value, or ``None`` for a 503."""
        if self.status == 503:
            return None
        parts = [f"realm={_quoted(realm)}"]
        if self.error is not None:
            parts.append(f"error={_quoted(self.error)}")
            parts.append(f"error_description={_quoted(self.description)}")
        return "Bearer " + ", ".join(parts)

    def body(self) -> dict[str, str]:
        """A JSON body mirroring the challenge."""
        body = {"error": self.error or "unauthorized", "error_description": self.description}
        if self.status == 503:
            body["error"] = "temporarily_unavailable"
        return body

    def __repr__(self) -> str:
        return f"AuthFailure({self.status}, {self.error!r}, {self.description!r})"


def parse_authorization(header: str | Sequence[str] | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header.

    ``header`` is the header's value, or every value the request carries (a list).
    Raises :class:`AuthFailure`: 401 without an error code when there is no header or another
    scheme; 400 ``invalid_request`` when the Bearer credentials are empty or contain spaces, or
    when the request has more than one ``Authorization`` header (RFC 6750 §3.1).
    """
    if header is not None and not isinstance(header, str):
        if len(header) > 1:
            raise AuthFailure(400, "invalid_request", "more than one Authorization header")
        header = header[0] if header else None
    if not header:
        raise AuthFailure.missing()
    scheme, _, credentials = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise AuthFailure.missing()
    token = credentials.strip()
    if not token or " " in token:
        raise AuthFailure(400, "invalid_request", "malformed Bearer credentials")
    return token
