"""aiohttp: a middleware verifying Bearer tokens locally, and helpers to require a user.

::

    app = web.Application()
    setup_authing(app, AuthingSettings(app_id=..., app_host=..., app_secret=...))

    @require()  # any signed-in user
    async def me(request: web.Request) -> web.Response:
        return web.json_response({"id": get_claims(request).user_id})

    @require(roles=["admin"])
    async def admin(request: web.Request) -> web.Response: ...

The middleware verifies a presented token on every request and stores the caller in
``request["authing_principal"]``; a bad token is answered 401 with ``WWW-Authenticate``
(RFC 6750) before any handler runs. A request without a token passes through; ``require``
refuses it (401), and refuses a caller lacking a role or permission (403 ``insufficient_scope``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, TypeVar

try:
    from aiohttp import web
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "aioauthing.integrations.aiohttp needs: pip install 'aioauthing[aiohttp]'"
    ) from exc

from aioauthing.runtime.clients import UserSession
from aioauthing.runtime.jwt import TokenClaims

from .access import Requirement
from .bearer import AuthFailure
from .service import Authing, AuthingSettings, Principal

__all__ = [
    "AUTHING_KEY",
    "PRINCIPAL_KEY",
    "authing_middleware",
    "authorize",
    "get_authing",
    "get_claims",
    "get_principal",
    "require",
    "setup_authing",
    "user_session",
]

AUTHING_KEY = web.AppKey("aioauthing.authing", Authing)
"""Where :func:`setup_authing` keeps the app's :class:`Authing` (``app[AUTHING_KEY]``)."""
PRINCIPAL_KEY: Any = (
    web.RequestKey("authing_principal", Principal)  # aiohttp >= 3.13
    if hasattr(web, "RequestKey")
    else "authing_principal"
)
"""Where the middleware puts the verified caller (``request[PRINCIPAL_KEY]``)."""

Handler = TypeVar("Handler", bound=Callable[[web.Request], Awaitable[web.StreamResponse]])


def setup_authing(app: web.Application, settings: AuthingSettings) -> None:
    """Create the shared clients on startup (closed on cleanup) and install the middleware."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        async with Authing.open(settings) as runtime:
            app[AUTHING_KEY] = runtime
            yield

    app.cleanup_ctx.append(context)
    app.middlewares.append(authing_middleware)


def get_authing(request: web.Request) -> Authing:
    """The app's :class:`Authing` (its ``auth`` and ``management`` clients)."""
    return request.config_dict[AUTHING_KEY]


_ERRORS: dict[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest,
    401: web.HTTPUnauthorized,
    403: web.HTTPForbidden,
    503: web.HTTPServiceUnavailable,
}


def _headers(failure: AuthFailure, realm: str) -> dict[str, str]:
    challenge = failure.challenge(realm)
    return {"WWW-Authenticate": challenge} if challenge else {}


def _error(failure: AuthFailure, realm: str) -> web.HTTPException:
    return _ERRORS[failure.status](
        text=json.dumps(failure.body()),
        content_type="application/json",
        headers=_headers(failure, realm),
    )


@web.middleware
async def authing_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Verify a presented Bearer token; answer 401 for a bad one, pass anonymous requests on."""
    headers = request.headers.getall("Authorization", [])
    if len(headers) > 1 or (headers and headers[0].strip().lower().startswith("bearer")):
        runtime = get_authing(request)
        try:
            request[PRINCIPAL_KEY] = await runtime.authenticate(headers)
        except AuthFailure as failure:
            return web.json_response(
                failure.body(), status=failure.status, headers=_headers(failure, runtime.realm)
            )
    return await handler(request)


def get_principal(request: web.Request) -> Principal:
    """The verified caller; raises 401 (with ``WWW-Authenticate``) for an anonymous request."""
    principal = request.get(PRINCIPAL_KEY)
    if not isinstance(principal, Principal):
        raise _error(AuthFailure.missing(), get_authing(request).realm)
    return principal


def get_claims(request: web.Request) -> TokenClaims:
    """The verified token's claims; raises 401 for an anonymous request."""
    return get_principal(request).claims


def user_session(request: web.Request) -> UserSession:
    """A client view acting as the caller, for calls on their behalf."""
    return get_authing(request).session(get_principal(request))


async def authorize(
    request: web.Request,
    *,
    roles: Iterable[str] = (),
    permissions: Iterable[str] = (),
    namespace: str | None = None,
) -> TokenClaims:
    """The caller's claims if they hold every role and permission listed; raises 401 / 403."""
    principal = get_principal(request)
    runtime = get_authing(request)
    requirement = Requirement(
        roles=frozenset(roles), permissions=frozenset(permissions), namespace=namespace
    )
    try:
        await runtime.authorize(principal, requirement)
    except AuthFailure as failure:
        raise _error(failure, runtime.realm) from None
    return principal.claims


def require(
    *,
    roles: Iterable[str] = (),
    permissions: Iterable[str] = (),
    namespace: str | None = None,
) -> Callable[[Handler], Handler]:
    """Decorate a handler: run it only for a signed-in caller meeting the requirement."""
    wanted: dict[str, Any] = {
        "roles": tuple(roles),
        "permissions": tuple(permissions),
        "namespace": namespace,
    }

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            await authorize(request, **wanted)
            return await handler(request)

        return wrapper  # type: ignore[return-value]

    return decorate
