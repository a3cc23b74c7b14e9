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

    def headers(self) -> dict[str, str]:
        """``x-authing-userpool-id`` / ``x-authing-app-id`` headers for this pool."""
        return {"x-authing-userpool-id": self.user_pool_id, "x-authing-app-id": self.app_id}
