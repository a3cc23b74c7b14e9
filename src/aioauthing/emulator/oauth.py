"""OAuth 2.0 / OIDC semantics: authorization codes, grants, token checks (no HTTP here).

Codes, refresh tokens and revoked access-token ids live in the pool's ``codes`` table (so they
persist with the pool) under ``oidc:code:``, ``oidc:refresh:`` and ``oidc:revoked:`` keys. Access
and id tokens are RS256 JWTs signed with the emulator's current JWKS key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

import jwt

from .keys import KeyMaterial
from .state import EmulatorState, Pool

__all__ = [
    "OAuthFailure",
    "TokenRejected",
    "authenticate_client",
    "authorize",
    "check_access_token",
    "exchange",
    "introspect",
    "revoke",
    "user_claims",
    "verify_jwt",
]

CODE_LIFETIME = 600
ACCESS_TOKEN_LIFETIME = 3600
ID_TOKEN_LIFETIME = 1_209_600
REFRESH_TOKEN_LIFETIME = 30 * 86_400
PKCE_METHODS = ("S256", "plain")


class OAuthFailure(Exception):
    """An RFC 6749 error answer: ``{"error", "error_description"}`` with an HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def pkce_challenge(verifier: str, method: str) -> str:
    return verifier if method == "plain" else _b64url(hashlib.sha256(verifier.encode()).digest())


# ---------------------------------------------------------------------------- client authentication


def authenticate_client(
    state: EmulatorState,
    form: Mapping[str, str],
    authorization: str,
    *,
    secret_required: bool = True,
) -> tuple[Pool, str]:
    """The pool of the authenticated client and the method used (RFC 6749 §2.3).

    ``client_secret_basic`` (Authorization header), ``client_secret_post`` (form) or ``none``
    (``client_id`` only, accepted when ``secret_required`` is false). Any mismatch is
    ``invalid_client`` (401).
    """
    basic_id = basic_secret = None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise OAuthFailure("invalid_client", "malformed Basic credentials", 401) from exc
        raw_id, sep, raw_secret = decoded.partition(":")
        if not sep:
            raise OAuthFailure("invalid_client", "malformed Basic credentials", 401)
        basic_id, basic_secret = unquote(raw_id), unquote(raw_secret)
    if basic_id is not None and form.get("client_secret"):
        raise OAuthFailure("invalid_request", "use one client authentication method only")
    client_id = basic_id or form.get("client_id") or ""
    if basic_id is not None and form.get("client_id") not in (None, "", basic_id):
        raise OAuthFailure("invalid_request", "client_id differs from the Basic credentials")
    secret = basic_secret if basic_id is not None else form.get("client_secret")
    pool = state.pool_by_app_id(client_id) if client_id else None
    if pool is None:
        raise OAuthFailure("invalid_client", "unknown client", 401)
    if secret is None or secret == "":
        if secret_required:
            raise OAuthFailure("invalid_client", "client authentication required", 401)
        return pool, "none"
    if not hmac.compare_digest(secret.encode(), pool.app_secret.encode()):
        raise OAuthFailure("invalid_client", "client authentication failed", 401)
    return pool, "client_secret_basic" if basic_id is not None else "client_secret_post"


# ---------------------------------------------------------------------------- authorization


def authorize(
    state: EmulatorState, params: Mapping[str, str], user_id: str, *, protocol: str = "oidc"
) -> dict[str, Any]:
    """Issue a code for ``user_id`` (the user signed in); returns the redirect ``location``.

    Errors about the client or ``redirect_uri`` raise :class:`OAuthFailure` (never redirect to
    an unverified URI); the others come back as ``error`` in the redirect, as RFC 6749 §4.1.2.1.
    """
    client_id = params.get("client_id", "")
    pool = state.pool_by_app_id(client_id) if client_id else None
    if pool is None:
        raise OAuthFailure("invalid_client", "unknown client_id", 400)
    redirect_uri = params.get("redirect_uri", "")
    if urlsplit(redirect_uri).scheme not in ("http", "https"):
        raise OAuthFailure("invalid_request", "redirect_uri must be an absolute http(s) URL")
    if user_id not in pool.users:
        raise OAuthFailure("access_denied", "unknown user", 400)
    mode = params.get("response_mode") or "query"
    answer: dict[str, str] = {}
    if params.get("state"):
        answer["state"] = params["state"]
    problem = _authorize_problem(params)
    if problem is None:
        code = state.ids.secret()
        state.put_code(
            pool,
            f"oidc:code:{code}",
            {
                "expiresAt": pool.now() + CODE_LIFETIME,
                "clientId": client_id,
                "redirectUri": redirect_uri,
                "scope": params.get("scope") or ("openid" if protocol == "oidc" else "user"),
                "nonce": params.get("nonce"),
                "codeChallenge": params.get("code_challenge"),
                "codeChallengeMethod": (
                    params.get("code_challenge_method") or "plain"
                    if params.get("code_challenge")
                    else None
                ),
                "userId": user_id,
                "protocol": protocol,
            },
        )
        answer = {"code": code, **answer}
    else:
        answer = {"error": problem[0], "error_description": problem[1], **answer}
    separator = "#" if mode == "fragment" else ("&" if "?" in redirect_uri else "?")
    return {**answer, "location": redirect_uri + separator + urlencode(answer)}


