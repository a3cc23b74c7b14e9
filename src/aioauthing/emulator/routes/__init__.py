"""REST handlers, one module per area; importing this package registers them all."""

from __future__ import annotations

from . import directory, messaging, mgmt_extra, sessions, users, wellknown

__all__ = ["directory", "messaging", "mgmt_extra", "sessions", "users", "wellknown"]
from . import auth_extra as auth_extra
