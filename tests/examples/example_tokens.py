"""Tokens an attacker or a broken client might send, each with the refusal it must get."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import jwt as pyjwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from aioauthing.integrations import AuthingSettings


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _claims(settings: AuthingSettings, user_id: str, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "sub": user_id,
        "aud": settings.app_id,
        "iss": settings.issuer,
        "iat": now,
        "exp": now + 3600,
        "userpool_id": settings.user_pool_id,
    }
    claims.update(overrides)
    return claims


def bad_tokens(
    settings: AuthingSettings, good_token: str, user_id: str
) -> dict[str, tuple[str, str]]:
    """``name -> (token, part of the error_description)`` for every refusal case."""
    secret = settings.app_secret
    assert secret is not None
    header = pyjwt.get_unverified_header(good_token)
    jwks = httpx.get(f"{settings.host}/oidc/.well-known/jwks.json").json()
    public_pem = RSAAlgorithm.from_jwk(jwks["keys"][0]).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def hs256(**overrides: Any) -> str:
        return pyjwt.encode(_claims(settings, user_id, **overrides), secret, algorithm="HS256")

    def confused() -> str:  # HS256 keyed with the published RSA key
        head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": header["kid"]}).encode())
        body = _b64(json.dumps(_claims(settings, user_id)).encode())
        mac = hmac.new(public_pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(mac)}"

    head, body, sig = good_token.split(".")
    tampered_claims = {**json.loads(base64.urlsafe_b64decode(body + "==")), "sub": "someone-else"}
    return {
        "malformed": ("this-is-not-a-jwt", "not a well-formed JWT"),
        "nested header": (f"{_b64(b'[' * 4000)}.{body}.{sig}", "not a well-formed JWT"),
        "oversized": (f"{head}.{_b64(b'{}' * 10_000)}.{sig}", "not a well-formed JWT"),
        "truncated": (f"{head}.{body}", "not a well-formed JWT"),
        "expired": (hs256(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600), "expired"),
        "wrongly signed": (
            pyjwt.encode(_claims(settings, user_id), stranger, algorithm="RS256", headers=header),
            "signature is invalid",
        ),
        "tampered": (f"{head}.{_b64(json.dumps(tampered_claims).encode())}.{sig}", "signature"),
        "wrong audience": (hs256(aud="another-app"), "audience"),
        "wrong issuer": (hs256(iss="https://evil.example/oidc"), "issuer"),
        "alg none": (pyjwt.encode(_claims(settings, user_id), None, algorithm="none"), "'none'"),
        "alg confusion": (confused(), "signature is invalid"),
        "unknown kid": (
            pyjwt.encode(
                _claims(settings, user_id), stranger, algorithm="RS256", headers={"kid": "rotated"}
            ),
            "signing key",
        ),
    }
