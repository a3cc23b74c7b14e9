"""REST handlers, one module per area; importing this package registers them all."""

from __future__ import annotations

from . import (
    acl,
    applications,
    auth_extra,
    cas,
    directory,
    messaging,
    mfa,
    mgmt_extra,
    oidc,
    orgs,
    qrcode,
    sessions,
    tenants,
    unlink,
    users,
    wellknown,
)

__all__ = [
    "acl",
    "applications",
    "auth_extra",
    "cas",
    "directory",
    "messaging",
    "mfa",
    "mgmt_extra",
    "oidc",
    "orgs",
    "qrcode",
    "sessions",
    "tenants",
    "unlink",
    "users",
    "wellknown",
]
