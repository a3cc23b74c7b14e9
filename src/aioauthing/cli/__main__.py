"""``python -m aioauthing.cli``: the same as the ``aioauthing`` command."""

from aioauthing.__main__ import main

main()
