"""Protocols: OIDC / OAuth discovery, JWKS, token validation, end-session; CAS login, validation and the SSO session."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)

from ..context import RequestContext
from ..errors import error_payload
from ..oauth import (
    OAuthFailure,
    TokenRejected,
    authenticate_client,
    check_access_token,
    exchange,
    introspect,
    revoke,
    user_claims,
    verify_jwt,
)
from ..registry import Envelope, RestCall, rest_route
from ..state import EmulatorState, Pool
from ..users import user_view


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


PROTOCOLS = ("oidc", "oauth")


_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _failure(exc: OAuthFailure) -> JSONResponse:
    headers = dict(_NO_STORE)
    if exc.status == 401:
        headers["WWW-Authenticate"] = (
            f'Bearer error="{exc.error}"' if exc.error == "invalid_token" else 'Basic realm="oauth"'
        )
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


def _form(call: RestCall) -> dict[str, str]:
    if call.body is None:
        return {}
    if not isinstance(call.body, dict):
        raise OAuthFailure("invalid_request", "the body must be application/x-www-form-urlencoded")
    return {str(k): str(v) for k, v in call.body.items() if v is not None}


def _issuer(ctx: RequestContext, protocol: str) -> str:
    return f"{ctx.base_url}/{protocol}"


Handler = Callable[[RequestContext, RestCall, str], Response]


def _both(method: str, path: str) -> Callable[[Handler], Handler]:
    """Register ``handler`` under ``/oidc{path}`` and ``/oauth{path}``; OAuth failures answered."""

    def register(handler: Handler) -> Handler:
        for protocol in PROTOCOLS:

            def endpoint(
                ctx: RequestContext, call: RestCall, _protocol: str = protocol
            ) -> Response:
                try:
                    return handler(ctx, call, _protocol)
                except OAuthFailure as exc:
                    return _failure(exc)

            endpoint.__name__ = f"{handler.__name__}_{protocol}"
            rest_route(method, f"/{protocol}{path}")(endpoint)
        return handler

    return register


@_both("POST", "/token")
def token(ctx: RequestContext, call: RestCall, protocol: str) -> Response:
    form = _form(call)
    pool, method = authenticate_client(
        ctx.state, form, ctx.headers.get("authorization", ""), secret_required=False
    )
    answer = exchange(ctx.state, pool, pool.app_id, method, form, _issuer(ctx, protocol))
    return JSONResponse(answer, headers=_NO_STORE)


def _bearer(ctx: RequestContext, call: RestCall) -> str:
    scheme, _, value = ctx.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    body = call.body if isinstance(call.body, dict) else {}
    found = call.query.get("access_token") or body.get("access_token")
    if not found:
        raise OAuthFailure("invalid_token", "no access token", 401)
    return str(found)


def _userinfo(ctx: RequestContext, call: RestCall, protocol: str) -> Response:
    expected = ctx.headers.get("x-authing-app-id", "").strip() or None
    try:
        pool, claims = check_access_token(ctx.state, _bearer(ctx, call), audience=expected)
    except TokenRejected as exc:
        raise OAuthFailure("invalid_token", f"the access token is invalid: {exc}", 401) from exc
    user = pool.users.get(str(claims["sub"]))
    if user is None:
        raise OAuthFailure("invalid_token", "the token does not stand for a user", 401)
    return JSONResponse(user_claims(user, str(claims["scope"])))


_both("GET", "/me")(_userinfo)


_both("POST", "/me")(_userinfo)


def _authenticated(ctx: RequestContext, call: RestCall) -> tuple[Any, str, str]:
    form = _form(call)
    pool, _method = authenticate_client(
        ctx.state, form, ctx.headers.get("authorization", ""), secret_required=False
    )
    value = form.get("token", "")
    if not value:
        raise OAuthFailure("invalid_request", "token is required")
    return pool, pool.app_id, value


@_both("POST", "/token/introspection")
def introspection(ctx: RequestContext, call: RestCall, protocol: str) -> Response:
    pool, client_id, value = _authenticated(ctx, call)
    return JSONResponse(introspect(ctx.state, pool, client_id, value), headers=_NO_STORE)


@_both("POST", "/token/revocation")
def revocation(ctx: RequestContext, call: RestCall, protocol: str) -> Response:
    pool, client_id, value = _authenticated(ctx, call)
    revoke(ctx.state, pool, client_id, value)
    return Response(status_code=200)


def _logout_redirect(target: str | None, state: str | None = None) -> Response:
    if not target:
        return HTMLResponse("<!doctype html><title>Signed out</title><p>Signed out.</p>")
    if state:
        target += ("&" if "?" in target else "?") + "state=" + state
    return RedirectResponse(target, status_code=302)


@rest_route("GET", "/oidc/session/end")
def end_session(ctx: RequestContext, call: RestCall) -> Any:
    """OIDC RP-initiated logout: ends the user's refresh tokens when ``id_token_hint`` is valid."""
    hint = call.query.get("id_token_hint")
    target = call.query.get("post_logout_redirect_uri")
    if hint:
        try:
            pool, claims = verify_jwt(ctx.state, hint)
        except TokenRejected:
            return _failure(OAuthFailure("invalid_request", "id_token_hint is not valid"))
        for key, entry in list(pool.codes.items()):
            if key.startswith("oidc:refresh:") and entry.get("userId") == claims.get("sub"):
                ctx.state.delete_code(pool, key)
    elif target:
        return _failure(
            OAuthFailure("invalid_request", "post_logout_redirect_uri needs id_token_hint")
        )
    return _logout_redirect(target, call.query.get("state"))


