"""Descriptors of API operations: what the generated code hands to the runtime.

The code generator emits one frozen descriptor per operation in ``spec/``. The runtime
(:class:`aioauthing.runtime.core.Core`) reads only these descriptors, so everything that varies
between operations -- wire form, auth kind, idempotency, documented error codes -- is data that
comes from the spec, never a special case in hand-written code.
"""

from __future__ import annotations

import enum
from typing import Final, Literal

import attrs

__all__ = [
    "UNSET",
    "AuthKind",
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


Operation = GraphQLOperation | RestOperation
