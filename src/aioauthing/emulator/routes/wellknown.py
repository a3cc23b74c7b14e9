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
    return JSONResponse(
        {
            "issuer": ctx.issuer,
            "jwks_uri": f"{ctx.issuer}/.well-known/jwks.json",
            "id_token_signing_alg_values_supported": ["RS256"],
        }
    )
