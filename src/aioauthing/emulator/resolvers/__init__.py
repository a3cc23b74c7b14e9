"""GraphQL resolvers, one module per area; importing this package registers them all
(with the generic handlers of every operation the spec gives an ``emulate`` behaviour)."""

from __future__ import annotations

from .. import generic
from . import (
    acl,
    auth,
    auth_extra,
    management,
    messaging,
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
    "generic",
    "management",
    "messaging",
    "mgmt_extra",
    "orgs",
    "policies",
    "search",
    "udv",
    "users",
]
