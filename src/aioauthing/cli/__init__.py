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


@main.command(
    epilog="With 'exec -- CMD ARGS...': start on a free port, run CMD with AUTHING_HOST, "
    "AUTHING_APP_ID, AUTHING_APP_SECRET, AUTHING_USERPOOL_ID, AUTHING_USERPOOL_SECRET and "
    "AUTHING_PUBLIC_KEY set, stop when it ends, and exit with its status.",
)
@click.argument("exec_command", nargs=-1, type=click.UNPROCESSED, metavar="[exec -- CMD ARGS...]")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", default=8800, show_default=True, type=int, help="Port (0 = any free port; exec: 0)."
)
@click.option(
    "--import",
    "import_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Load this state export (GET /__emulator__/state, --export-on-exit) at start.",
)
@click.option(
    "--export-on-exit",
    "export_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the whole state to this file when the emulator stops (mode 0600).",
)
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
    help='Fault rates, e.g. "429=0.05,503=0.05,500=0.01,502=0.01,drop=0.01,lost=0.01,latency=20ms", '
    'and rules "OPERATION:FAULT[xCOUNT]", e.g. "createUser:503x3" (the next 3 createUser calls).',
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
    exec_command: tuple[str, ...],
    host: str,
    port: int,
    import_path: Path | None,
    export_path: Path | None,
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
    app_secret, public_key) on stdout and a short banner on stderr, then serves until Ctrl-C.
    """
    from aioauthing.cli import emulator_run
    from aioauthing.emulator.app import create_app
    from aioauthing.emulator.config import EmulatorConfig
    from aioauthing.emulator.directory_config import load_directory
    from aioauthing.emulator.faults import split_fault_text
    from aioauthing.emulator.server import bind_socket

    if exec_command and exec_command[0] != "exec":
        raise click.UsageError(
            f"unexpected argument {exec_command[0]!r} (did you mean 'exec -- CMD'?)"
        )
    if exec_command and len(exec_command) < 2:
        raise click.UsageError("exec needs a command: aioauthing emulator exec -- CMD ARGS...")
    try:
        split_fault_text(faults)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--faults") from exc
    import_data = emulator_run.read_state_file(import_path) if import_path else None
    try:
        directory_users = load_directory(directory) if directory else ()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--directory") from exc
    if exec_command:
        source = click.get_current_context().get_parameter_source("port")
        exec_config = EmulatorConfig(
            host=host,
            port=0 if source is click.core.ParameterSource.DEFAULT else port,
            data_path=data,
            seed=seed,
            faults=faults,
            fixed_code=fixed_code,
            schema_path=schema,
            directory=directory_users,
        )
        status = emulator_run.run_exec(
            exec_config,
            exec_command[1:],
            import_data=import_data,
            import_path=import_path,
            export_path=export_path,
        )
        raise SystemExit(status)
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
    if import_data is not None and import_path is not None:
        emulator_run.import_state(app, import_data, import_path)
    settings = app.state.emulator.settings()
    click.echo(json.dumps(settings, ensure_ascii=False), nl=True)
    pools = len(app.state.emulator.state.pools)
    click.echo(emulator_run.banner(settings, pools=pools), err=True)
    emulator_run.serve_foreground(app, sock, log_level=log_level, export_path=export_path)


def _register() -> None:
    from aioauthing.cli.demo import demo
    from aioauthing.cli.users import users

    main.add_command(users)
    main.add_command(demo)


_register()
