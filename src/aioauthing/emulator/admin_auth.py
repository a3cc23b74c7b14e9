"""Admin drivers of MFA and QR-code sign-in, under ``/__emulator__/`` (pool: ``?pool=ID``):

* ``GET/POST /mfa`` -- ``{"factors": ["OTP", "SMS", "EMAIL", "FACE"]}`` (any subset; ``[]``
  switches application MFA off): logins of the pool's users then answer 1636 with an MFA token.
  Answers ``{"factors": [...]}``.
* ``POST /qrcode/scan`` -- ``{"random", "userId"}`` (or ``"username"|"email"|"phone"`` with
  ``"password"``): that user scans the code (status 1).
* ``POST /qrcode/confirm`` -- ``{"random"}`` (a user as above scans first if nobody has): status 2
  with a ticket, or 4 when the user's login needs MFA. Answers ``{"random", "status", "ticket"?}``.
* ``POST /qrcode/cancel`` -- ``{"random"}``: the user declines (status 3).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from .errors import biz
from .passwords import verify_password
from .rest_http import context_for
from .rooms.mfa import pool_factors, set_pool_factors
from .rooms.qrcode import cancel_code, confirm_code, scan_code
from .state import Pool

__all__ = ["mfa_policy", "qrcode_cancel", "qrcode_confirm", "qrcode_scan"]


def _pool(request: Request) -> Pool:
    pool_id = request.query_params.get("pool") or request.headers.get("x-authing-userpool-id")
    pool: Pool = request.app.state.emulator.state.pool(pool_id)
    return pool


def _user_id(pool: Pool, body: dict[str, Any], *, required: bool = True) -> str | None:
    if body.get("userId"):
        user_id = str(body["userId"])
        if user_id not in pool.users:
            raise biz("USER_NOT_FOUND")
        return user_id
    for field in ("username", "email", "phone"):
        user = pool.find_by(field, body.get(field))
        if user is not None:
            password = body.get("password")
            if not isinstance(password, str) or not verify_password(password, user.get("password")):
                raise biz("WRONG_ACCOUNT_OR_PASSWORD")
            return str(user["id"])
    if required or any(body.get(f) for f in ("username", "email", "phone")):
        raise biz("USER_NOT_FOUND")
    return None


def _random(body: dict[str, Any]) -> str:
    random = body.get("random")
    if not isinstance(random, str) or not random:
        raise biz("PARAM_MISSING", name="random")
    return random


async def mfa_policy(request: Request, body: dict[str, Any]) -> Any:
    pool = _pool(request)
    if request.method == "POST":
        if "factors" not in body:
            raise biz("PARAM_MISSING", name="factors")
        set_pool_factors(request.app.state.emulator.state, pool, body["factors"])
    return {"factors": pool_factors(pool)}


async def qrcode_scan(request: Request, body: dict[str, Any]) -> Any:
    pool = _pool(request)
    user_id = _user_id(pool, body)
    assert user_id is not None
    return scan_code(context_for(request), pool, _random(body), user_id)


async def qrcode_confirm(request: Request, body: dict[str, Any]) -> Any:
    pool = _pool(request)
    return confirm_code(
        context_for(request), pool, _random(body), _user_id(pool, body, required=False)
    )


async def qrcode_cancel(request: Request, body: dict[str, Any]) -> Any:
    return cancel_code(context_for(request), _pool(request), _random(body))
