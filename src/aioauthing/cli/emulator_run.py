"""Running the emulator from the command line: in the foreground (banner, quiet Ctrl-C), or
around a command (``aioauthing emulator exec -- CMD``), with state loaded at start
(``--import``) and saved when it stops (``--export-on-exit``)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Generator, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import click
import uvicorn
from starlette.applications import Starlette

from aioauthing.runtime.env import SETTINGS_KEYS

__all__ = [
    "banner",
    "environment",
    "read_state_file",
    "run_exec",
    "serve_foreground",
    "write_state_file",
]

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def environment(settings: Mapping[str, Any]) -> dict[str, str]:
    """The ``AUTHING_*`` variables (:data:`aioauthing.runtime.env.SETTINGS_KEYS`) that point the
    CLI and ``from_env()`` clients at a pool (``AUTHING_APP_HOST`` is the emulator too)."""
    values = {**settings, "app_host": settings["host"]}
    return {name: str(values[key]) for key, name in SETTINGS_KEYS.items()}


def banner(settings: Mapping[str, Any], *, pools: int = 1) -> str:
    """The short human greeting printed on stderr (the JSON settings line stays on stdout)."""
    url = str(settings["host"])
    extra = f" (+{pools - 1} more)" if pools > 1 else ""
    return "\n".join(
        [
            f"aioauthing emulator listening on {url}",
            f"  pool      {settings['user_pool_id']}{extra}  app {settings['app_id']}",
            f"  admin API {url}/__emulator__/settings  (pools, outbox, requests, faults, state)",
            f"  web UI    {url}/__emulator__/ui",
            "  Ctrl-C to stop",
        ]
    )


def read_state_file(path: Path) -> dict[str, Any]:
    """A state export (``GET /__emulator__/state``) read from ``path``; one-line errors."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise click.BadParameter(
            f"cannot read {path}: {exc.strerror}", param_hint="--import"
        ) from None
    except ValueError as exc:
        raise click.BadParameter(f"{path} is not JSON ({exc})", param_hint="--import") from None
    if not isinstance(data, dict) or data.get("version") != 1 or "pools" not in data:
        raise click.BadParameter(
            f"{path} is not an emulator state export (version 1)", param_hint="--import"
        )
    return data


def import_state(app: Starlette, data: dict[str, Any], path: Path) -> None:
    runtime = app.state.emulator
    try:
        runtime.state.import_(data)
    except Exception as exc:  # a hand-edited file: say which, not a traceback
        raise click.BadParameter(
            f"{path} could not be loaded: {exc}", param_hint="--import"
        ) from None
    runtime.refresh_keys()


def write_state_file(app: Starlette, path: Path) -> None:
    """Write the whole state to ``path`` atomically, readable by the owner only (it holds
    pool secrets and password hashes)."""
    data = app.state.emulator.state.export()
    path = path.expanduser()
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _export(app: Starlette, path: Path | None) -> None:
    if path is None:
        return
    try:
        write_state_file(app, path)
    except OSError as exc:
        click.echo(f"Error: could not write {path}: {exc.strerror or exc}", err=True)
        raise SystemExit(1) from None
    click.echo(f"state exported to {path}", err=True)


class _QuietServer(uvicorn.Server):
    """uvicorn that stops on SIGINT / SIGTERM without re-raising the signal afterwards, so the
    CLI can save its state and exit 0 instead of dying with a traceback or status 130/143."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in _STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def serve_foreground(
    app: Starlette, sock: socket.socket, *, log_level: str, export_path: Path | None
) -> None:
    """Serve until SIGINT / SIGTERM, then write the export (if asked) and return."""
    from aioauthing.emulator.server import uvicorn_server

    server = _QuietServer(uvicorn_server(app, log_level=log_level).config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # a second Ctrl-C during shutdown
        pass
    finally:
        backend = app.state.emulator.state.backend
        _export(app, export_path)
        if backend is not None:
            backend.close()


def _exit_status(returncode: int) -> int:
    """A child's status as a shell reports it (killed by signal N: 128 + N)."""
    return 128 - returncode if returncode < 0 else returncode


def _in_foreground() -> bool:
    """Whether we run in the terminal's foreground group (Ctrl-C then reaches CMD directly)."""
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        return False


def run_exec(
    config: Any,
    command: Sequence[str],
    *,
    import_data: dict[str, Any] | None,
    import_path: Path | None,
    export_path: Path | None,
) -> int:
    """Start an emulator, run ``command`` with the ``AUTHING_*`` variables of its default
    pool, stop the emulator (saving the export), and return the command's exit status."""
    from aioauthing.emulator.server import EmulatorServer

    executable = shutil.which(command[0])
    if executable is None:
        click.echo(f"Error: command not found: {command[0]}", err=True)
        return 127
    server = EmulatorServer(config, host=config.host, port=config.port)
    try:
        server.start()
    except OSError as exc:
        click.echo(f"Error: cannot listen on {config.host}:{config.port}: {exc.strerror}", err=True)
        return 2
    child: subprocess.Popen[bytes] | None = None
    stopping: list[int] = []

    def on_signal(sig: int, frame: FrameType | None) -> None:
        stopping.append(sig)
        if child is None or child.poll() is not None:
            return
        if sig == signal.SIGINT and _in_foreground():
            return  # the terminal sent Ctrl-C to CMD too; let it finish on its own
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(sig)

    previous = {sig: signal.signal(sig, on_signal) for sig in _STOP_SIGNALS}
    try:
        assert server.app is not None
        if import_data is not None:
            assert import_path is not None
            import_state(server.app, import_data, import_path)
        settings = server.settings()
        env = {**os.environ, **environment(settings)}
        click.echo(
            f"aioauthing emulator on {server.url} (pool {settings['user_pool_id']}, "
            f"web UI {server.url}/__emulator__/ui) for: {' '.join(command)}",
            err=True,
        )
        try:
            child = subprocess.Popen([executable, *command[1:]], env=env)
        except OSError as exc:
            click.echo(f"Error: cannot run {command[0]}: {exc.strerror}", err=True)
            return 126
        if stopping:  # a signal arrived while the child was being started
            child.send_signal(stopping[0])
        while True:
            try:
                returncode = child.wait()
                break
            except KeyboardInterrupt:  # pragma: no cover - only without our handler
                continue
        return _exit_status(returncode)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        app = server.app
        server.stop()
        if app is not None:
            _export(app, export_path)
