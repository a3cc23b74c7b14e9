"""Administrators' MFA calls (the JS ``MFAManagementClient``) on the MFA model of :mod:`.mfa`.

* ``GET /api/v2/users/{userId}/mfa-bound``: ``{OTP, FACE}``, which factors the user has bound.
* ``DELETE /api/v2/users/{userId}/mfa-bound?type=OTP|FACE``: unbind one.
* ``POST /api/v2/mfa/totp/import``: bind an existing TOTP secret (confirmed at once) with its
  recovery code (a new one when none is given) and switch the user's MFA on, so the next login
  answers 1636 and is finished with codes of that secret.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, rest_route
from ..state import Pool, format_date
from ..store import json_body, text_field
from .mfa import new_recovery_code, user_mfa

_FACTORS = ("OTP", "FACE")


def _user(pool: Pool, user_id: Any) -> dict[str, Any]:
    user: dict[str, Any] | None = pool.users.get(user_id) if isinstance(user_id, str) else None
    if user is None:
        raise biz("USER_NOT_FOUND")
    return user


def _status(user: dict[str, Any]) -> dict[str, bool]:
    record = user.get("_mfa") or {}
    return {
        "OTP": bool((record.get("totp") or {}).get("enabled")),
        "FACE": bool(record.get("face")),
    }


@rest_route("GET", "/api/v2/users/{userId}/mfa-bound")
def mfa_bound(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    return _status(_user(pool, call.path_params["userId"]))


@rest_route("DELETE", "/api/v2/users/{userId}/mfa-bound")
def unbind_factor(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    user = _user(pool, call.path_params["userId"])
    kind = str(call.query.get("type") or "").upper()
    if kind not in _FACTORS:
        raise biz("CHOICE_REQUIRED", name="type", choices=", ".join(_FACTORS))
    user_mfa(user).pop("totp" if kind == "OTP" else "face", None)
    ctx.state.put_user(pool, user)
    return Envelope(message="解绑成功")


@rest_route("POST", "/api/v2/mfa/totp/import")
def import_totp(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    body = json_body(call)
    user = _user(pool, text_field(body, "userId"))
    secret = text_field(body, "secret").replace(" ", "").upper()
    try:
        base64.b32decode(secret + "=" * (-len(secret) % 8))
    except (binascii.Error, ValueError) as exc:
        raise biz("TOTP_SECRET_INVALID") from exc
    recovery = body.get("recoveryCode")
    if not isinstance(recovery, str) or not recovery:
        recovery = new_recovery_code()
    record = user_mfa(user)
    now = format_date(pool.now())
    previous = record.get("totp") or {}
    record["totp"] = {
        "id": previous.get("id") or ctx.state.ids.object_id(),
        "secret": secret,
        "enabled": True,
        "recoveryCode": recovery,
        "createdAt": previous.get("createdAt") or now,
        "updatedAt": now,
    }
    record["enable"] = True
    ctx.state.put_user(pool, user)
    return {
        "id": record["totp"]["id"],
        "userId": user["id"],
        "enable": True,
        "secret": secret,
        "authenticatorType": "totp",
        "recoveryCode": recovery,
        "createdAt": record["totp"]["createdAt"],
        "updatedAt": now,
    }
