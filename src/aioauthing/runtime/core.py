"""The transport core: one pooled HTTP client, headers, retries, pacing, tokens, error mapping.

:meth:`Core.execute` is the only way generated code talks to the network. It implements the
return contract from ``docs/architecture.md``: GraphQL returns the value at ``op.result_path``
inside ``data``; REST ``ENVELOPE`` returns the whole envelope after checking ``code == 200``;
``JSON`` returns the parsed body; ``TEXT`` the body text. Failures raise
:class:`~aioauthing.runtime.errors.AuthingError` subclasses.
"""

from __future__ import annotations

import asyncio
import copy
import http.cookiejar
import json
import logging
import time
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote

import anyio
import attrs
import httpx

from aioauthing import __version__

from . import raw
from .client_auth import ClientCredentials
from .converter import WireConverter, make_converter
from .crypto import PasswordEncryptor, PublicKeySource
from .errors import (
    AuthingError,
    AuthingTimeoutError,
    AuthingValidationError,
    NotLoggedInError,
    OAuthError,
    RateLimitedError,
    ResponseDecodeError,
    ServerError,
    TransportError,
    error_for,
)
from .hosts import websocket_host_for
from .operation import (
    UNSET,
    AuthKind,
    BodyFormat,
    GraphQLOperation,
    HostKind,
    Operation,
    ResponseKind,
    RestOperation,
)
from .ratelimit import Limiter, RateLimiter
from .redaction import install_httpx_log_redaction, redact
from .remember import RememberedUser
from .retry import RetryPolicy
from .tokens import ManagementTokenManager
from .transport import AiohttpTransport, Answer, AutoTransport, TransportName, make_transport

__all__ = ["DEFAULT_HOST", "GRAPHQL_PATH", "SDK_VERSION", "Core", "NoCookieJar", "Timeouts"]

DEFAULT_HOST: Final = "https://core.authing.cn"
GRAPHQL_PATH: Final = "/graphql/v2"
_REQUEST_ID_HEADERS: Final = ("x-request-id", "x-authing-request-id", "request-id", "x-trace-id")
_TOKEN_REJECTED_CODES: Final = frozenset({2020, 2206, 1010001})

log = logging.getLogger("aioauthing")


SDK_VERSION: Final = __version__
"""The package's own version (not ``importlib.metadata``: scanning the installed distributions
was a tenth of ``import aioauthing``)."""


@attrs.frozen(slots=True, kw_only=True)
class Timeouts:
    """Per-attempt phase timeouts plus a ``total`` deadline covering all attempts and waits."""

    connect: float = 5.0
    read: float = 30.0
    write: float = 30.0
    pool: float = 10.0
    total: float | None = 60.0

    def to_httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)

    @classmethod
    def coerce(cls, value: float | Timeouts | None, base: Timeouts | None = None) -> Timeouts:
        """A float sets the total deadline (and caps the read timeout)."""
        if isinstance(value, Timeouts):
            return value
        current = base or cls()
        if value is None:
            return current
        return attrs.evolve(current, total=float(value), read=min(current.read, float(value)))


_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


def _strip_unset(value: Any) -> Any:
    if type(value) in _SCALARS:  # most variables: no walk, no ABC isinstance checks
        return value
    if isinstance(value, Mapping):
        return {k: _strip_unset(v) for k, v in value.items() if v is not UNSET}
    if isinstance(value, list | tuple):
        return [_strip_unset(v) for v in value if v is not UNSET]
    return value


@attrs.define(slots=True)
class _CallState:
    attempts: int = 0
    response: Answer | None = None


