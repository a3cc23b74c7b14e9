"""In-process httpx transport: the emulator app without sockets, drops surfaced as errors."""

from __future__ import annotations

import httpx
from starlette.types import ASGIApp

from .middleware import CLOSE_HEADER

__all__ = ["EmulatorTransport"]

_HEADER = CLOSE_HEADER.decode()


class EmulatorTransport(httpx.AsyncBaseTransport):
    """Like ``httpx.ASGITransport``; an injected ``drop``/``lost`` raises ``RemoteProtocolError``."""

    def __init__(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if _HEADER in response.headers:
            await response.aclose()
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
