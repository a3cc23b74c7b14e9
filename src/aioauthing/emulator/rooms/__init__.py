"""The emulator's rooms, one per domain, each holding its GraphQL and REST faces.

Importing this package registers every handler: the generic ones of the operations whose spec
declares an ``emulate`` behaviour (:mod:`..generic`), then each room's hand-written ones.
"""

from __future__ import annotations

from .. import generic
from . import (
    account,
    acl,
    applications,
    audit_log,
    custom_data,
    groups,
    messaging,
    mfa,
    mfa_admin,
    orgs,
    policies,
    principal,
    protocols,
    qrcode,
    roles,
    sessions,
    signin,
    tenants,
    unlink,
    user_pool,
    users,
)

__all__ = [
    "account",
    "acl",
    "applications",
    "audit_log",
    "custom_data",
    "generic",
    "groups",
    "messaging",
    "mfa",
    "mfa_admin",
    "orgs",
    "policies",
    "principal",
    "protocols",
    "qrcode",
    "roles",
    "sessions",
    "signin",
    "tenants",
    "unlink",
    "user_pool",
    "users",
]
