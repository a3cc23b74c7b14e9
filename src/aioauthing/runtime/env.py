"""One configuration vocabulary: the ``AUTHING_*`` environment variables.

The CLI, the examples, ``AuthenticationClient.from_env()``, ``ManagementClient.from_env()``,
``AuthingSettings.from_env()`` and ``aioauthing emulator --print-env`` all use these names. The
emulator's settings JSON keeps its own keys (``host``, ``user_pool_id``, ``secret``, ...):
:data:`SETTINGS_KEYS` maps them to the variables.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from .errors import AuthingValidationError

__all__ = [
    "ENV_APP_HOST",
    "ENV_APP_ID",
    "ENV_APP_SECRET",
    "ENV_HOST",
    "ENV_PUBLIC_KEY",
    "ENV_TENANT_ID",
    "ENV_USERPOOL_ID",
    "ENV_USERPOOL_SECRET",
    "SETTINGS_KEYS",
    "env_values",
    "read_public_key",
    "require_env",
    "shell_exports",
]

ENV_HOST: Final = "AUTHING_HOST"
"""The API host (``https://core.authing.cn``, a private deployment, the emulator)."""
ENV_APP_HOST: Final = "AUTHING_APP_HOST"
"""The application's own domain (``https://my-app.authing.cn``): OIDC, OAuth, CAS endpoints."""
ENV_APP_ID: Final = "AUTHING_APP_ID"
ENV_APP_SECRET: Final = "AUTHING_APP_SECRET"
ENV_USERPOOL_ID: Final = "AUTHING_USERPOOL_ID"
ENV_USERPOOL_SECRET: Final = "AUTHING_USERPOOL_SECRET"
ENV_PUBLIC_KEY: Final = "AUTHING_PUBLIC_KEY"
"""PEM text (or the path of a file holding it) of the key passwords are encrypted with."""
ENV_TENANT_ID: Final = "AUTHING_TENANT_ID"
"""The tenant an ``AuthenticationClient`` signs in to (its ``tenant_id=``); not an emulator setting."""

SETTINGS_KEYS: Final[Mapping[str, str]] = {
    "host": ENV_HOST,
    "app_host": ENV_APP_HOST,
    "user_pool_id": ENV_USERPOOL_ID,
    "secret": ENV_USERPOOL_SECRET,
    "app_id": ENV_APP_ID,
    "app_secret": ENV_APP_SECRET,
    "public_key": ENV_PUBLIC_KEY,
}
"""Settings key (the emulator's JSON line, ``AuthingSettings``) -> environment variable."""


def read_public_key(value: str, *, name: str = ENV_PUBLIC_KEY) -> str:
    """PEM text as is; anything else is the path of a file holding it."""
    if "-----BEGIN" in value:
        return value
    try:
        return Path(value).expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        raise AuthingValidationError(
            name, f"is neither PEM text nor a readable file ({exc.strerror or exc})"
        ) from None


def env_values(keys: tuple[str, ...], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings ``keys`` that are set (non-empty) in ``environ`` (default ``os.environ``)."""
    env = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for key in keys:
        name = SETTINGS_KEYS[key]
        value = env.get(name, "").strip() if key != "public_key" else env.get(name, "")
        if value.strip():
            out[key] = read_public_key(value) if key == "public_key" else value
    return out


def require_env(values: Mapping[str, Any], *keys: str) -> None:
    """Refuse a missing setting by its variable name, before any client is built."""
    for key in keys:
        if not values.get(key):
            name = SETTINGS_KEYS[key]
            raise AuthingValidationError(name, f"is not set (export {name}=... or pass {key}=)")


def shell_exports(settings: Mapping[str, Any]) -> str:
    """``export AUTHING_...=...`` lines (POSIX shell quoting) for the settings that are set."""
    lines = []
    for key, name in SETTINGS_KEYS.items():
        value = settings.get(key)
        if value:
            lines.append(f"export {name}={shlex.quote(str(value))}")
    return "\n".join(lines)
