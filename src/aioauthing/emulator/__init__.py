"""The local Authing V2 emulator: a real HTTP server speaking the V2 wire protocol.

* :func:`create_app` -- the ASGI application (use it in-process with ``httpx.ASGITransport`` or
  :class:`EmulatorTransport`);
* :class:`EmulatorServer` -- uvicorn on 127.0.0.1 in a background thread, for tests;
* ``aioauthing emulator`` -- the command line server.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .config import EmulatorConfig
    from .registry import Envelope, RestCall, resolver, rest_route
    from .server import EmulatorServer
    from .settings import EmulatorSettings
    from .transport import EmulatorTransport

# Names load on first use (PEP 562): importing a submodule such as ``pytest_plugin`` (which
# pytest does at start-up, with or without the ``emulator`` extra) must not import Starlette.
_EXPORTS: dict[str, str] = {
    "create_app": "app",
    "EmulatorConfig": "config",
    "Envelope": "registry",
    "RestCall": "registry",
    "resolver": "registry",
    "rest_route": "registry",
    "EmulatorServer": "server",
    "EmulatorSettings": "settings",
    "EmulatorTransport": "transport",
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aioauthing.emulator' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
