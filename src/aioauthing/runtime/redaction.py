"""Masking of secrets before anything is logged.

Two layers: the dotted paths an operation declares secret (``op.secret_variables`` /
``op.secret_fields``, from the spec) and a generic key-name rule that catches passwords,
secrets, tokens, cookies, tickets and verification codes anywhere in a payload.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

__all__ = ["MASK", "is_secret_key", "redact", "redact_headers"]

MASK: Final = "***"

_SECRET_WORDS: Final = re.compile(
    r"password|passwd|secret|token|authorization|cookie|captcha|credential|ticket|signature"
    r"|privatekey|otp|(^|verify|verification|phone|email|sms|mfa|totp|auth|recovery|pass)code$",
    re.IGNORECASE,
)


def is_secret_key(key: str) -> bool:
    """Whether a key name looks like it holds a credential."""
    return bool(_SECRET_WORDS.search(key.replace("_", "").replace("-", "")))


def redact(value: Any, secret_paths: Iterable[str] = (), *, _prefix: str = "") -> Any:
    """A copy of ``value`` with secret paths and secret-looking keys replaced by ``***``."""
    paths = secret_paths if isinstance(secret_paths, frozenset) else frozenset(secret_paths)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            path = f"{_prefix}.{key}" if _prefix else str(key)
            if item is not None and (path in paths or is_secret_key(str(key))):
                out[str(key)] = MASK
            else:
                out[str(key)] = redact(item, paths, _prefix=path)
        return out
    if isinstance(value, list | tuple):
        return [redact(item, paths, _prefix=_prefix) for item in value]
    return value


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers with credential-bearing values masked."""
    return {k: (MASK if is_secret_key(k) else v) for k, v in headers.items()}
