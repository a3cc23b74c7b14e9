"""REST handlers, one module per area; importing this package registers them all."""

from __future__ import annotations

from . import cas, directory, messaging, mgmt_extra, oidc, sessions, users, wellknown

__all__ = ["cas", "directory", "messaging", "mgmt_extra", "oidc", "sessions", "users", "wellknown"]
from . import auth_extra as auth_extra
