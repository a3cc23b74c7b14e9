"""GraphQL resolvers, one module per area; importing this package registers them all."""

from __future__ import annotations

from . import auth, management, messaging, mgmt_extra, udv, users

__all__ = ["auth", "management", "messaging", "mgmt_extra", "udv", "users"]
from . import auth_extra as auth_extra
