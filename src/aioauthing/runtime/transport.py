"""The HTTP transports behind the clients' ``httpx.AsyncClient``.

httpx's own pool (httpcore) walks every pooled connection on every request (``is_idle``, a
``getpeername`` and a ``poll`` each), so its CPU per request grows with the pool and with the number
of requests in flight. aiohttp's connector hands out an idle connection in constant time. On
asyncio the clients therefore send through :class:`AiohttpTransport` (the httpx API stays the same:
requests, responses and exceptions are httpx's), and on trio through httpx's own transport; either
way the pool keeps as many connections alive as the limiter lets requests fly.

``python -m bench client_concurrency`` measures the choices side by side.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

import httpx

if TYPE_CHECKING:
    import aiohttp

__all__ = [
    "TRANSPORTS",
    "AiohttpTransport",
    "Answer",
    "AutoTransport",
    "DirectResponse",
    "TransportName",
    "make_transport",
]

TransportName = Literal["auto", "aiohttp", "httpx"]
TRANSPORTS: Final = ("auto", "aiohttp", "httpx")

KEEPALIVE_EXPIRY: Final = 4.0
"""Seconds an idle connection is kept: below the 5 s keep-alive of common servers (uvicorn,
nginx's default is longer), so a connection the server is closing is never reused."""


def _httpx_error(exc: BaseException, aiohttp: Any) -> httpx.TransportError:
    """The httpx exception an aiohttp failure means (most specific class first), so that retries
    still tell 'never sent' (connect) from 'maybe applied' (read / disconnect)."""
    message = str(exc) or type(exc).__name__
    mapped: type[httpx.TransportError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        mapped = httpx.ConnectTimeout
    elif isinstance(exc, aiohttp.ServerTimeoutError | asyncio.TimeoutError):
        mapped = httpx.ReadTimeout
    elif isinstance(exc, aiohttp.ClientConnectorError):
        mapped = httpx.ConnectError
    elif isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientResponseError):
        mapped = httpx.RemoteProtocolError
    elif isinstance(exc, aiohttp.InvalidURL):
        mapped = httpx.UnsupportedProtocol
    elif isinstance(exc, aiohttp.ClientPayloadError | aiohttp.ClientOSError):
        mapped = httpx.ReadError
    else:
        mapped = httpx.NetworkError
    return mapped(message)


class DirectResponse:
    """An answer of the direct path: what the SDK reads of an ``httpx.Response`` (status, headers,
    body, ``text``, ``json()``) without building one (~10 us of headers instead of a response's
    stream, decoder and read pipeline). Only for bodies without a ``Content-Encoding``: the
    others become a full ``httpx.Response``, which decodes them."""

    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int, headers: httpx.Headers, content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content

    @property
    def text(self) -> str:
        """The body decoded as httpx does: the Content-Type charset, else UTF-8, bad bytes
        replaced."""
        charset = None
        content_type = self.headers.get("content-type")
        if content_type:
            for param in content_type.split(";")[1:]:
                key, _, value = param.strip().partition("=")
                if key.lower() == "charset" and value:
                    charset = value.strip("'\"")
        try:
            return self.content.decode(charset or "utf-8", errors="replace")
        except LookupError:  # an unknown charset name
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)

    def __repr__(self) -> str:
        return f"<DirectResponse [{self.status_code}]>"


