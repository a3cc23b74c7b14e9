"""Turning registered REST handlers into Starlette routes that answer V2 envelopes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from email import policy
from email.parser import BytesParser
from inspect import isawaitable
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Scope

from . import jsonutil
from .audit import record_admin
from .context import RequestContext
from .errors import AuthingBizError, error_payload
from .lang import REQUEST_LANG
from .registry import Envelope, RestCall, RestHandler, RestRoute
from .state import EmulatorState

__all__ = ["context_for", "header_map", "rest_routes", "scope_context"]


_HEADERS_KEY = "aioauthing.headers"


def header_map(scope: Scope) -> dict[str, str]:
    """The request headers by lower-case name (the first of a repeated one, as Starlette's
    ``Headers.get``), decoded once per request and kept in the scope for every later reader."""
    headers: dict[str, str] | None = scope.get(_HEADERS_KEY)
    if headers is None:
        headers = {}
        for key, value in scope["headers"]:
            name = key.decode("latin-1").lower()
            if name not in headers:
                headers[name] = value.decode("latin-1")
        scope[_HEADERS_KEY] = headers
    return headers


def _base_url(scope: Scope, headers: Mapping[str, str]) -> str:
    """``str(request.base_url)`` without building URL objects when the Host header is there."""
    host = headers.get("host")
    if host:
        return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}/"
    return str(Request(scope).base_url)


def scope_context(state: EmulatorState, scope: Scope, headers: Mapping[str, str]) -> RequestContext:
    """The handlers' :class:`RequestContext` straight from the ASGI scope (no ``Request``)."""
    REQUEST_LANG.set(headers.get("x-authing-lang"))
    raw_query = scope.get("query_string", b"")
    query: Mapping[str, str] = QueryParams(raw_query) if raw_query else {}
    return RequestContext(state, headers, _base_url(scope, headers), query)


def context_for(request: Request) -> RequestContext:
    state: EmulatorState = request.app.state.emulator.state
    return scope_context(state, request.scope, header_map(request.scope))


def _multipart_files(content_type: str, raw: bytes) -> dict[str, tuple[str, bytes, str]]:
    """The file parts of a ``multipart/form-data`` body (stdlib parser; no extra dependency)."""
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw
    )
    files: dict[str, tuple[str, bytes, str]] = {}
    for part in message.iter_parts():
        filename = part.get_filename()
        name = part.get_param("name", header="content-disposition")
        if filename is None or not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        files[name] = (filename, content, part.get_content_type())
    return files


def _endpoint(handler: RestHandler, path: str) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        raw = await request.body()
        body: Any = None
        files: dict[str, tuple[str, bytes, str]] = {}
        content_type = request.headers.get("content-type", "")
        media_type = content_type.split(";")[0].strip().lower()
        if media_type == "multipart/form-data":
            files = _multipart_files(content_type, raw)
        elif media_type == "application/x-www-form-urlencoded":
            body = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        elif raw.strip():
            try:
                body = jsonutil.loads(raw)
            except ValueError:
                return JSONResponse(error_payload("INVALID_JSON"), status_code=400)
        ctx = context_for(request)
        call = RestCall(dict(request.path_params), dict(request.query_params), body, files)
        try:
            result = handler(ctx, call)
            if isawaitable(result):
                result = await result
        except AuthingBizError as exc:
            return JSONResponse(exc.payload())
        if request.method != "GET" and "authorization" in request.headers:
            given = call.body if isinstance(call.body, dict) else {}
            record_admin(
                ctx, f"{request.method} {path}", {**given, **call.path_params, **call.query}
            )
        if isinstance(result, Response):
            return result
        if isinstance(result, Envelope):
            return JSONResponse(
                {"code": result.code, "message": result.message, "data": result.data}
            )
        return JSONResponse({"code": 200, "message": "success", "data": result})

    endpoint.__name__ = getattr(handler, "__name__", "endpoint")
    return endpoint


def rest_routes(registered: Sequence[RestRoute]) -> list[Route]:
    """Starlette routes, static paths before parameterised ones (``/users/me`` before ``/users/{id}``)."""
    ordered = sorted(registered, key=lambda r: r.path.count("{"))
    by_path: dict[str, list[RestRoute]] = {}
    for route in ordered:
        by_path.setdefault(route.path, []).append(route)
    routes = []
    for path, entries in by_path.items():
        for entry in entries:
            routes.append(Route(path, _endpoint(entry.handler, path), methods=[entry.method]))
    return routes
