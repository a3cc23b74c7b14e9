"""Public key discovery: password-encryption key and JWKS."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from ..context import RequestContext
from ..registry import Envelope, RestCall, rest_route


@rest_route("GET", "/api/v2/.well-known")
def well_known(ctx: RequestContext, call: RestCall) -> Any:
    return Envelope({"publicKey": ctx.keys.public_key_pem}, message="获取成功")


@rest_route("GET", "/oidc/.well-known/jwks.json")
def jwks(ctx: RequestContext, call: RestCall) -> Any:
    return JSONResponse(ctx.keys.jwks())


@rest_route("GET", "/oidc/.well-known/openid-configuration")
def openid_configuration(ctx: RequestContext, call: RestCall) -> Any:
    issuer = ctx.issuer
    return JSONResponse(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/auth",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/me",
            "introspection_endpoint": f"{issuer}/token/introspection",
            "revocation_endpoint": f"{issuer}/token/revocation",
            "end_session_endpoint": f"{issuer}/session/end",
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "subject_types_supported": ["public"],
            "scopes_supported": [
                "openid",
                "profile",
                "email",
                "phone",
                "address",
                "offline_access",
            ],
            "code_challenge_methods_supported": ["S256", "plain"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "client_secret_basic",
                "none",
            ],
            "id_token_signing_alg_values_supported": ["RS256"],
        }
    )