@rest_route("GET", "/login/profile/logout")
def simple_logout(ctx: RequestContext, call: RestCall) -> Any:
    return _logout_redirect(call.query.get("redirect_uri"))


def _answer(error: str, /, **fields: Any) -> dict[str, Any]:
    """``{code, message}`` of a spec error (this endpoint answers without ``data``)."""
    payload = error_payload(error, **fields)
    return {"code": payload["code"], "message": payload["message"]}


@rest_route("GET", "/api/v2/oidc/validate_token")
def validate_token(ctx: RequestContext, call: RestCall) -> Any:
    """The decoded claims of a valid token; ``{"code": 400, "message": ...}`` otherwise."""
    query: Mapping[str, str] = call.query
    kind = "id_token" if query.get("id_token") else "access_token"
    value = query.get(kind)
    if not value:
        return JSONResponse(_answer("TOKEN_PARAM_REQUIRED"))
    expected = ctx.headers.get("x-authing-app-id", "").strip() or None
    try:
        if kind == "access_token":
            _pool, claims = check_access_token(ctx.state, value, audience=expected)
        else:
            _pool, claims = verify_jwt(ctx.state, value, audience=expected)
    except TokenRejected:
        return JSONResponse(_answer("TOKEN_NOT_VALID", kind=kind))
    return JSONResponse(claims)


TICKET_LIFETIME = 300


def issue_ticket(state: EmulatorState, pool: Pool, user_id: str, service: str) -> str:
    """A fresh service ticket for ``user_id`` at ``service``."""
    ticket = "ST-" + state.ids.secret()
    entry = {
        "code": json.dumps({"userId": user_id, "service": service}),
        "expiresAt": pool.now() + TICKET_LIFETIME,
    }
    state.put_code(pool, f"cas:{ticket}", entry)
    return ticket


def _redeem(ctx: RequestContext, app_id: str, ticket: str, service: str) -> dict[str, Any] | None:
    """The ticket's user when it is valid for ``service``; the ticket is spent either way."""
    pool = ctx.state.pool_by_app_id(app_id)
    if pool is None or not ticket:
        return None
    entry = pool.codes.get(f"cas:{ticket}")
    if entry is None:
        return None
    ctx.state.delete_code(pool, f"cas:{ticket}")
    info = json.loads(entry["code"])
    if pool.now() > entry["expiresAt"] or info.get("service") != service:
        return None
    return pool.users.get(info.get("userId", ""))


def _username(user: dict[str, Any]) -> str:
    return str(user.get("username") or user.get("email") or user["id"])


@rest_route("GET", "/cas-idp/{appId}/validate")
def cas_validate_v1(ctx: RequestContext, call: RestCall) -> Any:
    """CAS 1.0: ``yes\\n<username>\\n`` or ``no\\n``."""
    user = _redeem(
        ctx, call.path_params["appId"], call.query.get("ticket", ""), call.query.get("service", "")
    )
    return PlainTextResponse(f"yes\n{_username(user)}\n" if user is not None else "no\n")


def _cas_failure(fmt: str, ticket: str) -> Response:
    message = f"未识别出目标 '{ticket}' 票据"
    if fmt.upper() == "JSON":
        return JSONResponse(
            {
                "serviceResponse": {
                    "authenticationFailure": {"code": "INVALID_TICKET", "description": message}
                }
            }
        )
    xml = (
        "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>\n"
        f'  <cas:authenticationFailure code="INVALID_TICKET">{escape(message)}'
        "</cas:authenticationFailure>\n</cas:serviceResponse>"
    )
    return Response(xml, media_type="application/xml")


def _cas_success(fmt: str, user: dict[str, Any]) -> Response:
    name = _username(user)
    if fmt.upper() == "JSON":
        body = {"serviceResponse": {"authenticationSuccess": {"user": name, "attributes": {}}}}
        return JSONResponse(body)
    xml = (
        "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>\n"
        f"  <cas:authenticationSuccess><cas:user>{escape(name)}</cas:user>"
        "</cas:authenticationSuccess>\n</cas:serviceResponse>"
    )
    return Response(xml, media_type="application/xml")


@rest_route("GET", "/cas-idp/{appId}/serviceValidate")
def cas_service_validate(ctx: RequestContext, call: RestCall) -> Any:
    """CAS 2.0: an XML (or ``format=JSON``) ``serviceResponse``."""
    fmt = call.query.get("format", "XML")
    ticket = call.query.get("ticket", "")
    user = _redeem(ctx, call.path_params["appId"], ticket, call.query.get("service", ""))
    return _cas_failure(fmt, ticket) if user is None else _cas_success(fmt, user)


@rest_route("GET", "/cas-idp/logout")
def cas_logout(ctx: RequestContext, call: RestCall) -> Any:
    target = call.query.get("url")
    if target:
        return RedirectResponse(target, status_code=302)
    return HTMLResponse("<!doctype html><title>Signed out</title><p>Signed out.</p>")


@rest_route("GET", "/cas/session")
def cas_session(ctx: RequestContext, call: RestCall) -> Any:
    """The SSO session from the caller's token (the emulator has no browser cookies)."""
    try:
        pool, user, _info = ctx.require_user()
    except Exception:
        return JSONResponse({"session": None})
    return JSONResponse(
        {"session": {"appId": pool.app_id, "userId": user["id"]}, "userInfo": user_view(user)}
    )
