"""Descriptors of API operations: what the generated code hands to the runtime.

The code generator emits one frozen descriptor per operation in ``spec/``. The runtime
(:class:`aioauthing.runtime.core.Core`) reads only these descriptors, so everything that varies
between operations -- wire form, auth kind, idempotency, documented error codes -- is data that
comes from the spec, never a special case in hand-written code.
"""

from __future__ import annotations

import enum
from typing import Any, Final, Literal

import attrs

__all__ = [
    "UNSET",
    "AuthKind",
    "BodyFormat",
    "ClientAuthEndpoint",
    "ClientValue",
    "GraphQLOperation",
    "HostKind",
    "Operation",
    "ResponseKind",
    "RestOperation",
    "Unset",
]


class Unset(enum.Enum):
    """Type of :data:`UNSET`: a parameter that was not given (different from ``None``)."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> Literal[False]:
        return False


UNSET: Final = Unset.UNSET
"""Marks an optional parameter or input-model field that was not given; it is omitted on the wire."""


class AuthKind(enum.Enum):
    """Which credential an operation needs."""

    NONE = "none"
    """Public: no token (a per-user view still attaches its token, as the official SDKs do)."""
    USER = "user"
    """The end user's own token (``Authorization: Bearer <id_token>``)."""
    MANAGEMENT = "management"
    """The user pool's management access token."""
    CLIENT = "client"
    """OAuth 2.0 client authentication with the application's id and secret (RFC 6749 §2.3):
    ``client_secret_post`` (both in the form body), ``client_secret_basic`` (HTTP Basic header)
    or ``none`` (``client_id`` only), as configured on the client for the endpoint."""


class ResponseKind(enum.Enum):
    """How a REST answer is framed."""

    ENVELOPE = "envelope"
    """``{"code": 200, "message": ..., "data": ...}``; ``code != 200`` is an error."""
    JSON = "json"
    """Bare JSON (OIDC endpoints, CAS JSON)."""
    TEXT = "text"
    """Plain text or XML (CAS validation)."""


class HostKind(enum.Enum):
    """Which host a REST call goes to."""

    API = "api"
    """The client's API host (``host``, or ``app_host`` when given)."""
    WEBSOCKET = "websocket"
    """The websocket host ``ws.{parent domain}`` of ``host`` (AD login), or ``websocket_host``."""


class BodyFormat(enum.Enum):
    """How a REST request body is encoded."""

    JSON = "json"
    """``application/json`` (every ``/api/v2`` endpoint)."""
    FORM = "form"
    """``application/x-www-form-urlencoded`` (OAuth 2.0 / OIDC token endpoints)."""


class ClientAuthEndpoint(enum.Enum):
    """Which of the client's three OAuth client-authentication settings an operation uses."""

    TOKEN = "token"
    INTROSPECTION = "introspection"
    REVOCATION = "revocation"


@attrs.frozen(slots=True)
class ClientValue:
    """A request value that defaults to an option of the client (when the caller omits it)."""

    location: Literal["path", "query", "body"]
    wire: str
    option: Literal["app_id", "protocol", "redirect_uri"]


@attrs.frozen(slots=True)
class GraphQLOperation:
    """One GraphQL document sent to ``POST /graphql/v2``."""

    name: str
    """The SDK's name for the call, e.g. ``"users.create"`` (used in logs and errors)."""
    operation_name: str
    """The GraphQL operation name, e.g. ``"createUser"``."""
    document: str
    """The exact document text sent as ``query``."""
    result_path: tuple[str, ...]
    """Keys leading from ``data`` to the result, e.g. ``("user", "roles")``."""
    auth: AuthKind
    idempotent: bool
    """Safe to send twice: the runtime may retry it after a read timeout or dropped connection."""
    errors: tuple[int, ...] = ()
    """Authing error codes the documentation names for this operation."""
    secret_variables: tuple[str, ...] = ()
    """Dotted variable paths whose values must never be logged (passwords, codes, tokens)."""
    checks: tuple[Any, ...] = ()
    """:class:`~aioauthing.runtime.validation.ParamCheck` per checked parameter (from the spec's
    types), run by the generated method through ``validation.check_params`` before sending."""


@attrs.frozen(slots=True)
class RestOperation:
    """One REST call under the service's host (``/api/v2/...`` and a few root paths)."""

    name: str
    method: str
    """HTTP method in upper case."""
    path: str
    """Path template with ``{wireName}`` placeholders, e.g. ``"/api/v2/users/{userId}"``."""
    auth: AuthKind
    idempotent: bool
    response: ResponseKind = ResponseKind.ENVELOPE
    errors: tuple[int, ...] = ()
    secret_fields: tuple[str, ...] = ()
    """Body or query keys whose values must never be logged."""
    host: HostKind = HostKind.API
    body: BodyFormat = BodyFormat.JSON
    client_auth: ClientAuthEndpoint | None = None
    """With ``auth=AuthKind.CLIENT``: which endpoint setting picks the client-auth method."""
    client_values: tuple[ClientValue, ...] = ()
    """Values filled from the client's options when the call does not give them."""
    checks: tuple[Any, ...] = ()
    """As :attr:`GraphQLOperation.checks`."""


Operation = GraphQLOperation | RestOperation
