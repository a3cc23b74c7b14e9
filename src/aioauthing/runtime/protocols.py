"""URLs and PKCE values of the standard protocols: pure functions, no request.

The authorize, logout and CAS login URLs are where a browser is sent; building them needs only
the application's host and id. Parameter names and defaults follow Authing's SDKs
(``buildAuthorizeUrl``, ``buildLogoutUrl``, ``generateCodeChallenge``...) and the endpoints of
wire-v2 §7.2; values are percent-encoded (spaces as ``%20``).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import string
from collections.abc import Mapping
from typing import Final, Literal
from urllib.parse import quote, urlencode

import attrs

from .errors import AuthingValidationError
from .validation import check_choice, require_non_empty

__all__ = [
    "DEFAULT_OAUTH_SCOPE",
    "DEFAULT_OIDC_SCOPE",
    "CasValidation",
    "Protocol",
    "build_authorize_url",
    "build_cas_login_url",
    "build_logout_url",
    "generate_code_challenge",
    "generate_code_challenge_digest",
    "parse_cas_v1",
]

Protocol = Literal["oidc", "oauth", "cas", "saml"]
PROTOCOLS: Final = frozenset({"oidc", "oauth", "cas", "saml"})
DEFAULT_OIDC_SCOPE: Final = "openid profile email phone address"
DEFAULT_OAUTH_SCOPE: Final = "user"
_ALPHABET: Final = string.ascii_letters + string.digits
_VERIFIER_CHARS: Final = frozenset(_ALPHABET + "-._~")
_PKCE_MIN, _PKCE_MAX = 43, 128


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _url(base: str, path: str, query: Mapping[str, str | None]) -> str:
    params = {k: v for k, v in query.items() if v is not None}
    url = base.rstrip("/") + path
    return f"{url}?{urlencode(params, quote_via=quote)}" if params else url


# -- PKCE (RFC 7636) -------------------------------------------------------------------------


def generate_code_challenge(length: int = _PKCE_MIN) -> str:
    """A random PKCE code *verifier* of ``length`` characters (43 to 128).

    Named after Authing's SDKs; keep the value secret and send only
    :func:`generate_code_challenge_digest` of it in the authorize URL.
    """
    if not isinstance(length, int) or not _PKCE_MIN <= length <= _PKCE_MAX:
        raise AuthingValidationError(
            "length", f"must be an integer from {_PKCE_MIN} to {_PKCE_MAX}"
        )
    return _random(length)


def generate_code_challenge_digest(
    code_verifier: str, method: Literal["S256", "plain"] = "S256"
) -> str:
    """The code challenge of ``code_verifier``: ``BASE64URL(SHA256(verifier))`` without padding
    for ``S256``, the verifier itself for ``plain``."""
    check_choice("method", method, ("S256", "plain"))
    if (
        not _PKCE_MIN <= len(code_verifier) <= _PKCE_MAX
        or not set(code_verifier) <= _VERIFIER_CHARS
    ):
        raise AuthingValidationError(
            "code_verifier", "must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~"
        )
    if method == "plain":
        return code_verifier
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


# -- URL builders ------------------------------------------------------------------------------


def build_authorize_url(
    app_host: str,
    app_id: str,
    *,
    protocol: Protocol = "oidc",
    redirect_uri: str | None = None,
    scope: str | None = None,
    state: str | None = None,
    nonce: str | None = None,
    response_type: str | None = None,
    response_mode: str | None = None,
    code_challenge: str | None = None,
    code_challenge_method: Literal["S256", "plain"] | None = None,
    service: str | None = None,
) -> str:
    """The URL that starts a sign-in for ``protocol``.

    * ``oidc``: ``/oidc/auth`` with ``client_id``, ``redirect_uri``, ``scope`` (default
      ``openid profile email phone address``; ``offline_access`` adds ``prompt=consent``),
      ``response_type`` (default ``code``), ``response_mode``, ``state`` and ``nonce`` (random
      when not given) and the PKCE ``code_challenge`` / ``code_challenge_method``;
    * ``oauth``: ``/oauth/auth`` with ``scope`` (default ``user``), ``response_type`` ``code`` or
      ``token``, ``state`` (random when not given);
    * ``cas``: ``/cas-idp/{app_id}?service=...``; ``saml``: ``/api/v2/saml-idp/{app_id}``.
    """
    require_non_empty("app_host", app_host)
    require_non_empty("app_id", app_id)
    check_choice("protocol", protocol, PROTOCOLS)
    if protocol == "cas":
        return build_cas_login_url(app_host, app_id, service)
    if protocol == "saml":
        return _url(app_host, f"/api/v2/saml-idp/{quote(app_id, safe='')}", {})
    if protocol == "oauth":
        check_choice("response_type", response_type, ("code", "token"))
        return _url(
            app_host,
            "/oauth/auth",
            {
                "client_id": app_id,
                "redirect_uri": redirect_uri,
                "scope": scope or DEFAULT_OAUTH_SCOPE,
                "response_type": response_type or "code",
                "state": state or _random(10),
            },
        )
    check_choice("code_challenge_method", code_challenge_method, ("S256", "plain"))
    if code_challenge_method is not None and not code_challenge:
        raise AuthingValidationError("code_challenge", "is required with code_challenge_method")
    scope = scope or DEFAULT_OIDC_SCOPE
    return _url(
        app_host,
        "/oidc/auth",
        {
            "client_id": app_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "response_type": response_type or "code",
            "response_mode": response_mode,
            "state": state or _random(10),
            "nonce": nonce or _random(10),
            "prompt": "consent" if "offline_access" in scope.split() else None,
            "code_challenge": code_challenge,
            "code_challenge_method": code_challenge_method,
        },
    )


def build_cas_login_url(app_host: str, app_id: str, service: str | None = None) -> str:
    """The CAS login URL ``/cas-idp/{app_id}?service=...``; the ticket comes back to ``service``."""
    require_non_empty("app_id", app_id)
    return _url(app_host, f"/cas-idp/{quote(app_id, safe='')}", {"service": service})


def build_logout_url(
    app_host: str,
    *,
    protocol: Protocol = "oidc",
    expert: bool = False,
    redirect_uri: str | None = None,
    id_token: str | None = None,
) -> str:
    """Where to send the browser to sign out.

    * ``oidc``: ``/login/profile/logout?redirect_uri=...``; with ``expert=True`` the OIDC
      end-session endpoint ``/oidc/session/end?id_token_hint=...&post_logout_redirect_uri=...``
      (``id_token`` is required with a ``redirect_uri`` there);
    * ``cas``: ``/cas-idp/logout?url=...``.
    """
    require_non_empty("app_host", app_host)
    check_choice("protocol", protocol, ("oidc", "cas"))
    if protocol == "cas":
        return _url(app_host, "/cas-idp/logout", {"url": redirect_uri})
    if not expert:
        return _url(app_host, "/login/profile/logout", {"redirect_uri": redirect_uri})
    if redirect_uri and not id_token:
        raise AuthingValidationError("id_token", "is required with redirect_uri in expert mode")
    return _url(
        app_host,
        "/oidc/session/end",
        {"id_token_hint": id_token, "post_logout_redirect_uri": redirect_uri},
    )


# -- CAS 1.0 -----------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class CasValidation:
    """The CAS 1.0 answer: ``valid`` and, when valid, the ``username``."""

    valid: bool
    username: str | None = None


def parse_cas_v1(text: str) -> CasValidation:
    """Read ``yes\\n<username>\\n`` or ``no\\n``."""
    first, _, rest = text.partition("\n")
    if first.strip() != "yes":
        return CasValidation(False)
    username = rest.split("\n", 1)[0].strip()
    return CasValidation(True, username or None)
