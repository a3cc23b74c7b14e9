"""Browserless drivers of the protocol flows and JWKS rotation, under ``/__emulator__/``.

* ``POST /oidc/authorize`` -- sign a user in to an authorize request and get the redirect:
  body ``{"url": "<authorize URL>"}`` (or ``{"query": {...}}``) plus ``{"userId": ...}`` or
  ``{"username"|"email"|"phone": ..., "password": "<plain text>"}``; answers
  ``{"location", "code", "state"}`` (or ``{"location", "error", "error_description"}``);
* ``POST /cas/login`` -- ``{"appId", "service", <user as above>}`` -> ``{"ticket", "location"}``;
* ``POST /keys/rotate`` -- ``{"keep": 1}``: sign with a new key; the ``keep`` previous keys stay
  in the JWKS (default 1: until the next rotation). Answers ``{"kid", "published"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse

from .errors import biz
from .oauth import OAuthFailure, authorize
from .passwords import verify_password
from .rooms.protocols import issue_ticket
from .state import EmulatorState, Pool

__all__ = ["cas_login", "oidc_authorize", "rotate_keys"]


def _user_id(pool: Pool, body: Mapping[str, Any]) -> str:
    """The user named by ``userId``, or found by account and checked with a plain password."""
    if body.get("userId"):
        user_id = str(body["userId"])
        if user_id not in pool.users:
            raise biz("USER_NOT_FOUND")
        return user_id
    for field in ("username", "email", "phone"):
        user = pool.find_by(field, body.get(field))
        if user is not None:
            password = body.get("password")
            if not isinstance(password, str) or not verify_password(password, user.get("password")):
                raise biz("WRONG_ACCOUNT_OR_PASSWORD")
            return str(user["id"])
    raise biz("USER_NOT_FOUND")


def _pool_of(state: EmulatorState, app_id: str) -> Pool:
    pool = state.pool_by_app_id(app_id) if app_id else None
    if pool is None:
        raise biz("APP_NOT_FOUND")
    return pool


async def oidc_authorize(request: Request, body: dict[str, Any]) -> Any:
    state: EmulatorState = request.app.state.emulator.state
    if "url" in body:
        parts = urlsplit(str(body["url"]))
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        protocol = "oauth" if parts.path.rstrip("/").endswith("/oauth/auth") else "oidc"
    else:
        query = {str(k): str(v) for k, v in (body.get("query") or {}).items()}
        protocol = str(body.get("protocol") or "oidc")
    pool = _pool_of(state, query.get("client_id", ""))
    try:
        return authorize(state, query, _user_id(pool, body), protocol=protocol)
    except OAuthFailure as exc:
        return JSONResponse(exc.body(), status_code=exc.status)


async def cas_login(request: Request, body: dict[str, Any]) -> Any:
    state: EmulatorState = request.app.state.emulator.state
    pool = _pool_of(state, str(body.get("appId") or ""))
    service = body.get("service")
    if not isinstance(service, str) or urlsplit(service).scheme not in ("http", "https"):
        raise biz("EMULATOR_ADMIN", detail="service must be an absolute http(s) URL")
    ticket = issue_ticket(state, pool, _user_id(pool, body), service)
    separator = "&" if "?" in service else "?"
    return {"ticket": ticket, "location": service + separator + urlencode({"ticket": ticket})}


async def rotate_keys(request: Request, body: dict[str, Any]) -> Any:
    state: EmulatorState = request.app.state.emulator.state
    keep = body.get("keep", 1)
    if not isinstance(keep, int) or isinstance(keep, bool) or keep < 0:
        raise biz("EMULATOR_ADMIN", detail="keep must be a non-negative integer")
    keys = state.rotate_signing_key(keep)
    return {"kid": keys.kid, "published": keys.published_kids}
