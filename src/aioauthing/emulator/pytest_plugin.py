"""pytest plugin (entry point ``pytest11: aioauthing``): emulator fixtures.

* ``authing_emulator`` -- session-scoped :class:`~aioauthing.emulator.server.EmulatorServer`
  on a real socket (``.url``);
* ``authing_emulator_app`` -- session-scoped in-process ASGI app (use with
  :class:`~aioauthing.emulator.transport.EmulatorTransport`);
* ``authing_pool`` -- a fresh, isolated user pool on ``authing_emulator`` for each test, as
  :class:`~aioauthing.emulator.settings.EmulatorSettings`.

Fixtures are synchronous, so they work the same under anyio on asyncio and on trio. Loading the
plugin imports only pytest and this module (``aioauthing.emulator`` loads its names lazily):
installing aioauthing without the ``emulator`` extra does not break pytest, and a fixture that
needs the extra fails with one line saying ``install aioauthing[emulator]``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .server import EmulatorServer
    from .settings import EmulatorSettings

__all__ = [
    "authing_client",
    "authing_emulator",
    "authing_emulator_app",
    "authing_management_client",
    "authing_pool",
]

_SEED_ENV = "AIOAUTHING_EMULATOR_SEED"
_DIRECTORY_ENV = "AIOAUTHING_EMULATOR_DIRECTORY"
"""Path of an LDAP / AD directory file (as ``aioauthing emulator --directory``)."""


_EXTRA_MODULES = ("starlette", "uvicorn", "graphql")
"""What the ``emulator`` extra installs (the fixtures import them)."""


def _require_emulator_extra(fixture: str) -> None:
    """Fail the test with one line when the ``emulator`` extra is not installed."""
    import importlib

    missing = []
    for module in _EXTRA_MODULES:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if missing:
        pytest.fail(
            f"the {fixture} fixture needs the emulator: install aioauthing[emulator] "
            f"(pip install 'aioauthing[emulator]'; missing: {', '.join(missing)})",
            pytrace=False,
        )


def _config() -> Any:
    from pathlib import Path

    from .config import EmulatorConfig
    from .directory_config import load_directory

    seed = os.environ.get(_SEED_ENV)
    directory = os.environ.get(_DIRECTORY_ENV)
    return EmulatorConfig(
        seed=int(seed) if seed else None,
        directory=load_directory(Path(directory)) if directory else (),
    )


@pytest.fixture(scope="session")
def authing_emulator() -> Iterator[EmulatorServer]:
    """The emulator served on 127.0.0.1 (free port) for the whole session."""
    _require_emulator_extra("authing_emulator")
    from .server import EmulatorServer

    with EmulatorServer(_config()) as server:
        yield server


@pytest.fixture(scope="session")
def authing_emulator_app() -> Any:
    """An in-process emulator app (Starlette) shared by the session."""
    _require_emulator_extra("authing_emulator_app")
    from .app import create_app

    return create_app(_config())


@pytest.fixture
def authing_pool(authing_emulator: EmulatorServer) -> EmulatorSettings:
    """A fresh user pool on the session emulator: its host, ids, secrets and public key."""
    import httpx

    from .settings import EmulatorSettings

    response = httpx.post(f"{authing_emulator.url}/__emulator__/pools", json={}, timeout=60)
    response.raise_for_status()
    return EmulatorSettings.from_dict(response.json())


@pytest.fixture
async def authing_management_client(authing_pool: EmulatorSettings, anyio_backend: Any) -> Any:
    """A strict ``ManagementClient`` for the test's fresh pool (use with ``@pytest.mark.anyio``)."""
    from aioauthing.runtime.clients import ManagementClient

    async with ManagementClient(
        authing_pool.user_pool_id,
        authing_pool.secret,
        host=authing_pool.host,
        public_key=authing_pool.public_key,
        strict=True,
    ) as client:
        yield client


@pytest.fixture
async def authing_client(authing_pool: EmulatorSettings, anyio_backend: Any) -> Any:
    """A strict ``AuthenticationClient`` for the test's fresh pool (use with ``@pytest.mark.anyio``)."""
    from aioauthing.runtime.clients import AuthenticationClient

    async with AuthenticationClient(
        authing_pool.app_id,
        host=authing_pool.host,
        user_pool_id=authing_pool.user_pool_id,
        app_secret=authing_pool.app_secret,
        public_key=authing_pool.public_key,
        strict=True,
    ) as client:
        yield client
