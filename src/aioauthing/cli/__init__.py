"""The ``aioauthing`` command line (a plain click group; subcommands register on :data:`main`)."""

from __future__ import annotations

import json
from pathlib import Path

import click

__all__ = ["main"]


@click.group()
@click.version_option(package_name="aioauthing", message="%(prog)s %(version)s")
def main() -> None:
    """aioauthing: tools for the Authing V2 API and its local emulator."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8800, show_default=True, type=int, help="Port (0 = any free port).")
@click.option(
    "--data",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file: persist state write-through (default: in memory).",
)
@click.option("--seed", type=int, default=None, help="Deterministic ids, credentials and faults.")
@click.option(
    "--faults",
    default="",
    help='Fault spec, e.g. "429=0.05,503=0.05,500=0.01,502=0.01,drop=0.01,lost=0.01,latency=20ms"; quota=150/s is a pool-wide budget.',
)
@click.option("--fixed-code", default=None, help="Every SMS / email verification code is this.")
@click.option(
    "--schema",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Serve this SDL instead of the generated schema (development).",
)
@click.option(
    "--directory",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help='LDAP / AD users of every pool: JSON or YAML {"ldap": [{username, password, profile}], "ad": [...]}.',
)
@click.option("--log-level", default="warning", show_default=True)
def emulator(
    host: str,
    port: int,
    data: Path | None,
    seed: int | None,
    faults: str,
    fixed_code: str | None,
    schema: Path | None,
    directory: Path | None,
    log_level: str,
) -> None:
    """Run the local Authing V2 emulator.

    Prints one JSON line with the default pool's settings (host, user_pool_id, secret, app_id,
    app_secret, public_key), then serves until interrupted.
    """
    from aioauthing.emulator.app import create_app
    from aioauthing.emulator.config import EmulatorConfig
    from aioauthing.emulator.directory_config import load_directory
    from aioauthing.emulator.faults import parse_faults
    from aioauthing.emulator.server import bind_socket, uvicorn_server

    try:
        parse_faults(faults)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--faults") from exc
    try:
        directory_users = load_directory(directory) if directory else ()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--directory") from exc
    sock = bind_socket(host, port)
    actual_port = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    config = EmulatorConfig(
        host=host,
        port=actual_port,
        data_path=data,
        seed=seed,
        faults=faults,
        fixed_code=fixed_code,
        schema_path=schema,
        directory=directory_users,
        public_url=f"http://{shown_host}:{actual_port}",
    )
    app = create_app(config)
    click.echo(json.dumps(app.state.emulator.settings(), ensure_ascii=False), nl=True)
    server = uvicorn_server(app, log_level=log_level)
    server.run(sockets=[sock])


def _register() -> None:
    from aioauthing.cli.demo import demo
    from aioauthing.cli.users import users

    main.add_command(users)
    main.add_command(demo)


_register()
