"""Password storage: salted PBKDF2 hashes, never plain text."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

__all__ = ["hash_password", "kept_password", "verify_password"]

_ITERATIONS = 20_000
_KEPT_PREFIX = "kept$"


def hash_password(plain: str) -> str:
    """``pbkdf2_sha256$iterations$salt$hash`` for ``plain``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", plain.encode(), salt, _ITERATIONS)
    return "$".join(
        (
            "pbkdf2_sha256",
            str(_ITERATIONS),
            base64.b64encode(salt).decode(),
            base64.b64encode(digest).decode(),
        )
    )


def kept_password(value: str) -> str:
    """Store a password given with ``keepPassword: true`` that was not RSA-encrypted."""
    return _KEPT_PREFIX + value


def verify_password(plain: str, stored: str | None) -> bool:
    """Whether ``plain`` matches a value made by :func:`hash_password` / :func:`kept_password`."""
    if not stored:
        return False
    if stored.startswith(_KEPT_PREFIX):
        return hmac.compare_digest(stored[len(_KEPT_PREFIX) :].encode(), plain.encode())
    try:
        algorithm, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if algorithm != "pbkdf2_sha256":
        return False
    candidate = hashlib.pbkdf2_hmac(
        "sha256", plain.encode(), base64.b64decode(salt), int(iterations)
    )
    return hmac.compare_digest(candidate, base64.b64decode(digest))
