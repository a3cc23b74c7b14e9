"""Configuration of one emulator instance."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from .directory_config import DirectoryUser

__all__ = ["MAX_BODY_BYTES", "EmulatorConfig"]

MAX_BODY_BYTES = 1024 * 1024
"""Largest request body the emulator reads (1 MiB); larger bodies are answered with 413."""


@dataclasses.dataclass(slots=True, kw_only=True)
class EmulatorConfig:
    """Settings of an emulator instance; every field has a test-friendly default."""

    host: str = "127.0.0.1"
    port: int = 8800
    data_path: Path | None = None
    """SQLite file for write-through persistence; ``None`` keeps everything in memory."""
    seed: int | None = None
    """Makes ids, pool credentials and fault decisions deterministic."""
    faults: str = ""
    """Default fault spec for every pool, e.g. ``"429=0.05,503=0.05,drop=0.01,latency=20ms"``."""
    fixed_code: str | None = None
    """When set, every SMS / email verification code is this value."""
    schema_path: Path | None = None
    """SDL to serve instead of ``aioauthing.generated/schema.graphql`` (development only).

    The environment variable ``AIOAUTHING_EMULATOR_SCHEMA`` has the same effect."""
    max_body_bytes: int = MAX_BODY_BYTES
    journal_size: int = 500
    """Requests remembered per pool by the request journal (``GET /__emulator__/requests``)."""
    user_token_lifetime: int = 1_209_600
    """Seconds a user token (``User.token``) stays valid (14 days, as seen on the wire)."""
    management_token_lifetime: int = 7 * 86_400
    """Seconds a management ``accessToken`` stays valid."""
    directory: Sequence[DirectoryUser] = ()
    """LDAP / AD users every pool starts with (see :mod:`.directory_config`; CLI ``--directory``)."""
    password_iterations: int | None = None
    """PBKDF2 iterations of new password hashes (default 100, or
    ``$AIOAUTHING_EMULATOR_PASSWORD_ITERATIONS``): salted, and cheap enough for a test server."""
    public_url: str | None = None
    """Base URL announced in settings and token ``iss``; default ``http://{host}:{port}``."""
    allowed_hosts: Sequence[str] = ()
    """``Host`` names answered besides loopback names (``localhost``, ``127.0.0.1``, ``::1``), the
    in-process names ``emulator`` and ``testserver``, ``host`` and the host of ``public_url``:
    any other ``Host`` is refused (DNS rebinding). CLI ``--allow-host``."""

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"
