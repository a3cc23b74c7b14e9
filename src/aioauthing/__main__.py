"""``python -m aioauthing`` and the ``aioauthing`` command.

Without click (the base package) the command says which extra to install instead of a traceback.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    try:
        import click  # noqa: F401
    except ImportError:
        sys.stderr.write(
            "Error: the aioauthing command needs an extra: pip install 'aioauthing[cli]' "
            "(bulk jobs) or 'aioauthing[emulator]' (the emulator)\n"
        )
        raise SystemExit(1) from None
    from aioauthing.cli import main as cli

    cli(prog_name="aioauthing")


if __name__ == "__main__":
    main()
