"""Multi-factor authentication: the application MFA policy, MFA tokens, TOTP, recovery codes and
the face rule. Hand-written logic (a room of its own); the REST face is ``routes/mfa.py``.

* Policy: ``POST /__emulator__/mfa?pool=ID`` with ``{"factors": [...]}`` (any of OTP, SMS, EMAIL,
  FACE; ``[]`` switches application MFA off). Per user, ``changeMfa(enable:)`` overrides it:
  ``true`` makes that user's logins need MFA (the pool's factors, or OTP when it has none),
  ``false`` exempts the user; ``queryMfa`` reads it.
* A login that needs MFA answers 1636 with ``data.mfaToken``: HS256 (keyed with the pool's app
  secret), claims ``data{userPoolId, userId, arn, stage: 1}``, ``iat``, ``exp`` = ``iat`` + 360 s
  (wire-v2 §7). The token is the bearer of the MFA calls; a successful verification spends it.
* TOTP: RFC 6238 (pyotp), 6 digits, 30 s steps, one step of drift either way, on the pool's clock.
* Recovery codes: one per bound authenticator, single use; using one issues the next.
* Face: a photo's fingerprint is the SHA-256 of its bytes when it is a ``data:`` URL, else of its
  URL without the query string; two photos match when their fingerprints are equal (the same
  image bytes, or the same stored file, match; anything else does not).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any, Final

import jwt
import pyotp

from ..context import RequestContext
from ..errors import biz
from ..registry import resolver
from ..state import Pool, format_date

__all__ = [
    "FACTORS",
    "MFA_REQUIRED",
    "MFA_TOKEN_LIFETIME",
    "face_fingerprint",
    "issue_mfa_token",
    "mfa_gate",
    "new_recovery_code",
    "pool_factors",
    "read_mfa_token",
    "set_pool_factors",
    "spend_mfa_token",
    "user_mfa",
    "verify_totp",
]

FACTORS: Final = ("OTP", "SMS", "EMAIL", "FACE")
MFA_REQUIRED: Final = 1636
MFA_TOKEN_LIFETIME: Final = 360
_POLICY_KEY: Final = "mfa:policy"
_FOREVER: Final = 2**62


# ---------------------------------------------------------------- policy
def pool_factors(pool: Pool) -> list[str]:
    """The application MFA factors of ``pool`` (``[]``: off)."""
    entry = pool.codes.get(_POLICY_KEY)
    return list(entry["factors"]) if entry else []


def set_pool_factors(ctx_state: Any, pool: Pool, factors: Any) -> list[str]:
    """Switch application MFA of ``pool`` to ``factors`` (validated); returns them."""
    if not isinstance(factors, list) or not all(isinstance(f, str) for f in factors):
        raise biz(400, f"factors must be a list of {', '.join(FACTORS)}")
    chosen = [f.upper() for f in factors]
    unknown = [f for f in chosen if f not in FACTORS]
    if unknown:
        raise biz(400, f"unknown MFA factor {unknown[0]!r} (known: {', '.join(FACTORS)})")
    chosen = list(dict.fromkeys(chosen))
    if chosen:
        ctx_state.put_code(pool, _POLICY_KEY, {"factors": chosen, "expiresAt": _FOREVER})
    else:
        ctx_state.delete_code(pool, _POLICY_KEY)
    return chosen


def user_mfa(user: dict[str, Any]) -> dict[str, Any]:
    """The user's MFA record (created empty): ``enable``, ``totp``, ``face``."""
    record: dict[str, Any] = user.setdefault("_mfa", {})
    return record


def _required_factors(pool: Pool, user: dict[str, Any]) -> list[str]:
    factors = pool_factors(pool)
    enable = (user.get("_mfa") or {}).get("enable")
    if enable is False:
        return []
    if enable is True and not factors:
        return ["OTP"]
    return factors


def mfa_gate(ctx: RequestContext, pool: Pool, user: dict[str, Any]) -> None:
    """Raise 1636 (with the MFA token and the factors) when ``user``'s login needs MFA."""
    factors = _required_factors(pool, user)
    if not factors:
        return
    record = user.get("_mfa") or {}
    totp = record.get("totp") or {}
    data = {
        "mfaToken": issue_mfa_token(ctx, pool, user),
        "nickname": user.get("nickname"),
        "username": user.get("username"),
        "email": user.get("email"),
        "phone": user.get("phone"),
        "phoneCountryCode": user.get("phoneCountryCode"),
        "avatar": user.get("photo"),
        "mfaPhone": user.get("phone"),
        "mfaEmail": user.get("email"),
        "totpMfaEnabled": bool(totp.get("enabled")),
        "faceMfaEnabled": bool(record.get("face")),
        "applicationMfa": [
            {"mfaPolicy": factor, "status": 1, "sort": number}
            for number, factor in enumerate(factors)
        ],
    }
    raise biz(MFA_REQUIRED, "请进行 MFA 认证", data=data)


