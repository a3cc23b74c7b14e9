"""The ``aioauthing`` command line (a click group; subcommands register on :data:`main`).

``users`` and ``demo`` load when they are called (:class:`LazyGroup`), so ``aioauthing emulator``
runs with the ``[emulator]`` extra alone; a command whose extra is missing says which to install.
"""

from __future__ import annotations

import importlib
import json
import traceback
from pathlib import Path
from typing import Any

import click

__all__ = ["JobError", "LazyGroup", "main", "missing_extra"]

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


def missing_extra(what: str, extra: str, exc: ImportError) -> click.ClickException:
    """The one-line error of a command whose optional dependencies are not installed (an
    import error inside aioauthing itself is a bug, raised as it is)."""
    module = exc.name or str(exc)
    if module.split(".")[0] == "aioauthing":
        raise exc
    return click.ClickException(
        f"{what} needs aioauthing[{extra}]: pip install 'aioauthing[{extra}]' "
        f"(missing module {module!r})"
    )


class JobError(click.ClickException):
    """The job cannot run (host unreachable, secret rejected, ...): one line, exit code 2."""

    exit_code = 2


def _single(exc: BaseException) -> BaseException:
    """The one error inside (nested) single-member exception groups."""
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


def plain_error(exc: BaseException) -> click.ClickException | None:
    """The one-line ``Error:`` for a failure a user can fix, or ``None`` (a real bug)."""
    from aioauthing.runtime.errors import AuthingError, AuthingValidationError

    exc = _single(exc)
    if isinstance(exc, click.ClickException):
        return exc
    if isinstance(exc, AuthingValidationError):
        return click.ClickException(str(exc))
    if isinstance(exc, AuthingError):
        return JobError(str(exc))
    from aioauthing.cli.importer import InvalidCheckpointError

    if isinstance(exc, InvalidCheckpointError):
        return click.ClickException(str(exc))
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return click.ClickException(f"{exc.strerror or exc}{where}")
    return None


class LazyGroup(click.Group):
    """A group whose ``lazy`` subcommands (``name -> (module:attribute, extra)``) import on use."""

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        target, extra = self.lazy[cmd_name]
        module, _, attribute = target.partition(":")
        try:
            command = getattr(importlib.import_module(module), attribute)
        except ImportError as exc:
            error = missing_extra(f"aioauthing {cmd_name}", extra, exc)

            @click.command(
                cmd_name,
                context_settings={"ignore_unknown_options": True, **CONTEXT_SETTINGS},
                help=f"(needs: pip install 'aioauthing[{extra}]')",
                add_help_option=False,
            )
            @click.argument("args", nargs=-1, type=click.UNPROCESSED)
            def unavailable(args: tuple[str, ...]) -> None:
                raise error

            return unavailable
        assert isinstance(command, click.Command)
        self.add_command(command, cmd_name)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        """User mistakes and refused jobs end in one ``Error:`` line; ``--debug`` shows the
        traceback instead."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            if ctx.find_root().meta.get("aioauthing.debug"):
                if isinstance(exc, click.ClickException) and exc.__cause__ is not None:
                    traceback.print_exception(exc.__cause__)
                raise
            plain = plain_error(exc)
            if plain is None or plain is exc:
                raise
            raise plain from None


def _debug(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta["aioauthing.debug"] = value
    return value


@click.group(
    cls=LazyGroup,
    context_settings=CONTEXT_SETTINGS,
    lazy={
        "users": ("aioauthing.cli.users:users", "cli"),
        "demo": ("aioauthing.cli.demo:demo", "cli,emulator"),
    },
)
@click.version_option(package_name="aioauthing", message="%(prog)s %(version)s")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_debug,
    help="Show the traceback of an error instead of its one line.",
)
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
    "--port",
    default=8800,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0 = any free port; exec: 0).",
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
    'and rules "OPERATION:FAULT[xCOUNT]", e.g. "createUser:503x3" (the next 3 createUser calls); quota=150/s is a '
    "pool-wide budget.",
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
@click.option(
    "--allow-host",
    multiple=True,
    help="Answer this Host name too (besides loopback names and --host); repeatable.",
)
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug", "trace"]),
    default="warning",
    show_default=True,
)
@click.option(
    "--print-env",
    is_flag=True,
    help="Print the settings as AUTHING_* shell exports instead of the JSON line.",
)
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
    allow_host: tuple[str, ...],
    log_level: str,
    print_env: bool,
) -> None:
    """Run the local Authing V2 emulator.

    Prints one JSON line with the default pool's settings (host, user_pool_id, secret, app_id,
    app_secret, public_key) on stdout and a short banner on stderr, then serves until Ctrl-C.
    """
    try:
        from aioauthing.cli import emulator_run
        from aioauthing.emulator.app import create_app
        from aioauthing.emulator.config import EmulatorConfig
        from aioauthing.emulator.directory_config import load_directory
        from aioauthing.emulator.faults import split_fault_text
        from aioauthing.emulator.persistence import DataFileError
        from aioauthing.emulator.server import bind_socket
    except ImportError as exc:
        raise missing_extra("aioauthing emulator", "emulator", exc) from None

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
    try:
        sock = bind_socket(host, port)
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        ) from None
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
        allowed_hosts=allow_host,
    )
    try:
        app = create_app(config)
    except DataFileError as exc:
        sock.close()
        raise click.ClickException(str(exc)) from None
    if import_data is not None and import_path is not None:
        emulator_run.import_state(app, import_data, import_path)
    settings = app.state.emulator.settings()
    if print_env:
        from aioauthing.runtime.env import shell_exports

        click.echo(shell_exports({**settings, "app_host": settings["host"]}))
    else:
        click.echo(json.dumps(settings, ensure_ascii=False), nl=True)
    pools = len(app.state.emulator.state.pools)
    click.echo(emulator_run.banner(settings, pools=pools), err=True)
    emulator_run.serve_foreground(app, sock, log_level=log_level, export_path=export_path)
