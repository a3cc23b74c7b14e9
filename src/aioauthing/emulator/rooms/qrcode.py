"""QR-code sign-in (``/api/v2/qrcode/...``, JS ``QrCodeAuthenticationClient``) and its scan /
confirm / cancel rules, which the admin drivers (``admin_auth``) play instead of a phone.

A code lives ``QRCODE_LIFETIME`` seconds on the pool's clock (then status -1 until it is used);
its status goes 0 (new) -> 1 (scanned: ``userInfo`` holds the nickname and photo) -> 2
(confirmed: a single-use ``ticket``, exchanged for the user and their token within
``TICKET_LIFETIME``), or 3 (cancelled), or 4 (the user's login needs MFA: ``scannedResult`` is
the 1636 answer with its MFA token).
"""

from __future__ import annotations

import json
from typing import Any, Final

import segno

from ..context import RequestContext
from ..errors import AuthingBizError, biz
from ..oauth import account_active
from ..registry import RestCall, rest_route
from ..state import Pool, format_date
from .mfa import mfa_gate
from .signin import login

__all__ = [
    "QRCODE_LIFETIME",
    "SCENES",
    "TICKET_LIFETIME",
    "cancel_code",
    "confirm_code",
    "scan_code",
]

SCENES: Final = ("APP_AUTH", "WXAPP_AUTH", "WECHATMP_AUTH")
QRCODE_LIFETIME: Final = 120
TICKET_LIFETIME: Final = 300


def _key(random: str) -> str:
    return f"qrcode:{random}"


def _entry(pool: Pool, random: Any) -> dict[str, Any]:
    entry = pool.codes.get(_key(random)) if isinstance(random, str) and random else None
    if entry is None:
        raise biz("QRCODE_NOT_FOUND")
    if entry["status"] in (0, 1) and pool.now() > entry["expiresAt"]:
        entry["status"] = -1
    return entry


@rest_route("POST", "/api/v2/qrcode/gene")
def gene(ctx: RequestContext, call: RestCall) -> Any:
    body = call.body if isinstance(call.body, dict) else {}
    scene = body.get("scene") or "APP_AUTH"
    if scene not in SCENES:
        raise biz("CHOICE_REQUIRED", name="scene", choices=", ".join(SCENES))
    pool = ctx.pool
    random = ctx.state.ids.secret()
    now = pool.now()
    payload = json.dumps({"scene": scene, "random": random, "userPoolId": pool.id})
    entry = {
        "scene": scene,
        "status": 0,
        "userId": None,
        "ticket": None,
        "scannedResult": None,
        "createdAt": format_date(now),
        "expiresAt": now + QRCODE_LIFETIME,
    }
    ctx.state.put_code(pool, _key(random), entry)
    return {
        "random": random,
        "url": segno.make(payload, error="m").png_data_uri(scale=4),
        "customLogo": None,
    }


def _user_info(pool: Pool, entry: dict[str, Any]) -> dict[str, Any] | None:
    user = pool.users.get(entry.get("userId") or "")
    if user is None:
        return None
    return {"nickname": user.get("nickname"), "photo": user.get("photo")}


@rest_route("GET", "/api/v2/qrcode/check")
def check(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.pool
    random = call.query.get("random")
    entry = _entry(pool, random)
    return {
        "random": random,
        "status": entry["status"],
        "ticket": entry["ticket"] if entry["status"] == 2 else None,
        "userInfo": _user_info(pool, entry) if entry["status"] in (1, 2) else None,
        "scannedResult": entry["scannedResult"],
    }


@rest_route("POST", "/api/v2/qrcode/userinfo")
def exchange(ctx: RequestContext, call: RestCall) -> Any:
    body = call.body if isinstance(call.body, dict) else {}
    ticket = body.get("ticket")
    pool = ctx.pool
    found = pool.codes.get(f"qrticket:{ticket}") if isinstance(ticket, str) and ticket else None
    if found is None or pool.now() > found["expiresAt"]:
        raise biz("QRCODE_TICKET_INVALID")
    ctx.state.delete_code(pool, f"qrticket:{ticket}")
    user = pool.users.get(found["userId"])
    if user is None:
        raise biz("USER_NOT_FOUND")
    return login(ctx, pool, user, None, mfa_passed=True)


# ---------------------------------------------------------------- the phone's side (admin drivers)
def _save(ctx: RequestContext, pool: Pool, random: str, entry: dict[str, Any]) -> None:
    ctx.state.put_code(pool, _key(random), entry)


def _pending(pool: Pool, random: Any) -> dict[str, Any]:
    entry = _entry(pool, random)
    if entry["status"] == -1:
        raise biz("QRCODE_EXPIRED")
    if entry["status"] not in (0, 1):
        raise biz("QRCODE_USED")
    return entry


def scan_code(ctx: RequestContext, pool: Pool, random: str, user_id: str) -> dict[str, Any]:
    """The user ``user_id`` scans the code (status 1)."""
    entry = _pending(pool, random)
    if entry["status"] == 1 and entry["userId"] != user_id:
        raise biz("QRCODE_SCANNED_BY_OTHER")
    entry.update(status=1, userId=user_id)
    _save(ctx, pool, random, entry)
    return {"random": random, "status": 1}


def confirm_code(
    ctx: RequestContext, pool: Pool, random: str, user_id: str | None
) -> dict[str, Any]:
    """The scanning user confirms (status 2 with a ticket, or 4 when their login needs MFA)."""
    entry = _pending(pool, random)
    if user_id is not None and entry["status"] == 0:
        scan_code(ctx, pool, random, user_id)
    elif entry["status"] == 0:
        raise biz("QRCODE_NOT_SCANNED")
    elif user_id is not None and entry["userId"] != user_id:
        raise biz("QRCODE_SCANNED_BY_OTHER")
    user = pool.users[entry["userId"]]
    if not account_active(user):
        raise biz("USER_LOCKED")
    try:
        mfa_gate(ctx, pool, user)
    except AuthingBizError as exc:
        entry.update(status=4, scannedResult=exc.payload())
        _save(ctx, pool, random, entry)
        return {"random": random, "status": 4}
    ticket = ctx.state.ids.secret()
    ctx.state.put_code(
        pool,
        f"qrticket:{ticket}",
        {"userId": user["id"], "expiresAt": pool.now() + TICKET_LIFETIME},
    )
    entry.update(status=2, ticket=ticket, expiresAt=pool.now() + TICKET_LIFETIME)
    _save(ctx, pool, random, entry)
    return {"random": random, "status": 2, "ticket": ticket}


def cancel_code(ctx: RequestContext, pool: Pool, random: str) -> dict[str, Any]:
    """The user declines on the phone (status 3)."""
    entry = _pending(pool, random)
    entry.update(status=3)
    _save(ctx, pool, random, entry)
    return {"random": random, "status": 3}
