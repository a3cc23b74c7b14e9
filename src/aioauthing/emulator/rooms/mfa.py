"""Multi-factor authentication: the application MFA policy, MFA tokens, TOTP, recovery codes and
the face rule (hand-written logic), with the GraphQL (``queryMfa``/``changeMfa``) and REST
(``/api/v2/mfa/...``, ``/api/v2/applications/mfa/...``) faces.

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
import segno

from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, resolver, rest_route
from ..state import Pool, format_date
from ..users import check_email, user_view
from .messaging import consume_code, email_key, sms_key

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
        raise biz("MFA_FACTORS_NOT_LIST", choices=", ".join(FACTORS))
    chosen = [f.upper() for f in factors]
    unknown = [f for f in chosen if f not in FACTORS]
    if unknown:
        raise biz("MFA_FACTOR_UNKNOWN", factor=unknown[0], choices=", ".join(FACTORS))
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
    raise biz("MFA_REQUIRED", data=data)


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
        raise biz("NOT_LOGGED_IN")  # unknown pool, or a token of another pool than named
    try:
        claims = jwt.decode(
            token, pool.app_secret, algorithms=["HS256"], options={"verify_exp": False}
        )
    except jwt.PyJWTError as exc:
        raise biz("NOT_LOGGED_IN") from exc
    if pool.now() >= int(claims["exp"]):
        raise biz("MFA_TOKEN_EXPIRED")
    jti = str(claims.get("jti", ""))
    if f"mfa-spent:{jti}" in pool.codes:
        raise biz("MFA_TOKEN_SPENT")
    user = pool.users.get(str(claims["data"]["userId"]))
    if user is None:
        raise biz("USER_NOT_FOUND")
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
            raise biz("NO_PERMISSION")
        return pool, caller
    if not wanted:
        raise biz("PARAM_MISSING", name="userId")
    user = pool.users.get(wanted)
    if user is None:
        raise biz("USER_NOT_FOUND")
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


# ---------------------------------------------------------------- REST
def _body(call: RestCall) -> dict[str, Any]:
    return call.body if isinstance(call.body, dict) else {}


def _caller(ctx: RequestContext, *, user_token: bool) -> tuple[Pool, dict[str, Any], str | None]:
    """``(pool, user, jti)``: the MFA token's user (``jti`` set), or with ``user_token`` the
    signed-in user (``jti`` None)."""
    bearer = ctx.bearer
    if bearer:
        found = read_mfa_token(ctx, bearer)
        if found is not None:
            return found
    if not user_token:
        raise biz("MFA_TOKEN_REQUIRED")
    pool, user, _info = ctx.require_user()
    return pool, user, None


def _finish(ctx: RequestContext, pool: Pool, user: dict[str, Any], jti: str | None) -> Any:
    """The second factor checked out: spend the MFA token and log the user in."""
    if jti is None:
        raise biz("MFA_TOKEN_REQUIRED")
    spend_mfa_token(ctx, pool, jti)
    from .signin import login  # signin asks mfa_gate first: imported late

    return login(ctx, pool, user, None, mfa_passed=True)


def _totp(user: dict[str, Any]) -> dict[str, Any]:
    totp: dict[str, Any] = user_mfa(user).get("totp") or {}
    return totp


@rest_route("GET", "/api/v2/mfa/authenticator")
def authenticators(ctx: RequestContext, call: RestCall) -> Any:
    _pool, user, _jti = _caller(ctx, user_token=True)
    totp = _totp(user)
    if not totp.get("enabled"):
        return []
    return [
        {
            "id": totp["id"],
            "createdAt": totp.get("createdAt"),
            "updatedAt": totp.get("updatedAt"),
            "userId": user["id"],
            "enable": True,
            "secret": totp["secret"],
            "authenticatorType": "totp",
            "recoveryCode": totp.get("recoveryCode"),
        }
    ]


@rest_route("POST", "/api/v2/mfa/totp/associate")
def associate(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, _jti = _caller(ctx, user_token=True)
    body = _body(call)
    kind = body.get("authenticatorType") or body.get("authenticator_type") or "totp"
    if kind != "totp":
        raise biz("CHOICE_REQUIRED", name="authenticatorType", choices="totp")
    record = user_mfa(user)
    if (record.get("totp") or {}).get("enabled"):
        raise biz("TOTP_ALREADY_BOUND")
    secret = pyotp.random_base32()
    now = format_date(pool.now())
    recovery = new_recovery_code()
    record["totp"] = {
        "id": ctx.state.ids.object_id(),
        "secret": secret,
        "enabled": False,
        "recoveryCode": recovery,
        "createdAt": now,
        "updatedAt": now,
    }
    ctx.state.put_user(pool, user)
    account = user.get("email") or user.get("phone") or user.get("username") or user["id"]
    uri = pyotp.TOTP(secret).provisioning_uri(name=str(account), issuer_name=pool.name)
    return {
        "authenticator_type": "totp",
        "secret": secret,
        "qrcode_uri": uri,
        "qrcode_data_url": segno.make(uri, error="m").png_data_uri(scale=4),
        "recovery_code": recovery,
    }


@rest_route("POST", "/api/v2/mfa/totp/associate/confirm")
def confirm(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, _jti = _caller(ctx, user_token=True)
    code = _body(call).get("totp")
    if not isinstance(code, str) or not code:
        raise biz("TOTP_CODE_MISSING")
    totp = _totp(user)
    if not totp.get("secret"):
        raise biz("TOTP_NOT_ASSOCIATED")
    if not verify_totp(pool, totp["secret"], code):
        raise biz("WRONG_TOTP_CODE")
    totp["enabled"] = True
    totp["updatedAt"] = format_date(pool.now())
    ctx.state.put_user(pool, user)
    return Envelope(message="TOTP MFA 绑定成功")


@rest_route("DELETE", "/api/v2/mfa/totp/associate")
def unbind(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, _info = ctx.require_user()
    user_mfa(user).pop("totp", None)
    ctx.state.put_user(pool, user)
    return Envelope(message="TOTP MFA 解绑成功")


@rest_route("POST", "/api/v2/mfa/totp/verify")
def verify(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, jti = _caller(ctx, user_token=False)
    code = _body(call).get("totp")
    if not isinstance(code, str) or not code:
        raise biz("TOTP_CODE_MISSING")
    totp = _totp(user)
    if not totp.get("enabled") or not verify_totp(pool, totp["secret"], code):
        raise biz("WRONG_TOTP_CODE")
    return _finish(ctx, pool, user, jti)


@rest_route("POST", "/api/v2/mfa/totp/recovery")
def recovery(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, jti = _caller(ctx, user_token=False)
    code = _body(call).get("recoveryCode")
    if not isinstance(code, str) or not code:
        raise biz("RECOVERY_CODE_MISSING")
    totp = _totp(user)
    if not totp.get("enabled") or code != totp.get("recoveryCode"):
        raise biz("WRONG_RECOVERY_CODE")
    totp["recoveryCode"] = new_recovery_code()
    totp["updatedAt"] = format_date(pool.now())
    ctx.state.put_user(pool, user)
    return _finish(ctx, pool, user, jti)


def _bind_contact(
    ctx: RequestContext, pool: Pool, user: dict[str, Any], field: str, value: str
) -> None:
    """The account's phone/email must be ``value``; an account without one gets it bound."""
    current = user.get(field)
    if current and (current.lower() if field == "email" else current) != (
        value.lower() if field == "email" else value
    ):
        raise biz("MFA_PHONE_MISMATCH" if field == "phone" else "MFA_EMAIL_MISMATCH")
    if not current:
        other = pool.find_by(field, value)
        if other is not None and other["id"] != user["id"]:
            raise biz("CONTACT_ALREADY_BOUND")
        previous = dict(user)
        user[field] = value
        user[f"{field}Verified"] = True
        ctx.state.put_user(pool, user, previous=previous)


