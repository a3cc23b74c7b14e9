"""Read the examples' Authing settings from ``AUTHING_*`` environment variables."""

from __future__ import annotations

import os

from aioauthing.integrations import AuthingSettings


def settings_from_env() -> AuthingSettings:
    """``AUTHING_APP_ID`` (required), ``AUTHING_HOST``, ``AUTHING_APP_HOST``,
    ``AUTHING_USER_POOL_ID``, ``AUTHING_APP_SECRET``, ``AUTHING_SECRET``, ``AUTHING_PUBLIC_KEY``.
    """
    env = os.environ
    return AuthingSettings(
        app_id=env["AUTHING_APP_ID"],
        host=env.get("AUTHING_HOST", "https://core.authing.cn"),
        app_host=env.get("AUTHING_APP_HOST"),
        user_pool_id=env.get("AUTHING_USER_POOL_ID"),
        app_secret=env.get("AUTHING_APP_SECRET"),
        secret=env.get("AUTHING_SECRET"),
        public_key=env.get("AUTHING_PUBLIC_KEY"),
    )
