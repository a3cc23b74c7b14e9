"""The local Authing V2 emulator: a real HTTP server speaking the V2 wire protocol.

* :func:`create_app` -- the ASGI application (use it in-process with ``httpx.ASGITransport`` or
  :class:`EmulatorTransport`);
* :class:`EmulatorServer` -- uvicorn on 127.0.0.1 in a background thread, for tests;
* ``aioauthing emulator`` -- the command line server.
"""

from __future__ import annotations

from .app import create_app
from .config import EmulatorConfig
from .registry import Envelope, RestCall, resolver, rest_route
from .server import EmulatorServer
from .settings import EmulatorSettings
from .transport import EmulatorTransport

__all__ = [
    "EmulatorConfig",
    "EmulatorServer",
    "EmulatorSettings",
    "EmulatorTransport",
    "Envelope",
    "RestCall",
    "create_app",
    "resolver",
    "rest_route",
]
