from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """End-to-end tests run on asyncio and trio."""
    return str(request.param)


@pytest.fixture(scope="session")
def fleet_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real redis-server for the fleet tests (``redis://127.0.0.1:PORT/0``)."""
    from fleet_helpers import redis_server

    with redis_server(tmp_path_factory.mktemp("fleet-redis")) as url:
        yield url
