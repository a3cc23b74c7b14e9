"""uvicorn's h11 protocol, extended to close a connection instead of sending a marked response.

The app marks a response with :data:`~aioauthing.emulator.middleware.CLOSE_HEADER` to simulate a
dropped or lost answer. uvicorn writes the status line and headers of a response in one
``transport.write`` call, so a thin transport wrapper can spot the marker there, close the socket
(already written responses on the keep-alive connection are still flushed) and swallow the rest.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from .middleware import CLOSE_HEADER

__all__ = ["ClosingH11Protocol"]

_MARKER = b"\r\n" + CLOSE_HEADER + b":"


class _ClosingTransport:
    """Delegates to the real transport; closes it when a response head carries the marker."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._closed:
            return
        chunk = bytes(data)
        if chunk.startswith(b"HTTP/1.") and _MARKER in chunk.lower():
            self._closed = True
            self._transport.close()
            return
        self._transport.write(data)

    def is_closing(self) -> bool:
        return self._closed or self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class ClosingH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_ClosingTransport(transport))  # type: ignore[arg-type]
