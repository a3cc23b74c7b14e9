"""Which pool a command talks to: flags, environment variables, or an in-process emulator."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import click

__all__ = ["ENV_HOST", "ENV_POOL", "ENV_SECRET", "Connection", "connection_options", "open_client"]

ENV_HOST = "AUTHING_HOST"
ENV_POOL = "AUTHING_USERPOOL_ID"
ENV_SECRET = "AUTHING_USERPOOL_SECRET"

F = TypeVar("F", bound=Callable[..., Any])


@dataclasses.dataclass(slots=True)
class Connection:
    host: str | None = None
    user_pool_id: str | None = None
    secret: str | None = dataclasses.field(default=None, repr=False)
    emulator: bool = False
    public_key: str | None = None
    http_client: Any = None

    def merged(self, **overrides: Any) -> Connection:
        """A copy where every given (truthy) override wins."""
        return dataclasses.replace(self, **{k: v for k, v in overrides.items() if v})


def connection_options(*, envvars: bool) -> Callable[[F], F]:
    """``--host``, ``--user-pool-id``, ``--secret``, ``--emulator`` (env vars on the group only)."""

    def env(name: str) -> dict[str, Any]:
        return {"envvar": name, "show_envvar": True} if envvars else {}

    def decorate(fn: F) -> F:
        for option in reversed(
            [
                click.option("--host", default=None, help="API host.", **env(ENV_HOST)),
                click.option("--user-pool-id", default=None, help="Pool id.", **env(ENV_POOL)),
                click.option("--secret", default=None, help="Pool secret.", **env(ENV_SECRET)),
                click.option(
                    "--emulator", is_flag=True, help="Use a fresh in-process emulator pool."
                ),
            ]
        ):
            fn = option(fn)
        return fn

    return decorate


@contextlib.asynccontextmanager
async def open_client(conn: Connection) -> AsyncIterator[Any]:
    """A ``ManagementClient`` for ``conn`` (``conn.emulator``: a fresh in-process emulator)."""
    from aioauthing import ManagementClient

    if conn.emulator:
        import httpx

        from aioauthing.emulator.app import create_app
        from aioauthing.emulator.config import EmulatorConfig
        from aioauthing.emulator.transport import EmulatorTransport

        base = "http://emulator"
        app = create_app(EmulatorConfig(public_url=base))
        settings = app.state.emulator.settings(base)
        async with (
            httpx.AsyncClient(transport=EmulatorTransport(app), base_url=base) as http,
            ManagementClient(
                settings["user_pool_id"],
                settings["secret"],
                host=base,
                public_key=settings["public_key"],
                http_client=http,
            ) as client,
        ):
            yield client
        return
    if not (conn.host and conn.user_pool_id and conn.secret):
        raise click.UsageError(
            f"give --host/--user-pool-id/--secret (or {ENV_HOST}, {ENV_POOL}, {ENV_SECRET}) "
            "or --emulator"
        )
    async with ManagementClient(
        conn.user_pool_id,
        conn.secret,
        host=conn.host,
        public_key=conn.public_key,
        http_client=conn.http_client,
    ) as client:
        yield client