def _authorize_problem(params: Mapping[str, str]) -> tuple[str, str] | None:
    if params.get("response_type", "code") != "code":
        return "unsupported_response_type", "the emulator issues authorization codes only"
    if params.get("response_mode", "query") not in ("query", "fragment", "form_post"):
        return "invalid_request", "response_mode must be query, fragment or form_post"
    challenge = params.get("code_challenge")
    method = params.get("code_challenge_method")
    if method is not None and method not in PKCE_METHODS:
        return "invalid_request", "code_challenge_method must be S256 or plain"
    if method is not None and not challenge:
        return "invalid_request", "code_challenge_method without code_challenge"
    if challenge is not None and not 43 <= len(challenge) <= 128:
        return "invalid_request", "code_challenge must be 43 to 128 characters"
    return None


# ---------------------------------------------------------------------------- tokens


def user_claims(user: Mapping[str, Any], scope: str) -> dict[str, Any]:
    """The standard claims of ``user`` that ``scope`` grants (OIDC Core §5.4)."""
    scopes = set(scope.split())
    claims: dict[str, Any] = {"sub": user["id"]}
    if "profile" in scopes:
        claims.update(
            {
                "name": user.get("name"),
                "nickname": user.get("nickname"),
                "given_name": user.get("givenName"),
                "family_name": user.get("familyName"),
                "middle_name": user.get("middleName"),
                "preferred_username": user.get("preferredUsername") or user.get("username"),
                "picture": user.get("photo"),
                "gender": user.get("gender"),
                "birthdate": user.get("birthdate"),
                "locale": user.get("locale"),
                "zoneinfo": user.get("zoneinfo"),
                "website": user.get("website"),
                "profile": user.get("profile"),
                "updated_at": user.get("updatedAt"),
            }
        )
    if "email" in scopes:
        claims.update(
            {"email": user.get("email"), "email_verified": bool(user.get("emailVerified"))}
        )
    if "phone" in scopes:
        claims.update(
            {
                "phone_number": user.get("phone"),
                "phone_number_verified": bool(user.get("phoneVerified")),
            }
        )
    if "address" in scopes:
        claims["address"] = {
            "country": user.get("country"),
            "postal_code": user.get("postalCode"),
            "region": user.get("region"),
            "formatted": user.get("formatted"),
        }
    return claims


def _sign(keys: KeyMaterial, claims: dict[str, Any]) -> str:
    return jwt.encode(claims, keys.signing_key, algorithm="RS256", headers={"kid": keys.kid})


