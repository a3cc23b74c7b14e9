"""REST handlers, one module per area; importing this package registers them all."""

from __future__ import annotations

from . import directory, messaging, sessions, users, wellknown

__all__ = ["directory", "messaging", "sessions", "users", "wellknown"]
