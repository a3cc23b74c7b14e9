"""Password storage: salted PBKDF2 hashes, never plain text.

A test server needs salted hashes, not slow ones: the default cost is 100 PBKDF2-SHA256
iterations (about 60 microseconds), set by ``AIOAUTHING_EMULATOR_PASSWORD_ITERATIONS`` or
:func:`set_iterations`. Every hash records its own iteration count, so hashes made at another cost
(an older state file at 20,000) still verify.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

__all__ = [
    "DEFAULT_ITERATIONS",
    "ITERATIONS_ENV",
    "hash_password",
    "iterations",
    "kept_password",
    "set_iterations",
    "verify_password",
]

DEFAULT_ITERATIONS = 100
ITERATIONS_ENV = "AIOAUTHING_EMULATOR_PASSWORD_ITERATIONS"
_KEPT_PREFIX = "kept$"


def _from_env() -> int:
    raw = os.environ.get(ITERATIONS_ENV, "").strip()
    if not raw:
        return DEFAULT_ITERATIONS
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{ITERATIONS_ENV} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise ValueError(f"{ITERATIONS_ENV} must be at least 1")
    return value


_iterations = _from_env()


def iterations() -> int:
    """PBKDF2 iterations new hashes use."""
    return _iterations


def set_iterations(value: int) -> None:
    """Change the cost of new hashes (existing hashes keep theirs)."""
    global _iterations
    if value < 1:
        raise ValueError("password iterations must be at least 1")
    _iterations = value


def hash_password(plain: str) -> str:
    """``pbkdf2_sha256$iterations$salt$hash`` for ``plain``."""
    salt = secrets.token_bytes(16)
    rounds = _iterations
    digest = hashlib.pbkdf2_hmac("sha256", plain.encode(), salt, rounds)
    return "$".join(
        (
            "pbkdf2_sha256",
            str(rounds),
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
        algorithm, rounds, salt, digest = stored.split("$")
        count = int(rounds)
    except ValueError:
        return False
    if algorithm != "pbkdf2_sha256" or count < 1:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", plain.encode(), base64.b64decode(salt), count)
    return hmac.compare_digest(candidate, base64.b64decode(digest))
