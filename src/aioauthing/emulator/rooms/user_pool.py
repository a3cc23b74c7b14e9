"""The user pool's settings and registration whitelists, and the rules they impose on sign-in.

Settings live in the pool's ``mgmt:userpool`` record (persisted and reset like the others);
:func:`check_registration` and :func:`check_email_login` are what registration and login ask.
Environment variables and whitelist entries are generic (spec ``emulate`` on ``UserPoolEnv``
and ``WhiteList``); registration reads the entries here.
"""

from __future__ import annotations

from typing import Any

from ...generated.emulator import RECORDS
from ..context import RequestContext
from ..errors import biz
from ..registry import RestCall, resolver, rest_route
from ..state import Pool, format_date
from ..store import records, save

__all__ = ["check_email_login", "check_registration", "userpool_view"]

_WHITELIST_FIELDS = {"USERNAME": "username", "EMAIL": "email", "PHONE": "phone"}
"""Whitelist type -> the account identifier it holds."""

_SWITCHES = {"USERNAME": "usernameEnabled", "EMAIL": "emailEnabled", "PHONE": "phoneEnabled"}


def _defaults(pool: Pool) -> dict[str, Any]:
    return {
        "name": pool.name,
        "domain": pool.name,
        "description": None,
        "ownerId": None,
        "logo": "",
        "updatedAt": pool.created_at,
        "emailVerifiedDefault": False,
        "sendWelcomeEmail": False,
        "registerDisabled": False,
        "appSsoEnabled": False,
        "allowedOrigins": None,
        "tokenExpiresAfter": 1296000,
        "frequentRegisterCheck": {"timeInterval": 300, "limit": 50, "enabled": False},
        "loginFailCheck": {"timeInterval": 300, "limit": 50, "enabled": False},
        "changePhoneStrategy": {"verifyOldPhone": False},
        "changeEmailStrategy": {"verifyOldEmail": False},
        "whitelist": {"phoneEnabled": False, "emailEnabled": False, "usernameEnabled": False},
        "loginRequireEmailVerified": False,
        "verifyCodeLength": 4,
        "verifyCodeMaxAttempts": 1,
        "userpoolTypes": [],
        "showWxQRCodeWhenRegisterDisabled": False,
        "isDeleted": False,
        "passwordUpdatePolicy": {"enabled": False, "forcedCycle": 3, "differenceCycle": 0},
        "loginPasswordFailCheck": {"timeInterval": 300, "limit": 50, "enabled": False},
        "loginFailStrategy": "captcha",
        "qrcodeLoginStrategy": {
            "qrcodeExpiresAfter": 120,
            "returnFullUserInfo": False,
            "allowExchangeUserInfoFromBrowser": True,
            "ticketExpiresAfter": 300,
        },
        "app2WxappLoginStrategy": {
            "ticketExpriresAfter": 300,
            "ticketExchangeUserInfoNeedSecret": False,
        },
        "customSMSProvider": {"enabled": False, "provider": None, "config": None},
        "packageType": 1,
        "useCustomUserStore": False,
    }


def _stored(pool: Pool) -> dict[str, Any]:
    items = records(pool, "userpool")
    settings: dict[str, Any] = items.setdefault("settings", {})
    return settings


def setting(pool: Pool, name: str) -> Any:
    """One setting of ``pool`` (its default until changed)."""
    stored = _stored(pool)
    return stored[name] if name in stored else _defaults(pool)[name]


def userpool_view(pool: Pool) -> dict[str, Any]:
    """The ``UserPool`` answer: the pool's identity plus its settings."""
    return {
        **_defaults(pool),
        **_stored(pool),
        "id": pool.id,
        "secret": pool.secret,
        "jwtSecret": pool.app_secret,
        "createdAt": pool.created_at,
    }


def _listed(pool: Pool, kind: str, value: str) -> bool:
    """Whether ``value`` is on the whitelist of ``kind`` (emails compare case-insensitively)."""
    entries = [
        str(entry["value"])
        for entry in records(pool, RECORDS["WhiteList"]["entity"]).values()
        if entry.get("type") == kind
    ]
    if kind == "EMAIL":
        return value.lower() in {v.lower() for v in entries}
    return value in entries


def check_registration(pool: Pool, fields: dict[str, Any]) -> None:
    """Refuse a self-registration the pool's settings forbid (2031).

    ``fields`` are the identifiers the registration uses (``email``, ``username``, ``phone``).
    With registration disabled nobody registers; with a whitelist enabled, an identifier of that
    type that is not on it is refused. Administrators' ``users.create`` is not affected.
    """
    if setting(pool, "registerDisabled"):
        raise biz("REGISTER_DISABLED")
    switches = setting(pool, "whitelist") or {}
    for kind, field in _WHITELIST_FIELDS.items():
        value = fields.get(field)
        if switches.get(_SWITCHES[kind]) and value and not _listed(pool, kind, str(value)):
            raise biz("NOT_IN_WHITELIST", value=value)


def check_email_login(pool: Pool, user: dict[str, Any]) -> None:
    """Refuse a login by email while the email is unverified, if the pool requires it (2042)."""
    if setting(pool, "loginRequireEmailVerified") and not user.get("emailVerified"):
        raise biz("EMAIL_NOT_VERIFIED")


@rest_route("GET", "/api/v2/userpools/detail")
def userpool_detail(ctx: RequestContext, call: RestCall) -> Any:
    return userpool_view(ctx.require_management())


@resolver("Query.userpool")
def userpool(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return userpool_view(ctx.require_management())


def _merge(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    for key, value in changes.items():
        if value is None:
            continue
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@resolver("Mutation.updateUserpool")
def update_userpool(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.require_management()
    current = {**_defaults(pool), **_stored(pool)}
    changes = dict(args["input"])
    if changes.get("userpoolTypes") is not None:
        changes["userpoolTypes"] = [
            {"code": c, "name": c, "description": None, "image": None, "sdks": []}
            for c in changes["userpoolTypes"]
        ]
    updated = _merge(current, changes)
    updated["updatedAt"] = format_date(pool.now())
    records(pool, "userpool")["settings"] = updated
    save(ctx, pool, "userpool")
    return userpool_view(pool)
