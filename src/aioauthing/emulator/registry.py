"""Registries that map wire operations to handler functions.

GraphQL: one function per schema field, registered under ``"Type.field"``::

    @resolver("Mutation.createUser")
    def create_user(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any: ...

``args`` holds the field's arguments as coerced by graphql-core (input objects are plain dicts,
enums their names). At startup :func:`aioauthing.emulator.schema.build_schema_with_resolvers`
wires every entry whose field exists in the served SDL and ignores the others, so resolvers can
be written before codegen emits their fields. Fields without a resolver use graphql-core's
default (``parent[field]`` for dict parents).

REST: one function per method and path (Starlette path syntax)::

    @rest_route("GET", "/api/v2/users/{id}")
    def get_user(ctx: RequestContext, call: RestCall) -> Any: ...

A REST handler returns the ``data`` of a success envelope (or an :class:`Envelope` to choose the
message, or a Starlette ``Response`` for non-envelope endpoints) and raises
:class:`~aioauthing.emulator.errors.AuthingBizError` for in-band failures.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .context import RequestContext

__all__ = [
    "GRAPHQL_RESOLVERS",
    "REST_ROUTES",
    "Envelope",
    "Resolver",
    "RestCall",
    "RestHandler",
    "RestRoute",
    "resolver",
    "rest_route",
]

Resolver = Callable[[RequestContext, Any, dict[str, Any]], Any]


@dataclasses.dataclass(slots=True, frozen=True)
class RestCall:
    """One REST request as a handler sees it."""

    path_params: Mapping[str, str]
    query: Mapping[str, str]
    body: Any
    """Parsed JSON body, or a ``dict`` of an ``application/x-www-form-urlencoded`` one
    (``None`` when the request had none, or it was multipart)."""
    files: Mapping[str, tuple[str, bytes, str]] = dataclasses.field(default_factory=dict)
    """Multipart file parts: field name -> (filename, content, content type)."""


@dataclasses.dataclass(slots=True, frozen=True)
class Envelope:
    """A success answer with a chosen message: ``{"code": 200, "message": ..., "data": ...}``."""

    data: Any = None
    message: str = "success"
    code: int = 200


RestHandler = Callable[[RequestContext, RestCall], Any]


@dataclasses.dataclass(slots=True, frozen=True)
class RestRoute:
    method: str
    path: str
    handler: RestHandler


_R = TypeVar("_R", bound=Resolver)
_H = TypeVar("_H", bound=RestHandler)

GRAPHQL_RESOLVERS: dict[str, Resolver] = {}
"""``"Type.field"`` → resolver."""

REST_ROUTES: list[RestRoute] = []


def resolver(name: str) -> Callable[[_R], _R]:
    """Register the resolver of GraphQL field ``name`` (``"Query.user"``)."""
    type_name, _, field_name = name.partition(".")
    if not type_name or not field_name:
        raise ValueError(f"resolver name must be 'Type.field', got {name!r}")

    def register(fn: _R) -> _R:
        if name in GRAPHQL_RESOLVERS:
            raise ValueError(f"resolver {name} registered twice")
        GRAPHQL_RESOLVERS[name] = fn
        return fn

    return register


def rest_route(method: str, path: str) -> Callable[[_H], _H]:
    """Register the handler of ``method path`` (``"GET", "/api/v2/users/{id}"``)."""

    def register(fn: _H) -> _H:
        for route in REST_ROUTES:
            if route.method == method.upper() and route.path == path:
                raise ValueError(f"REST route {method} {path} registered twice")
        REST_ROUTES.append(RestRoute(method.upper(), path, fn))
        return fn

    return register
