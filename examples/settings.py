"""Read the examples' Authing settings from the ``AUTHING_*`` environment variables."""

from __future__ import annotations

from aioauthing.integrations import AuthingSettings


def settings_from_env() -> AuthingSettings:
    """``AUTHING_APP_ID`` (required), ``AUTHING_HOST``, ``AUTHING_APP_HOST``,
    ``AUTHING_USERPOOL_ID``, ``AUTHING_APP_SECRET``, ``AUTHING_USERPOOL_SECRET``,
    ``AUTHING_PUBLIC_KEY`` -- the names ``aioauthing emulator --print-env`` exports.
    """
    return AuthingSettings.from_env()
