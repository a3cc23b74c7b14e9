"""CAS 1.0 / 2.0 identity provider: login (tickets issued through the admin driver), ticket
validation and logout. Tickets are single-use, bound to a service and live 5 minutes; they are
stored as ``cas:<ticket>`` pool codes (value ``{"userId", "service"}`` JSON)."""

from __future__ import annotations

import json
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
from ..registry import RestCall, rest_route
from ..state import EmulatorState, Pool

__all__ = ["issue_ticket"]

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


@rest_route("GET", "/cas-idp/{appId}")
def cas_login_page(ctx: RequestContext, call: RestCall) -> Any:
    """The browser login page; tests get tickets from ``POST /__emulator__/cas/login``."""
    app_id = call.path_params["appId"]
    if ctx.state.pool_by_app_id(app_id) is None:
        return JSONResponse(error_payload("APP_NOT_FOUND"), status_code=404)
    return HTMLResponse(
        "<!doctype html><title>aioauthing emulator CAS login</title>"
        f"<p>CAS application {escape(app_id)}: the emulator has no interactive login. "
        "Ask <code>POST /__emulator__/cas/login</code> for a ticket.</p>"
    )


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
