"""Signed JWTs: user tokens (id_token-like, RS256 with ``kid``) and management access tokens."""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from typing import Any

import jwt

from .errors import biz
from .keys import KeyMaterial
from .state import Pool

__all__ = ["TokenInfo", "issue_management_token", "issue_user_token", "read_token"]


@dataclasses.dataclass(slots=True, frozen=True)
class TokenInfo:
    """A token whose signature checked out (it may still be expired or revoked)."""

    kind: str
    """``"user"`` or ``"management"``."""
    pool_id: str
    subject: str
    jti: str
    iat: int
    exp: int
    claims: dict[str, Any]

    def expired(self, now: float) -> bool:
        return now >= self.exp


def _sign(keys: KeyMaterial, claims: dict[str, Any]) -> str:
    return jwt.encode(claims, keys.signing_key, algorithm="RS256", headers={"kid": keys.kid})


def issue_user_token(
    keys: KeyMaterial, pool: Pool, user: dict[str, Any], *, jti: str, issuer: str, lifetime: int
) -> tuple[str, int, int]:
    """Sign a user token with the claims of wire-v2 §7.1; returns ``(token, iat, exp)``."""
    iat = int(pool.now())
    exp = iat + lifetime
    arn = user["arn"]
    claims: dict[str, Any] = {
        "sub": user["id"],
        "birthdate": user.get("birthdate"),
        "family_name": user.get("familyName"),
        "gender": user.get("gender"),
        "given_name": user.get("givenName"),
        "locale": user.get("locale"),
        "middle_name": user.get("middleName"),
        "name": user.get("name"),
        "nickname": user.get("nickname"),
        "picture": user.get("photo"),
        "preferred_username": user.get("preferredUsername"),
        "profile": user.get("profile"),
        "updated_at": user.get("updatedAt"),
        "website": user.get("website"),
        "zoneinfo": user.get("zoneinfo"),
        "address": {
            "country": user.get("country"),
            "postal_code": user.get("postalCode"),
            "region": user.get("region"),
            "formatted": user.get("formatted"),
        },
        "phone_number": user.get("phone"),
        "phone_number_verified": bool(user.get("phoneVerified")),
        "email": user.get("email"),
        "email_verified": bool(user.get("emailVerified")),
        "data": {
            "type": "user",
            "userPoolId": pool.id,
            "appId": pool.app_id,
            "id": user["id"],
            "userId": user["id"],
            "_id": user["id"],
            "arn": arn,
            "phone": user.get("phone"),
            "email": user.get("email"),
            "username": user.get("username"),
            "unionid": user.get("unionid"),
            "openid": user.get("openid"),
            "clientId": pool.id,
        },
        "userpool_id": pool.id,
        "aud": pool.app_id,
        "exp": exp,
        "iat": iat,
        "iss": issuer,
        "jti": jti,
    }
    return _sign(keys, claims), iat, exp


def issue_management_token(
    keys: KeyMaterial, pool: Pool, *, jti: str, issuer: str, lifetime: int
) -> tuple[str, int, int]:
    """Sign a user-pool management access token; returns ``(token, iat, exp)``."""
    iat = int(pool.now())
    exp = iat + lifetime
    claims = {
        "sub": pool.id,
        "data": {"type": "userpool", "userPoolId": pool.id, "id": pool.id, "email": None},
        "scoped_userpool_id": pool.id,
        "iat": iat,
        "exp": exp,
        "iss": issuer,
        "jti": jti,
    }
    return _sign(keys, claims), iat, exp


_VERIFIED: OrderedDict[str, tuple[KeyMaterial, TokenInfo]] = OrderedDict()
_VERIFIED_SIZE = 4096
_LOCK = threading.Lock()
"""Tokens whose signature checked out, newest last: verifying RS256 costs far more than the
rest of a simple read. Only the signature check is cached (expiry and revocation are checked by
the caller on every request), and only for the same key material."""


def read_token(keys: KeyMaterial, token: str) -> TokenInfo:
    """Check the signature and shape of ``token`` (not its expiry); error 2020 when invalid."""
    with _LOCK:  # emulators may run in several threads (socket servers, in-process apps)
        cached = _VERIFIED.get(token)
        if cached is not None and cached[0] is keys:
            _VERIFIED.move_to_end(token)
            return cached[1]
    info = _verify(keys, token)
    with _LOCK:
        _VERIFIED[token] = (keys, info)
        if len(_VERIFIED) > _VERIFIED_SIZE:
            _VERIFIED.popitem(last=False)
    return info


def _verify(keys: KeyMaterial, token: str) -> TokenInfo:
    try:
        key = keys.verifying_key(jwt.get_unverified_header(token).get("kid"))
        if key is None:
            raise ValueError("unknown signing key")
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            options={"verify_exp": False, "verify_aud": False, "verify_iat": False},
        )
        data = claims.get("data") or {}
        kind = "management" if data.get("type") == "userpool" else "user"
        return TokenInfo(
            kind=kind,
            pool_id=str(data["userPoolId"]),
            subject=str(claims["sub"]),
            jti=str(claims["jti"]),
            iat=int(claims["iat"]),
            exp=int(claims["exp"]),
            claims=claims,
        )
    except Exception as exc:
        raise biz("NOT_LOGGED_IN") from exc
