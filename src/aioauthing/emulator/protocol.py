"""uvicorn's HTTP protocols (httptools when installed, else h11) with two changes to the
transport they write to.

* **Close instead of answering.** The app marks a response with
  :data:`~aioauthing.emulator.middleware.CLOSE_HEADER` to simulate a dropped or lost answer.
  Both protocols write the status line and headers of a response in one ``transport.write``, so the
  wrapper spots the marker there, closes the socket (responses already written on the keep-alive
  connection are still flushed) and swallows the rest.
* **One write per response.** uvicorn writes the head and the body of a response separately; on a ``TCP_NODELAY`` socket each becomes its own segment and system call. The
  wrapper gathers the writes made in one event-loop step and sends them together.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from .middleware import CLOSE_HEADER

__all__ = ["ClosingH11Protocol", "closing_protocol"]

_MARKER = b"\r\n" + CLOSE_HEADER + b":"


class _ClosingTransport:
    """Delegates to the real transport; coalesces writes; closes on a marked response head."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._closed = False
        self._pending: list[bytes] = []
        self._loop = asyncio.get_running_loop()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._closed:
            return
        chunk = bytes(data)
        if chunk.startswith(b"HTTP/1.") and _MARKER in chunk.lower():
            self._closed = True
            self._flush()
            self._transport.close()
            return
        if not chunk:
            return
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(chunk)

    def _flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            if not self._transport.is_closing():
                self._transport.write(data)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def get_write_buffer_size(self) -> int:
        return sum(map(len, self._pending)) + self._transport.get_write_buffer_size()

    def is_closing(self) -> bool:
        return self._closed or self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class ClosingH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_ClosingTransport(transport))  # type: ignore[arg-type]


_PREFERRED: type[asyncio.Protocol] = ClosingH11Protocol
try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is not installed: h11 it is
    pass
else:

    class ClosingHttpToolsProtocol(HttpToolsProtocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(_ClosingTransport(transport))  # type: ignore[arg-type]

    _PREFERRED = ClosingHttpToolsProtocol


def closing_protocol() -> type[asyncio.Protocol]:
    """The protocol to serve with: httptools' (a C parser, much cheaper per request) when
    installed, else h11's."""
    return _PREFERRED