def _token_set(
    state: EmulatorState,
    pool: Pool,
    issuer: str,
    *,
    client_id: str,
    subject: str,
    scope: str,
    nonce: str | None = None,
    refresh_token: str | None = None,
) -> dict[str, Any]:
    now = int(pool.now())
    keys = state.keys
    access = _sign(
        keys,
        {
            "jti": state.ids.secret(),
            "sub": subject,
            "iat": now,
            "exp": now + ACCESS_TOKEN_LIFETIME,
            "scope": scope,
            "iss": issuer,
            "aud": client_id,
        },
    )
    answer: dict[str, Any] = {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_LIFETIME,
        "scope": scope,
    }
    user = pool.users.get(subject)
    if user is not None and "openid" in scope.split():
        digest = hashlib.sha256(access.encode()).digest()
        id_claims = {
            **user_claims(user, scope),
            "at_hash": _b64url(digest[: len(digest) // 2]),
            "aud": client_id,
            "iat": now,
            "exp": now + ID_TOKEN_LIFETIME,
            "iss": issuer,
        }
        if nonce:
            id_claims["nonce"] = nonce
        answer["id_token"] = _sign(keys, id_claims)
    if user is not None and "offline_access" in scope.split():
        if refresh_token is None:
            refresh_token = state.ids.secret() + state.ids.secret()
            state.put_code(
                pool,
                f"oidc:refresh:{refresh_token}",
                {
                    "expiresAt": now + REFRESH_TOKEN_LIFETIME,
                    "iat": now,
                    "clientId": client_id,
                    "userId": subject,
                    "scope": scope,
                },
            )
        answer["refresh_token"] = refresh_token
    return answer


def exchange(
    state: EmulatorState,
    pool: Pool,
    client_id: str,
    method: str,
    form: Mapping[str, str],
    issuer: str,
) -> dict[str, Any]:
    """The token endpoint after client authentication: one of the three grants."""
    grant = form.get("grant_type", "")
    if grant == "authorization_code":
        return _code_grant(state, pool, client_id, method, form, issuer)
    if grant == "refresh_token":
        entry = pool.codes.get(f"oidc:refresh:{form.get('refresh_token', '')}")
        if entry is None or pool.now() > entry["expiresAt"] or entry["clientId"] != client_id:
            raise OAuthFailure("invalid_grant", "the refresh token is invalid, expired or revoked")
        if entry["userId"] not in pool.users:
            raise OAuthFailure("invalid_grant", "the user no longer exists")
        if not account_active(pool.users[entry["userId"]]):
            raise OAuthFailure("invalid_grant", "the account is blocked, suspended or resigned")
        return _token_set(
            state,
            pool,
            issuer,
            client_id=client_id,
            subject=entry["userId"],
            scope=entry["scope"],
            refresh_token=form["refresh_token"],
        )
    if grant == "client_credentials":
        if method == "none":
            raise OAuthFailure("invalid_client", "client credentials need a client secret", 401)
        scope = form.get("scope", "").strip()
        if not scope:
            raise OAuthFailure("invalid_scope", "scope is required")
        return _token_set(state, pool, issuer, client_id=client_id, subject=client_id, scope=scope)
    if not grant:
        raise OAuthFailure("invalid_request", "grant_type is required")
    raise OAuthFailure("unsupported_grant_type", f"grant_type {grant!r} is not supported")


def _code_grant(
    state: EmulatorState,
    pool: Pool,
    client_id: str,
    method: str,
    form: Mapping[str, str],
    issuer: str,
) -> dict[str, Any]:
    key = f"oidc:code:{form.get('code', '')}"
    entry = pool.codes.get(key)
    if entry is None:
        raise OAuthFailure("invalid_grant", "the authorization code is invalid or was already used")
    state.delete_code(pool, key)  # single use, whatever happens next
    if pool.now() > entry["expiresAt"]:
        raise OAuthFailure("invalid_grant", "the authorization code has expired")
    if entry["clientId"] != client_id:
        raise OAuthFailure("invalid_grant", "the code was issued to another client")
    if form.get("redirect_uri") != entry["redirectUri"]:
        raise OAuthFailure("invalid_grant", "redirect_uri does not match the authorize request")
    challenge = entry.get("codeChallenge")
    verifier = form.get("code_verifier")
    if challenge:
        if not verifier:
            raise OAuthFailure("invalid_grant", "code_verifier is required (PKCE)")
        if not hmac.compare_digest(
            pkce_challenge(verifier, entry["codeChallengeMethod"]).encode(), challenge.encode()
        ):
            raise OAuthFailure("invalid_grant", "code_verifier does not match the code challenge")
    elif method == "none":
        raise OAuthFailure("invalid_client", "a public client must use PKCE", 401)
    if entry["userId"] not in pool.users:
        raise OAuthFailure("invalid_grant", "the user no longer exists")
    return _token_set(
        state,
        pool,
        issuer,
        client_id=client_id,
        subject=entry["userId"],
        scope=entry["scope"],
        nonce=entry.get("nonce"),
    )


# ---------------------------------------------------------------------------- token checks


class TokenRejected(Exception):
    """A JWT failed verification; ``str()`` says why."""


def verify_jwt(
    state: EmulatorState, token: str, *, audience: str | None = None
) -> tuple[Pool, dict[str, Any]]:
    """Verify an RS256 token from this emulator: signature with a published key, expiry by the
    pool's clock, optional audience; access tokens must not be revoked."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise TokenRejected("malformed token") from exc
    if header.get("alg") != "RS256":
        raise TokenRejected(f"algorithm {header.get('alg')!r} is not accepted")
    key = state.keys.verifying_key(header.get("kid"))
    if key is None:
        raise TokenRejected("unknown signing key")
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=["RS256"], options={"verify_exp": False, "verify_aud": False}
        )
    except jwt.PyJWTError as exc:
        raise TokenRejected("bad signature or malformed claims") from exc
    aud = claims.get("aud")
    data = claims.get("data")
    app_id = aud if isinstance(aud, str) else None
    pool = state.pool_by_app_id(app_id) if app_id else None
    if pool is None and isinstance(data, Mapping):
        pool = state.pools.get(str(data.get("userPoolId")))
    if pool is None:
        raise TokenRejected("the token was not issued for a known application")
    if audience is not None and aud != audience:
        raise TokenRejected("wrong audience")
    exp = claims.get("exp")
    if not isinstance(exp, int) or pool.now() >= exp:
        raise TokenRejected("expired")
    if f"oidc:revoked:{claims.get('jti')}" in pool.codes:
        raise TokenRejected("revoked")
    return pool, claims


def check_access_token(
    state: EmulatorState, token: str, *, audience: str | None = None
) -> tuple[Pool, dict[str, Any]]:
    """An OAuth access token (it has a ``scope`` claim) that passes :func:`verify_jwt`."""
    pool, claims = verify_jwt(state, token, audience=audience)
    if "scope" not in claims or "data" in claims:
        raise TokenRejected("not an access token")
    user = pool.users.get(str(claims.get("sub")))
    if user is not None and not account_active(user):
        raise TokenRejected("the account is blocked, suspended or resigned")
    return pool, claims


_INACTIVE_STATUSES = ("Suspended", "Resigned", "Archived")
"""Account statuses that cannot log in and whose tokens are refused until re-activated."""


def account_active(user: Mapping[str, Any]) -> bool:
    """Neither blocked nor suspended, resigned or archived: the user may sign in and use tokens."""
    return not user.get("blocked") and user.get("status") not in _INACTIVE_STATUSES


def introspect(state: EmulatorState, pool: Pool, client_id: str, token: str) -> dict[str, Any]:
    """RFC 7662 answer for ``token`` as seen by ``client_id``."""
    entry = pool.codes.get(f"oidc:refresh:{token}")
    if entry is not None:
        if pool.now() > entry["expiresAt"] or entry["clientId"] != client_id:
            return {"active": False}
        return {
            "active": True,
            "sub": entry["userId"],
            "client_id": client_id,
            "exp": int(entry["expiresAt"]),
            "iat": int(entry["iat"]),
            "scope": entry["scope"],
            "token_type": "refresh_token",
        }
    try:
        _pool, claims = check_access_token(state, token, audience=client_id)
    except TokenRejected:
        return {"active": False}
    return {
        "active": True,
        "sub": claims["sub"],
        "client_id": client_id,
        "exp": claims["exp"],
        "iat": claims["iat"],
        "iss": claims["iss"],
        "jti": claims["jti"],
        "scope": claims["scope"],
        "token_type": "Bearer",
    }


def revoke(state: EmulatorState, pool: Pool, client_id: str, token: str) -> None:
    """RFC 7009: forget a refresh token, or deny-list an access token's ``jti`` until it expires.
    Unknown tokens (and other clients' tokens) are ignored."""
    key = f"oidc:refresh:{token}"
    entry = pool.codes.get(key)
    if entry is not None:
        if entry["clientId"] == client_id:
            state.delete_code(pool, key)
        return
    try:
        _pool, claims = check_access_token(state, token, audience=client_id)
    except TokenRejected:
        return
    state.put_code(pool, f"oidc:revoked:{claims['jti']}", {"expiresAt": claims["exp"]})