# ---------------------------------------------------------------- MFA tokens
def issue_mfa_token(ctx: RequestContext, pool: Pool, user: dict[str, Any]) -> str:
    iat = int(pool.now())
    claims = {
        "data": {"userPoolId": pool.id, "userId": user["id"], "arn": user["arn"], "stage": 1},
        "iat": iat,
        "exp": iat + MFA_TOKEN_LIFETIME,
        "jti": ctx.state.ids.secret(),
    }
    return jwt.encode(claims, pool.app_secret, algorithm="HS256")


def read_mfa_token(ctx: RequestContext, token: str) -> tuple[Pool, dict[str, Any], str] | None:
    """``(pool, user, jti)`` of a valid MFA token; ``None`` when ``token`` is not one (another
    kind of token); 2020 when it is an MFA token that fails its checks, 2206 when it expired."""
    try:
        if jwt.get_unverified_header(token).get("alg") != "HS256":
            return None
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    data = unverified.get("data") if isinstance(unverified, dict) else None
    if not isinstance(data, dict) or data.get("stage") is None:
        return None
    pool = ctx.state.pools.get(str(data.get("userPoolId")))
    header_pool = ctx.headers.get("x-authing-userpool-id", "").strip()
    if pool is None or (header_pool and header_pool != pool.id):
        raise biz(2020)  # unknown pool, or a token of another pool than the request names
    try:
        claims = jwt.decode(
            token, pool.app_secret, algorithms=["HS256"], options={"verify_exp": False}
        )
    except jwt.PyJWTError as exc:
        raise biz(2020) from exc
    if pool.now() >= int(claims["exp"]):
        raise biz(2206, "MFA token 已过期，请重新登录")
    jti = str(claims.get("jti", ""))
    if f"mfa-spent:{jti}" in pool.codes:
        raise biz(2020, "MFA token 已使用")
    user = pool.users.get(str(claims["data"]["userId"]))
    if user is None:
        raise biz(2004)
    return pool, user, jti


def spend_mfa_token(ctx: RequestContext, pool: Pool, jti: str) -> None:
    """An MFA token finishes one login only."""
    entry = {"expiresAt": pool.now() + MFA_TOKEN_LIFETIME}
    ctx.state.put_code(pool, f"mfa-spent:{jti}", entry)


# ---------------------------------------------------------------- factors
def verify_totp(pool: Pool, secret: str, code: str) -> bool:
    """RFC 6238 on the pool's clock, one 30 s step of drift either way."""
    if not code.isdigit() or len(code) != 6:
        return False
    return bool(pyotp.TOTP(secret).verify(code, for_time=int(pool.now()), valid_window=1))


def new_recovery_code() -> str:
    """``xxxx-xxxx-xxxx-xxxx`` (hex): shown once at binding, spent by one use."""
    raw = secrets.token_hex(8)
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def face_fingerprint(photo: str) -> str:
    """The face rule: SHA-256 of a ``data:`` URL's bytes, else of the URL without its query."""
    if photo.startswith("data:") and "," in photo:
        header, _, payload = photo.partition(",")
        try:
            content = (
                base64.b64decode(payload, validate=False)
                if header.endswith(";base64")
                else payload.encode("utf-8")
            )
        except ValueError:
            content = payload.encode("utf-8")
        return hashlib.sha256(content).hexdigest()
    return hashlib.sha256(photo.split("?", 1)[0].encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- GraphQL: queryMfa / changeMfa
def _mfa_target(ctx: RequestContext, args: dict[str, Any]) -> tuple[Pool, dict[str, Any]]:
    """The user a ``queryMfa``/``changeMfa`` call is about: any user for a management token
    (by ``userId``), only the caller for a user token."""
    pool, caller = ctx.require_any()
    wanted = args.get("userId")
    if caller is not None:
        if wanted not in (None, caller["id"]):
            raise biz(1001)
        return pool, caller
    if not wanted:
        raise biz(400, "缺少 userId")
    user = pool.users.get(wanted)
    if user is None:
        raise biz(2004)
    return pool, user


def _mfa_view(pool: Pool, user: dict[str, Any]) -> dict[str, Any]:
    record = user.get("_mfa") or {}
    totp = record.get("totp") or {}
    return {
        "id": totp.get("id") or f"mfa-{user['id']}",
        "userId": user["id"],
        "userPoolId": pool.id,
        "enable": bool(_required_factors(pool, user)),
        "secret": totp.get("secret"),
    }


@resolver("Query.queryMfa")
def query_mfa(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user = _mfa_target(ctx, args)
    return _mfa_view(pool, user)


@resolver("Mutation.changeMfa")
def change_mfa(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user = _mfa_target(ctx, args)
    record = user_mfa(user)
    if args.get("enable") is not None:
        record["enable"] = bool(args["enable"])
    if args.get("refresh"):
        totp = record.setdefault("totp", {"id": ctx.state.ids.object_id(), "enabled": False})
        totp["secret"] = pyotp.random_base32()
        totp["updatedAt"] = format_date(pool.now())
    ctx.state.put_user(pool, user)
    return _mfa_view(pool, user)
