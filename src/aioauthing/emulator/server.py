"""``EmulatorServer``: the emulator on a real socket (uvicorn in a background thread)."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn
from starlette.applications import Starlette

from .app import EmulatorRuntime, create_app
from .config import EmulatorConfig
from .protocol import closing_protocol

__all__ = ["EmulatorServer", "bind_socket", "uvicorn_server"]


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket (``port=0`` picks a free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP;
    # with proto 0 every response waits ~40 ms on Nagle + delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    # listening now: a client reading the settings line connects before uvicorn serves (queued
    # in the backlog) instead of being refused while the server starts (seen under load)
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


KEEP_ALIVE_SECONDS = 15
"""How long an idle client connection stays open. uvicorn's own 5 s left the SDK's 4 s pool
expiry (``runtime.transport.KEEPALIVE_EXPIRY``) a 1 s margin, which a loaded machine eats: the
client then reuses a connection the server is closing and a mutation fails unretried."""


def uvicorn_server(app: Starlette, *, log_level: str = "warning") -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        http=closing_protocol(),
        lifespan="off",
        log_level=log_level,
        access_log=False,
        timeout_graceful_shutdown=2,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    return uvicorn.Server(config)


class EmulatorServer:
    """Run the emulator on ``127.0.0.1`` and a free port in a thread::

    with EmulatorServer() as server:
        httpx.get(f"{server.url}/__emulator__/settings")
    """

    def __init__(
        self, config: EmulatorConfig | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.config = dataclasses.replace(config or EmulatorConfig(), host=host, port=port)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.app: Starlette | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321``."""
        return self.config.base_url

    @property
    def runtime(self) -> EmulatorRuntime:
        assert self.app is not None, "server not started"
        runtime: EmulatorRuntime = self.app.state.emulator
        return runtime

    def settings(self) -> dict[str, Any]:
        """Settings of the default pool (same as ``GET /__emulator__/settings``)."""
        return self.runtime.settings(self.url)

    def start(self) -> EmulatorServer:
        sock = bind_socket(self.config.host, self.config.port)
        self.config.port = sock.getsockname()[1]
        self.config.public_url = None
        self.app = create_app(self.config)
        self._server = uvicorn_server(self.app)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name="aioauthing-emulator",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + 60  # generous: a loaded machine starts uvicorn slowly
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("emulator server failed to start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        if self.app is not None:
            backend = self.runtime.state.backend
            if backend is not None:
                backend.close()
        self._server = None
        self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