class Core:
    """Shared machinery of one SDK client; cheap copies come from :meth:`with_options`."""

    def __init__(
        self,
        *,
        host: str = DEFAULT_HOST,
        base_url: str | None = None,
        websocket_host: str | None = None,
        user_pool_id: str | None = None,
        app_id: str | None = None,
        lang: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        limiter: Limiter | None = None,
        rate_limit: float | None = None,
        max_concurrency: int = 64,
        converter: WireConverter | None = None,
        strict: bool = False,
        public_key: str | bytes | None = None,
        token_manager: ManagementTokenManager | None = None,
        headers: Mapping[str, str] | None = None,
        protocol: str = "oidc",
        redirect_uri: str | None = None,
        client_credentials: ClientCredentials | None = None,
        transport: TransportName = "auto",
    ) -> None:
        _check_url("host", host)
        if base_url is not None and base_url != host:
            _check_url("app_host", base_url)
        if websocket_host is not None:
            _check_url("websocket_host", websocket_host, schemes=("http", "https", "ws", "wss"))
        self.host = host.rstrip("/")
        self.protocol = protocol
        """``oidc`` or ``oauth``: fills ``{protocol}`` in the OAuth/OIDC endpoint paths."""
        self.redirect_uri = redirect_uri
        self.client_credentials = client_credentials
        self.base_url = (base_url or host).rstrip("/")
        self.websocket_host = (websocket_host or websocket_host_for(self.host)).rstrip("/")
        self.user_pool_id = user_pool_id
        self.app_id = app_id
        self.lang = lang
        self.timeouts = Timeouts.coerce(timeout)
        self.retry = retry if retry is not None else RetryPolicy()
        if max_retries is not None:
            self.retry = attrs.evolve(self.retry, max_retries=max_retries)
        if limiter is not None and rate_limit is not None:
            raise AuthingValidationError(
                "rate_limit", "cannot be combined with limiter= (give the rate to the limiter)"
            )
        self.limiter: Limiter = (
            limiter
            if limiter is not None
            else RateLimiter(max_concurrency=max_concurrency, rate=rate_limit)
        )
        self.converter = converter or make_converter(strict=strict)
        self.keys = PublicKeySource(public_key, host=self.base_url)
        """The password-encryption key: given, bundled (Authing cloud) or discovered."""
        self.token_manager = token_manager
        self.remembered: RememberedUser | None = None
        """The remember-mode token slot (authentication clients made with ``remember=``)."""
        self._extra_headers = dict(headers or {})
        self._owns_http = http_client is None
        # The pool keeps alive as many connections as the limiter lets requests fly: no TCP
        # churn under load (aiohttp's pool on asyncio, httpx's on trio; see runtime/transport.py).
        self._transport: httpx.AsyncBaseTransport | None = None
        if http_client is None:
            self._transport = make_transport(transport, _pool_size(self.limiter, max_concurrency))
        self._http = http_client or httpx.AsyncClient(
            timeout=self.timeouts.to_httpx(),
            transport=self._transport,
            cookies=NoCookieJar(),
        )
        # One client serves every user: a cookie set on one call must never ride on another.
        # Our own pool has a jar that keeps nothing (aiohttp's direct path a DummyCookieJar); a
        # pool given by the caller keeps its jar, so its Cookie header is dropped instead.
        self._strip_cookies = http_client is not None and not isinstance(
            http_client.cookies.jar, NoCookieJar
        )
        self._base_headers = self._make_base_headers()
        self._direct_headers: dict[tuple[str | None, bool], dict[str, str]] = {}
        self._client_headers: list[tuple[bytes, bytes]] = []
        install_httpx_log_redaction()

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def timeouts(self) -> Timeouts:
        return self._timeouts

    @timeouts.setter
    def timeouts(self, value: Timeouts) -> None:
        self._timeouts = value
        self._httpx_timeout = value.to_httpx()  # built once, not per request
        self._timeout_extension = {"timeout": self._httpx_timeout.as_dict()}

    @property
    def http_client(self) -> httpx.AsyncClient:
        return self._http

    def owns_open_pool(self) -> bool:
        """This core created its HTTP pool and it is still open (copies own nothing)."""
        return self._owns_http and not self._http.is_closed

    async def aclose(self) -> None:
        """Close the HTTP pool if this core created it (copies never close it)."""
        if self._owns_http:
            await self._http.aclose()

    def with_options(
        self,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Core:
        """A cheap copy sharing the pool, limiter, converter and token manager."""
        clone = copy.copy(self)
        clone._owns_http = False
        if timeout is not None:
            clone.timeouts = Timeouts.coerce(timeout, self.timeouts)
        if max_retries is not None:
            clone.retry = attrs.evolve(self.retry, max_retries=max_retries)
        if headers:
            clone._extra_headers = {**self._extra_headers, **headers}
            clone._base_headers = clone._make_base_headers()
            clone._direct_headers = {}
        return clone

    def __repr__(self) -> str:
        return (
            f"Core(base_url={self.base_url!r}, user_pool_id={self.user_pool_id!r}, "
            f"app_id={self.app_id!r})"
        )

    # -- request building --------------------------------------------------------------------

    def _make_base_headers(self) -> dict[str, str]:
        headers = {
            "x-authing-request-from": "sdk",
            "x-authing-sdk-version": f"python-aioauthing:{SDK_VERSION}",
        }
        if self.user_pool_id:
            headers["x-authing-userpool-id"] = self.user_pool_id
        if self.app_id:
            headers["x-authing-app-id"] = self.app_id
        if self.lang:
            headers["x-authing-lang"] = self.lang
        headers.update(self._extra_headers)
        return headers

    def headers_for(self, token: str | None) -> dict[str, str]:
        """The headers of one request (with ``Authorization`` when a token is given)."""
        headers = dict(self._base_headers)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def _wire_headers(self, token: str | None, body: bool) -> dict[str, str]:
        """Every header of a request sent past httpx (httpx's defaults included, so both paths
        send the same), built once per token: the management token is the same call after call.
        Never mutate the result."""
        client_headers = self._http.headers.raw
        if client_headers != self._client_headers:  # the pool's own headers were changed
            self._direct_headers = {}
            self._client_headers = client_headers
        key = (token, body)
        headers = self._direct_headers.get(key)
        if headers is None:
            if len(self._direct_headers) >= 4:
                self._direct_headers = {}
            headers = {**dict(self._http.headers.items()), **self.headers_for(token)}
            if body:
                headers["content-type"] = "application/json"
            self._direct_headers[key] = headers
        return headers

    def _rest_path(self, op: RestOperation, path_params: Mapping[str, Any] | None) -> str:
        params = path_params or {}

        def fill(path: str) -> str:
            out, rest = [], path
            while "{" in rest:
                head, _, tail = rest.partition("{")
                name, _, rest = tail.partition("}")
                value = params.get(name)
                if value is None or value is UNSET or value == "":
                    raise AuthingValidationError(name, "is required")
                out.append(head + quote(str(value), safe=""))
            out.append(rest)
            return "".join(out)

        return fill(op.path)

    def _client_option(self, name: str) -> Any:
        return {
            "app_id": self.app_id,
            "protocol": self.protocol,
            "redirect_uri": self.redirect_uri,
        }[name]

    def _rest_request(
        self,
        op: RestOperation,
        path_params: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None,
        body: Any,
        files: Any,
    ) -> dict[str, Any]:
        parts: dict[str, dict[str, Any]] = {
            "path": dict(path_params or {}),
            "query": dict(query or {}),
            "body": dict(body) if isinstance(body, Mapping) else {},
        }
        for value in op.client_values:
            target = parts[value.location]
            if target.get(value.wire, UNSET) is UNSET:
                target[value.wire] = self._client_option(value.option)
        headers: dict[str, str] = {}
        if op.auth is AuthKind.CLIENT:
            if self.client_credentials is None or op.client_auth is None:
                raise AuthingValidationError("app_id", "this client has no OAuth credentials")
            self.client_credentials.apply(op.client_auth, parts["body"], headers)
        if isinstance(body, Mapping) or op.client_values or op.auth is AuthKind.CLIENT:
            body = parts["body"] or body
        request: dict[str, Any] = {"method": op.method, "path": self._rest_path(op, parts["path"])}
        if headers:
            request["headers"] = headers
        if parts["query"]:
            request["params"] = {
                k: v for k, v in _strip_unset(parts["query"]).items() if v is not None
            }
        if files is not None:
            request["files"] = files
            if body is not None:
                request["data"] = _strip_unset(body)
        elif op.body is BodyFormat.FORM:
            form = _strip_unset(body or {})
            request["data"] = {k: v for k, v in form.items() if v is not None}
        elif body is not None:
            request["json"] = _strip_unset(body)
        return request

    @property
    def encryptor(self) -> PasswordEncryptor | None:
        """The key's encryptor once known (``None`` while discovery has not run yet)."""
        return self.keys.encryptor

    async def public_key_encryptor(self) -> PasswordEncryptor:
        """The encryptor, discovering the host's key first if this client has to."""
        return await self.keys.get(self._fetch_json)

    async def _fetch_json(self, url: str) -> Any:
        """A plain GET for key discovery (no token, no retries): the parsed JSON answer."""
        try:
            response = await self._http.get(
                url, headers=self._base_headers, timeout=self._httpx_timeout
            )
        except httpx.TransportError as exc:
            raise TransportError(None, f"{type(exc).__name__} while calling the host") from exc
        if response.status_code != 200:
            raise ValueError(f"HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise ValueError("the answer is not JSON") from None

    # -- execution ---------------------------------------------------------------------------

    async def execute(
        self,
        op: Operation,
        *,
        token: str | None = None,
        variables: Mapping[str, Any] | None = None,
        path_params: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        files: Any = None,
    ) -> Any:
        """Send ``op`` (with retries, pacing and token handling) and return its result."""
        if op.auth is AuthKind.USER and not token:
            raise NotLoggedInError(2020, "this operation needs a user token", operation=op.name)
        if isinstance(op, GraphQLOperation):
            request: dict[str, Any] = {
                "method": "POST",
                "path": GRAPHQL_PATH,
                "json": {"query": op.document, "variables": _strip_unset(variables or {})},
            }
        else:
            request = self._rest_request(op, path_params, query, body, files)
            if op.auth is AuthKind.CLIENT:
                token = None  # the client's credentials replace any user token
        state = _CallState()
        started = time.monotonic()
        total = self.timeouts.total
        try:
            if total is not None and _on_asyncio():
                # The standard library's timeout is one timer handle; anyio's cancel scope costs
                # about 90 us per call on asyncio. On trio, anyio's scope is trio's own.
                async with asyncio.timeout(total):
                    return await self._execute_with_auth(op, token, request, state)
            with anyio.fail_after(total):
                return await self._execute_with_auth(op, token, request, state)
        except TimeoutError:
            raise AuthingTimeoutError(
                None, f"no answer within the {total}s deadline", operation=op.name
            ) from None
        finally:
            if state.attempts and raw.is_capturing():
                self._record(op, state, time.monotonic() - started)

    def _record(self, op: Operation, state: _CallState, elapsed: float) -> None:
        response = state.response
        raw.record(
            raw.RawResponse(
                status_code=response.status_code if response is not None else None,
                headers=response.headers if response is not None else httpx.Headers(),
                attempts=state.attempts,
                elapsed=elapsed,
                request_id=_request_id(response.headers) if response is not None else None,
                operation=op.name,
            )
        )

    async def _execute_with_auth(
        self, op: Operation, token: str | None, request: dict[str, Any], state: _CallState
    ) -> Any:
        if op.auth is not AuthKind.MANAGEMENT:
            return await self._send(op, token, request, state)
        manager = self.token_manager
        if manager is None:
            if not token:
                raise NotLoggedInError(
                    2020, "this operation needs a management token", operation=op.name
                )
            return await self._send(op, token, request, state)
        managed = await manager.get_token()
        try:
            return await self._send(op, managed, request, state)
        except AuthingError as exc:
            if not _is_token_rejection(exc):
                raise
            log.info("management token rejected (code=%s); refreshing once", exc.code)
            await manager.invalidate(managed)
            managed = await manager.get_token()
            return await self._send(op, managed, request, state)

    async def _send(
        self, op: Operation, token: str | None, request: dict[str, Any], state: _CallState
    ) -> Any:
        method, path = request["method"], request["path"]
        base = self.base_url
        if isinstance(op, RestOperation) and op.host is HostKind.WEBSOCKET:
            base = self.websocket_host
        url = base + path
        kwargs = {k: v for k, v in request.items() if k not in ("method", "path", "headers")}
        extra_headers: dict[str, str] | None = request.get("headers")
        # A JSON body (or none) is encoded here and sent either past httpx (this core's own
        # aiohttp pool) or as one ready httpx.Request through the httpx client (no per-call
        # merge of the client's defaults, and no Cookie header from a caller's shared jar).
        direct = self._direct_sender(kwargs)
        prebuilt = direct is None and self._prebuilt_ok(kwargs)
        direct_url, direct_body = url, None
        headers: dict[str, str] = {}
        if direct is not None or prebuilt:
            if kwargs.get("params"):
                direct_url = str(httpx.URL(url, params=kwargs["params"]))
            if "json" in kwargs:
                direct_body = _json_body(kwargs["json"])
        else:  # through httpx's request building (form bodies, files, a client's own params)
            headers = {**self.headers_for(token), **(extra_headers or {})}
        attempt = 0
        while True:
            state.attempts += 1
            if log.isEnabledFor(logging.DEBUG):
                secrets = (
                    op.secret_variables if isinstance(op, GraphQLOperation) else op.secret_fields
                )
                if isinstance(op, RestOperation) and op.auth is AuthKind.CLIENT:
                    secrets = (*secrets, "client_secret")
                payload = kwargs.get("json") or kwargs.get("data")
                if isinstance(op, GraphQLOperation) and isinstance(payload, dict):
                    payload = payload.get("variables")
                prefix = "variables." if isinstance(op, GraphQLOperation) else ""
                log.debug(
                    "request %s %s op=%s attempt=%d payload=%s",
                    method,
                    path,
                    op.name,
                    attempt + 1,
                    redact(payload, [prefix + s if prefix else s for s in secrets])
                    if payload is not None
                    else None,
                )
            began = time.monotonic()
            try:
                async with self.limiter.slot():
                    if direct is not None or prebuilt:
                        wire = self._wire_headers(token, direct_body is not None)
                        if extra_headers:
                            wire = {**wire, **extra_headers}
                        if direct is not None:
                            response = await direct.send(
                                method, direct_url, wire, direct_body, self._httpx_timeout
                            )
                        else:
                            response = await self._http.send(
                                httpx.Request(
                                    method,
                                    direct_url,
                                    headers=wire,
                                    content=direct_body,
                                    extensions=self._timeout_extension,
                                )
                            )
                    elif self._strip_cookies:
                        response = await self._send_without_cookies(method, url, headers, kwargs)
                    else:
                        response = await self._http.request(
                            method, url, headers=headers, timeout=self._httpx_timeout, **kwargs
                        )
            except httpx.TransportError as exc:
                if attempt < self.retry.max_retries and self.retry.should_retry_exception(exc, op):
                    delay = self.retry.backoff(attempt)
                    log.info(
                        "retrying op=%s after %s attempt=%d sleep=%.3f",
                        op.name,
                        type(exc).__name__,
                        attempt + 1,
                        delay,
                    )
                    await self.retry.sleep(delay)
                    attempt += 1
                    continue
                raise _transport_error(op, exc, url) from exc
            state.response = response
            status = response.status_code
            if status == 429:
                await self.limiter.report_rate_limited(self.retry.retry_after(response.headers))
            elif status < 500:
                await self.limiter.report_success()
            if log.isEnabledFor(logging.DEBUG):
                log.debug(
                    "response %s %s op=%s status=%d attempt=%d elapsed=%.3f request_id=%s",
                    method,
                    path,
                    op.name,
                    status,
                    attempt + 1,
                    time.monotonic() - began,
                    _request_id(response.headers),
                )
            if attempt < self.retry.max_retries and self.retry.should_retry_status(status, op):
                retry_after = self.retry.retry_after(response.headers)
                if retry_after is not None and retry_after > self.retry.max_retry_after:
                    raise _status_error(op, response, retry_after)
                delay = self.retry.delay(attempt, retry_after)
                log.info(
                    "retrying op=%s after HTTP %d attempt=%d sleep=%.3f",
                    op.name,
                    status,
                    attempt + 1,
                    delay,
                )
                await self.retry.sleep(delay)
                attempt += 1
                continue
            return self._parse(op, response)

    async def _send_without_cookies(
        self, method: str, url: str, headers: dict[str, str], kwargs: dict[str, Any]
    ) -> httpx.Response:
        """A caller-supplied pool: send without the Cookie header its shared jar would add."""
        request = self._http.build_request(
            method, url, headers=headers, timeout=self._httpx_timeout, **kwargs
        )
        request.headers.pop("cookie", None)
        return await self._http.send(request)

    def _prebuilt_ok(self, kwargs: Mapping[str, Any]) -> bool:
        """Send one ready ``httpx.Request`` (what ``build_request`` would make, minus cookies):
        for JSON bodies or none, when the httpx client adds no default query parameters."""
        return "data" not in kwargs and "files" not in kwargs and not self._http.params

    def _direct_sender(self, kwargs: Mapping[str, Any]) -> AiohttpTransport | None:
        """The transport to send through without building httpx requests: only for this core's
        own pool on asyncio, and only for bodies it encodes itself (JSON or none)."""
        transport = self._transport
        if transport is None or "data" in kwargs or "files" in kwargs:
            return None
        if isinstance(transport, AutoTransport):
            return transport.direct()
        if isinstance(transport, AiohttpTransport):
            return transport
        return None

    # -- response parsing --------------------------------------------------------------------

    def _parse(self, op: Operation, response: Answer) -> Any:
        status = response.status_code
        if isinstance(op, RestOperation) and op.response is ResponseKind.TEXT:
            if status >= 400:
                try:
                    details = response.json()
                except ValueError:
                    details = None
                raise _body_error(op, response, details)
            return response.text
        try:
            payload = _json_of(response)
        except ValueError:
            if status >= 400:
                raise _status_error(op, response) from None
            raise ResponseDecodeError(
                None, "the answer is not JSON", status, op.name, _request_id(response.headers)
            ) from None
        if isinstance(op, GraphQLOperation):
            return _graphql_result(op, response, payload)
        if op.response is ResponseKind.JSON:
            if status >= 400 or _is_error_envelope(payload):
                raise _body_error(op, response, payload)
            return payload
        if not isinstance(payload, dict):
            if status >= 400:
                raise _status_error(op, response)
            raise ResponseDecodeError(
                None,
                "the answer is not an envelope",
                status,
                op.name,
                _request_id(response.headers),
            )
        code = _envelope_code(payload)
        if code != 200 or status >= 400:
            raise _body_error(op, response, payload)
        return payload


class NoCookieJar(http.cookiejar.CookieJar):
    """A cookie jar that keeps nothing and sends nothing (the SDK's pool serves many users)."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None

    def set_cookie(self, cookie: http.cookiejar.Cookie) -> None:
        return None

    def add_cookie_header(self, request: Any) -> None:
        return None


def _json_of(response: Answer) -> Any:
    """The JSON body: UTF-8 (RFC 8259) decoded directly; anything else as httpx reads it."""
    try:
        return json.loads(response.content.decode())
    except ValueError:
        return response.json()


_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _json_body(value: Any) -> bytes:
    """JSON as httpx encodes it (compact, UTF-8); one encoder, not one per call."""
    return _ENCODER.encode(value).encode()


def _pool_size(limiter: Any, default: int) -> int:
    """Connections to keep alive: the limiter's concurrency cap (``default`` if it has none)."""
    try:
        return int(limiter.stats().max_concurrency)
    except (AttributeError, TypeError, ValueError):
        return default


def _check_url(parameter: str, value: str, *, schemes: tuple[str, ...] = ("http", "https")) -> None:
    """A host is a URL with a scheme: ``127.0.0.1:8800`` alone is refused when the client is built."""
    scheme, sep, rest = str(value).partition("://")
    if not sep or scheme.lower() not in schemes or not rest.strip("/"):
        example = " or ".join(f"{s}://..." for s in schemes[:2])
        got = "" if "@" in str(value) else f" (got {str(value)!r})"  # never echo credentials
        raise AuthingValidationError(parameter, f"needs a scheme and a host name: {example}{got}")


def _on_asyncio() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _request_id(headers: httpx.Headers) -> str | None:
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return str(value)
    return None


def _is_token_rejection(exc: AuthingError) -> bool:
    return (
        isinstance(exc, NotLoggedInError)
        or exc.code in _TOKEN_REJECTED_CODES
        or exc.http_status == 401
    )


def _transport_error(op: Operation, exc: httpx.TransportError, url: str) -> TransportError:
    """Names the URL (without its query) and the cause: ``ConnectError while calling
    http://127.0.0.1:1/graphql/v2: [Errno 111] Connection refused``."""
    kind = type(exc).__name__
    cause = str(exc).strip() or ("timed out" if isinstance(exc, httpx.TimeoutException) else kind)
    message = f"{kind} while calling {url.partition('?')[0]}: {cause}"
    if isinstance(exc, httpx.TimeoutException):
        return AuthingTimeoutError(None, message, operation=op.name)
    return TransportError(None, message, operation=op.name)


def _status_error(
    op: Operation, response: Answer, retry_after: float | None = None
) -> AuthingError:
    status = response.status_code
    request_id = _request_id(response.headers)
    if status == 429:
        if retry_after is None:
            retry_after = RetryPolicy().retry_after(response.headers)
        return RateLimitedError(
            None, "rate limited", status, op.name, request_id, retry_after=retry_after
        )
    if status >= 500:
        return ServerError(None, f"HTTP {status}", status, op.name, request_id)
    return error_for(None, None, http_status=status, operation=op.name, request_id=request_id)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _envelope_code(payload: Mapping[str, Any]) -> int | None:
    if "code" in payload:
        return _as_int(payload["code"])
    status = _as_int(payload.get("statusCode"))
    if status is not None and status != 200:
        return _as_int(payload.get("apiCode")) or status
    return status


def _is_error_envelope(payload: Any) -> bool:
    """An Authing ``{code, message}`` failure inside a bare-JSON answer (HTTP 200)."""
    if not isinstance(payload, Mapping) or "message" not in payload:
        return False
    code = _as_int(payload.get("code"))
    return code is not None and code != 200


def _body_error(op: Operation, response: Answer, payload: Any) -> AuthingError:
    status = response.status_code
    if not isinstance(payload, Mapping):
        return _status_error(op, response)
    if status == 429:
        return _status_error(op, response)
    error = payload.get("error")
    if isinstance(error, str) and "code" not in payload:
        description = payload.get("error_description")
        return OAuthError(
            error,
            str(description) if description else error,
            status,
            op.name,
            _request_id(response.headers),
        )
    code = _envelope_code(payload)
    message = payload.get("message") or payload.get("error_description") or payload.get("error")
    if code is None and not message:
        return _status_error(op, response)
    return error_for(
        code,
        str(message) if message else None,
        http_status=status,
        operation=op.name,
        request_id=_request_id(response.headers),
        data=payload.get("data"),
    )


def _graphql_result(op: GraphQLOperation, response: Answer, payload: Any) -> Any:
    status = response.status_code
    if not isinstance(payload, Mapping):
        if status >= 400:
            raise _status_error(op, response)
        raise ResponseDecodeError(None, "the answer is not a GraphQL response", status, op.name)
    errors = payload.get("errors")
    if errors:
        raise _graphql_error(op, response, errors)
    if status >= 400:
        raise _status_error(op, response)
    data: Any = payload.get("data")
    for key in op.result_path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _graphql_error(op: GraphQLOperation, response: Answer, errors: Any) -> AuthingError:
    items = errors if isinstance(errors, list) else [errors]
    chosen: Any = items[0]
    for item in items:
        if isinstance(item, Mapping) and isinstance(item.get("message"), Mapping):
            chosen = item
            break
    message: Any = chosen.get("message") if isinstance(chosen, Mapping) else chosen
    code: int | None = None
    data: Any = None
    if isinstance(message, Mapping):
        code = _as_int(message.get("code"))
        data = message.get("data")
        message = message.get("message")
    if code is None and isinstance(chosen, Mapping):
        extensions = chosen.get("extensions")
        if isinstance(extensions, Mapping):
            code = _as_int(extensions.get("code"))
    return error_for(
        code,
        str(message) if message is not None else None,
        http_status=response.status_code,
        operation=op.name,
        request_id=_request_id(response.headers),
        data=data,
    )
