"""Masking of secrets before anything is logged.

Two layers: the dotted paths an operation declares secret (``op.secret_variables`` /
``op.secret_fields``, from the spec) and a generic key-name rule that catches passwords,
secrets, tokens, cookies, tickets and verification codes anywhere in a payload.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

import httpx

__all__ = [
    "MASK",
    "install_httpx_log_redaction",
    "is_secret_key",
    "redact",
    "redact_headers",
    "redact_url",
]

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


def redact_url(url: httpx.URL) -> str:
    """The URL with secret-looking query values (``ticket``, ``id_token``, ...) masked."""
    if not url.query:
        return str(url)
    params = [(k, MASK if is_secret_key(k) else v) for k, v in url.params.multi_items()]
    return str(url.copy_with(params=params))


class _HttpxUrlFilter(logging.Filter):
    """Masks query secrets in the URLs httpx logs at INFO ("HTTP Request: GET <url> ...")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, httpx.URL) for a in record.args):
            record.args = tuple(
                redact_url(a) if isinstance(a, httpx.URL) else a for a in record.args
            )
        return True


_HTTPX_FILTER: Final = _HttpxUrlFilter()


def install_httpx_log_redaction() -> None:
    """Attach the URL filter to the ``httpx`` logger (idempotent)."""
    logger = logging.getLogger("httpx")
    if _HTTPX_FILTER not in logger.filters:
        logger.addFilter(_HTTPX_FILTER)