Answer = httpx.Response | DirectResponse
"""What the core gets back from one attempt."""


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport on aiohttp's connection pool (asyncio only).

    At most ``max_connections`` connections, all of them kept alive for ``keepalive_expiry``
    seconds. Bodies are read whole (the SDK never streams). One aiohttp session per event loop.
    """

    def __init__(
        self,
        *,
        max_connections: int = 64,
        keepalive_expiry: float = KEEPALIVE_EXPIRY,
        verify: bool = True,
    ) -> None:
        self.max_connections = max_connections
        self.keepalive_expiry = keepalive_expiry
        self.verify = verify
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._aiohttp: Any = None
        self._timeouts: dict[tuple[float | None, ...], Any] = {}

    def _session_for(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        if self._session is None or self._loop is not loop or self._session.closed:
            import aiohttp  # deferred: importing aiohttp costs tens of ms at start-up

            self._aiohttp = aiohttp
            connector = aiohttp.TCPConnector(
                limit=self.max_connections,
                limit_per_host=0,
                keepalive_timeout=self.keepalive_expiry,
                ssl=bool(self.verify),
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,  # httpx decodes Content-Encoding itself
                cookie_jar=aiohttp.DummyCookieJar(),  # no cookies kept between requests
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding"),
            )
            self._loop = loop
        return self._session

    async def send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: bytes | None,
        timeouts: httpx.Timeout,
    ) -> Answer:
        """One request without building an ``httpx.Request``: the SDK's own hot path (its
        headers are complete, its body encoded). Failures are httpx's exceptions; the answer is
        a :class:`DirectResponse` (an ``httpx.Response`` when the body has a Content-Encoding)."""
        session = self._session_for(asyncio.get_running_loop())
        aiohttp = self._aiohttp
        key = (timeouts.connect, timeouts.read, timeouts.pool)
        client_timeout = self._timeouts.get(key)
        if client_timeout is None:
            client_timeout = self._timeouts[key] = aiohttp.ClientTimeout(
                total=None,
                connect=timeouts.pool,
                sock_connect=timeouts.connect,
                sock_read=timeouts.read,
            )
        try:
            async with session.request(
                method,
                url,
                headers=headers,
                data=content,
                allow_redirects=False,
                compress=False,
                timeout=client_timeout,
            ) as answer:
                body = await answer.read()
                status, reason, raw = answer.status, answer.reason, answer.raw_headers
        except aiohttp.ClientError as exc:
            raise _httpx_error(exc, aiohttp) from exc
        except TimeoutError as exc:
            raise _httpx_error(exc, aiohttp) from exc
        headers = httpx.Headers(raw)
        encoding = headers.get("content-encoding")
        if not encoding or encoding.strip().lower() == "identity":
            return DirectResponse(status, headers, body)
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if reason:
            extensions["reason_phrase"] = reason.encode("ascii", "replace")
        return httpx.Response(status, headers=headers, content=body, extensions=extensions)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._session_for(asyncio.get_running_loop())
        aiohttp = self._aiohttp
        timeout: dict[str, float | None] = request.extensions.get("timeout", {})
        try:
            content = request.content
        except httpx.RequestNotRead:
            content = await request.aread()
        try:
            async with session.request(
                request.method,
                str(request.url),
                headers=request.headers.multi_items(),
                data=content or None,
                allow_redirects=False,
                compress=False,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            ) as answer:
                body = await answer.read()
                status, reason, headers = answer.status, answer.reason, answer.raw_headers
        except aiohttp.ClientError as exc:
            raise _httpx_error(exc, aiohttp) from exc
        except TimeoutError as exc:
            raise _httpx_error(exc, aiohttp) from exc
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if reason:
            extensions["reason_phrase"] = reason.encode("ascii", "replace")
        return httpx.Response(
            status, headers=headers, content=body, request=request, extensions=extensions
        )

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is self._loop:
                await session.close()


class AutoTransport(httpx.AsyncBaseTransport):
    """aiohttp's pool on asyncio (when aiohttp is installed), httpx's own elsewhere (trio)."""

    def __init__(self, *, max_connections: int = 64, verify: bool = True) -> None:
        self._max_connections = max_connections
        self._verify = verify
        self._asyncio: httpx.AsyncBaseTransport | None = None
        self._other: httpx.AsyncBaseTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # trio (or another loop): httpx's transport
            if self._other is None:
                self._other = _httpx_transport(self._max_connections, self._verify)
            return await self._other.handle_async_request(request)
        if self._asyncio is None:
            self._asyncio = make_transport("auto", self._max_connections, self._verify, loop=True)
        return await self._asyncio.handle_async_request(request)

    def direct(self) -> AiohttpTransport | None:
        """The aiohttp transport when running on asyncio (else ``None``: send through httpx)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return None
        if self._asyncio is None:
            self._asyncio = make_transport("auto", self._max_connections, self._verify, loop=True)
        return self._asyncio if isinstance(self._asyncio, AiohttpTransport) else None

    async def aclose(self) -> None:
        for transport in (self._asyncio, self._other):
            if transport is not None:
                await transport.aclose()


def _httpx_transport(max_connections: int, verify: bool) -> httpx.AsyncHTTPTransport:
    return httpx.AsyncHTTPTransport(
        verify=verify,
        limits=httpx.Limits(
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=KEEPALIVE_EXPIRY,
        ),
    )


def _aiohttp_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("aiohttp") is not None


def make_transport(
    name: str, max_connections: int, verify: bool = True, *, loop: bool = False
) -> httpx.AsyncBaseTransport:
    """The transport called ``name`` (``auto``, ``aiohttp`` or ``httpx``) for a pool of
    ``max_connections`` kept-alive connections. ``loop``: already known to run on asyncio."""
    if name == "httpx":
        return _httpx_transport(max_connections, verify)
    if name == "aiohttp":
        if not _aiohttp_installed():
            raise ValueError("transport='aiohttp' needs aiohttp: pip install aiohttp")
        return AiohttpTransport(max_connections=max_connections, verify=verify)
    if name == "auto":
        if not loop:
            return AutoTransport(max_connections=max_connections, verify=verify)
        if _aiohttp_installed():
            return AiohttpTransport(max_connections=max_connections, verify=verify)
        return _httpx_transport(max_connections, verify)
    raise ValueError(f"transport must be one of {', '.join(TRANSPORTS)}, not {name!r}")