@rest_route("POST", "/api/v2/applications/mfa/sms/verify")
def verify_sms(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, jti = _caller(ctx, user_token=False)
    body = _body(call)
    phone = body.get("phone")
    if not isinstance(phone, str) or not phone:
        raise biz("PARAM_MISSING", name="phone")
    consume_code(ctx, pool, sms_key(phone), body.get("code"))
    _bind_contact(ctx, pool, user, "phone", phone)
    return _finish(ctx, pool, user, jti)


@rest_route("POST", "/api/v2/applications/mfa/email/verify")
def verify_email(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, jti = _caller(ctx, user_token=False)
    body = _body(call)
    email = body.get("email")
    if not isinstance(email, str) or not email:
        raise biz("PARAM_MISSING", name="email")
    check_email(email)
    consume_code(ctx, pool, email_key(email), body.get("code"))
    _bind_contact(ctx, pool, user, "email", email)
    return _finish(ctx, pool, user, jti)


@rest_route("POST", "/api/v2/applications/mfa/check")
def bindable(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, _jti = _caller(ctx, user_token=True)
    body = _body(call)
    for field in ("phone", "email"):
        value = body.get(field)
        if isinstance(value, str) and value:
            other = pool.find_by(field, value)
            if other is not None and other["id"] != user["id"]:
                raise biz("CONTACT_ALREADY_BOUND")
    return True


def _face_associate(ctx: RequestContext, call: RestCall) -> Any:
    body = _body(call)
    if "photoA" not in body and "photo" in body:
        return _face_verify(ctx, call)  # Go and Python post verification here
    pool, user, jti = _caller(ctx, user_token=True)
    photo_a, photo_b = body.get("photoA"), body.get("photoB")
    if not isinstance(photo_a, str) or not photo_a:
        raise biz("FACE_PHOTO_MISSING")
    if not isinstance(photo_b, str) or not photo_b:
        raise biz("FACE_COMPARE_PHOTO_MISSING")
    record = user_mfa(user)
    if record.get("face"):
        raise biz("FACE_ALREADY_BOUND")
    fingerprint = face_fingerprint(photo_a)
    if fingerprint != face_fingerprint(photo_b):
        raise biz("FACE_MISMATCH")
    record["face"] = {"fingerprint": fingerprint, "createdAt": format_date(pool.now())}
    ctx.state.put_user(pool, user)
    if jti is not None:
        return _finish(ctx, pool, user, jti)
    return user_view(user)


def _face_verify(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, jti = _caller(ctx, user_token=False)
    photo = _body(call).get("photo")
    if not isinstance(photo, str) or not photo:
        raise biz("FACE_PHOTO_MISSING")
    face = user_mfa(user).get("face") or {}
    if not face or face.get("fingerprint") != face_fingerprint(photo):
        raise biz("FACE_MISMATCH")
    return _finish(ctx, pool, user, jti)


rest_route("POST", "/api/v2/mfa/face/associate")(_face_associate)
rest_route("POST", "/api/v2/mfa/face/verify")(_face_verify)
