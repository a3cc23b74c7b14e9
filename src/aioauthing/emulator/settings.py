"""``EmulatorSettings``: what a client needs to talk to one emulator pool."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

__all__ = ["EmulatorSettings"]


@dataclasses.dataclass(slots=True, frozen=True, kw_only=True)
class EmulatorSettings:
    host: str
    """Base URL, e.g. ``http://127.0.0.1:54321``."""
    user_pool_id: str
    secret: str
    app_id: str
    app_secret: str
    public_key: str
    """PEM public key for RSA password encryption."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EmulatorSettings:
        return cls(**{f.name: data[f.name] for f in dataclasses.fields(cls)})

    def as_dict(self) -> dict[str, str]:
        """The settings line's keys (``host``, ``user_pool_id``, ``secret``, ...), e.g. for
        ``AuthingSettings.from_mapping(pool.as_dict())``."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def env(self) -> dict[str, str]:
        """The same as ``AUTHING_*`` environment variables (``ManagementClient.from_env(pool.env())``)."""
        from aioauthing.runtime.env import SETTINGS_KEYS

        values = {**self.as_dict(), "app_host": self.host}
        return {name: values[key] for key, name in SETTINGS_KEYS.items()}

    def headers(self) -> dict[str, str]:
        """``x-authing-userpool-id`` / ``x-authing-app-id`` headers for this pool."""
        return {"x-authing-userpool-id": self.user_pool_id, "x-authing-app-id": self.app_id}
