"""``python -m aioauthing.cli``: the same as the ``aioauthing`` command."""

from aioauthing.cli import main

main()
