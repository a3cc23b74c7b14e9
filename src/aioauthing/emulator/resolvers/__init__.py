"""GraphQL resolvers, one module per area; importing this package registers them all."""

from __future__ import annotations

from . import (
    acl,
    auth,
    auth_extra,
    management,
    messaging,
    mfa,
    mgmt_extra,
    orgs,
    policies,
    search,
    udv,
    users,
)

__all__ = [
    "acl",
    "auth",
    "auth_extra",
    "management",
    "messaging",
    "mfa",
    "mgmt_extra",
    "orgs",
    "policies",
    "search",
    "udv",
    "users",
]
