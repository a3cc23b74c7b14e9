"""Which pool a command talks to: flags, environment variables, or an in-process emulator."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = [
    "ENV_HOST",
    "ENV_POOL",
    "ENV_PUBLIC_KEY",
    "ENV_SECRET",
    "Connection",
    "connection_options",
    "open_client",
]

from aioauthing.runtime.env import ENV_HOST, ENV_PUBLIC_KEY
from aioauthing.runtime.env import ENV_USERPOOL_ID as ENV_POOL
from aioauthing.runtime.env import ENV_USERPOOL_SECRET as ENV_SECRET

F = TypeVar("F", bound=Callable[..., Any])


@dataclasses.dataclass(slots=True)
class Connection:
    host: str | None = None
    user_pool_id: str | None = None
    secret: str | None = dataclasses.field(default=None, repr=False)
    emulator: bool = False
    public_key: str | None = None
    http_client: Any = None
    redis_url: str | None = dataclasses.field(default=None, repr=False)
    """``--redis``: share the management token (and the ``rate_limit`` budget) through Redis."""
    rate_limit: float | None = None
    """``--rate-limit``: requests per second (the fleet's with ``redis_url``)."""

    def merged(self, **overrides: Any) -> Connection:
        """A copy where every given (truthy) override wins."""
        return dataclasses.replace(self, **{k: v for k, v in overrides.items() if v})


def _read_pem(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--public-key``: PEM text as is, anything else is a file holding it."""
    if not value or "-----BEGIN" in value:
        return value
    try:
        return Path(value).read_text(encoding="utf-8")
    except OSError as exc:
        raise click.BadParameter(f"not PEM text and not a readable file: {exc}") from exc


def connection_options(*, envvars: bool) -> Callable[[F], F]:
    """``--host``, ``--user-pool-id``, ``--secret``, ``--public-key``, ``--emulator``.

    Environment variables are read on the group only, so a subcommand's flag wins over them.
    """

    def env(name: str) -> dict[str, Any]:
        return {"envvar": name, "show_envvar": True} if envvars else {}

    def decorate(fn: F) -> F:
        for option in reversed(
            [
                click.option("--host", default=None, help="API host.", **env(ENV_HOST)),
                click.option("--user-pool-id", default=None, help="Pool id.", **env(ENV_POOL)),
                click.option("--secret", default=None, help="Pool secret.", **env(ENV_SECRET)),
                click.option(
                    "--public-key",
                    default=None,
                    help="PEM text or file of the key passwords are encrypted with (private "
                    "deployments, emulators; default: Authing's).",
                    callback=_read_pem,
                    **env(ENV_PUBLIC_KEY),
                ),
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

        try:
            from aioauthing.emulator.app import create_app
            from aioauthing.emulator.config import EmulatorConfig
            from aioauthing.emulator.transport import EmulatorTransport
        except ImportError as exc:
            from aioauthing.cli import missing_extra

            raise missing_extra("--emulator", "emulator", exc) from None

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
                rate_limit=conn.rate_limit,
            ) as client,
        ):
            yield client
        return
    if not (conn.host and conn.user_pool_id and conn.secret):
        raise click.UsageError(
            f"give --host/--user-pool-id/--secret (or {ENV_HOST}, {ENV_POOL}, {ENV_SECRET}) "
            "or --emulator"
        )
    from aioauthing import AuthingValidationError

    async with contextlib.AsyncExitStack() as stack:
        shared = await stack.enter_async_context(_fleet(conn, conn.user_pool_id))
        try:
            client = ManagementClient(
                conn.user_pool_id,
                conn.secret,
                host=conn.host,
                public_key=conn.public_key,
                http_client=conn.http_client,
                **shared,
            )
        except AuthingValidationError as exc:
            hint = {"host": f"--host / {ENV_HOST}"}.get(exc.parameter, exc.parameter)
            raise click.BadParameter(exc.problem, param_hint=hint) from None
        await stack.enter_async_context(client)
        await check_access(client, conn)
        yield client


async def check_access(client: Any, conn: Connection) -> None:
    """Fetch the management token before any work: an unreachable host or a rejected secret
    stops the job at once (:class:`~aioauthing.cli.JobError`, exit code 2) with one line."""
    from aioauthing import (
        AuthingError,
        NotFoundError,
        RateLimitedError,
        ServerError,
        TransportError,
    )
    from aioauthing.cli import JobError

    try:
        await client.token_manager.get_token()
    except TransportError as exc:
        raise JobError(f"cannot reach {conn.host} ({ENV_HOST} / --host): {exc.message}") from exc
    except (ServerError, RateLimitedError) as exc:
        raise JobError(f"{conn.host} could not issue a management token: {exc}") from exc
    except NotFoundError as exc:
        raise JobError(
            f"user pool {conn.user_pool_id!r} was not found on {conn.host} "
            f"({ENV_POOL} / --user-pool-id): {exc}"
        ) from exc
    except AuthingError as exc:
        raise JobError(
            f"{conn.host} rejected the user pool secret ({ENV_SECRET} / --secret): {exc}"
        ) from exc


@contextlib.asynccontextmanager
async def _fleet(conn: Connection, pool_id: str) -> AsyncIterator[dict[str, Any]]:
    """``token_store`` / ``limiter`` / ``rate_limit`` keyword arguments for ``--redis``."""
    if not conn.redis_url:
        yield {"rate_limit": conn.rate_limit}
        return
    from aioauthing.runtime.redis_limiter import RedisRateLimiter
    from aioauthing.runtime.redis_store import RedisTokenStore

    try:
        store = RedisTokenStore(conn.redis_url)
        limiter = (
            RedisRateLimiter(conn.redis_url, rate=conn.rate_limit, pool_id=pool_id)
            if conn.rate_limit
            else None
        )
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        from aioauthing.cli import missing_extra

        raise missing_extra("--redis", "redis", exc) from None
    try:
        yield {"token_store": store, "limiter": limiter}
    finally:
        if limiter is not None:
            await limiter.aclose()
        await store.aclose()
