"""A scratch copy of ``spec/`` with extra files, generated into a package that a child process
drives against the in-process emulator: the spec round-trip tests share this.

The child imports the scratch ``generated`` package ahead of the installed one
(``sys.argv[1]``), so what it exercises comes from the spec edit alone.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from codegen.__main__ import generate

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"

#: The child's first lines: the scratch package first, the clients, the emulator, ``error()``.
CHILD_PREAMBLE = textwrap.dedent(
    """
    import asyncio, sys
    import aioauthing
    aioauthing.__path__.insert(0, sys.argv[1])  # the scratch ``generated`` package goes first
    import aioauthing.generated.models as m
    assert m.__file__.startswith(sys.argv[1]), m.__file__
    import httpx
    from aioauthing import AuthenticationClient, ManagementClient
    from aioauthing.runtime.errors import InvalidInputError, NotFoundError
    from aioauthing.emulator.app import create_app
    from aioauthing.emulator.config import EmulatorConfig
    from aioauthing.emulator.transport import EmulatorTransport

    HOST = "http://emulator.test"

    async def error(call):
        try:
            await call
        except (InvalidInputError, NotFoundError) as exc:
            return (type(exc).__name__, exc.code, exc.message)
        return None
    """
)


def scratch_spec(tmp_path: Path, *fixtures: str) -> Path:
    """A copy of ``spec/`` with the named ``fixtures/`` files added to ``management/``."""
    spec = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", spec)
    for name in fixtures:
        shutil.copy(FIXTURES / name, spec / "management")
    return spec


def generate_scratch(spec: Path, tmp_path: Path) -> Path:
    """Generate ``spec`` into a scratch package; its folder is the child's ``sys.argv[1]``."""
    package = tmp_path / "pkg"
    generate(spec, package / "generated", coverage=None)
    return package


def run_child(body: str, package: Path, tmp_path: Path) -> str:
    """Run ``CHILD_PREAMBLE + body`` against ``package``; its stdout (it must exit 0)."""
    child = subprocess.run(
        [sys.executable, "-c", CHILD_PREAMBLE + textwrap.dedent(body), str(package)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert child.returncode == 0, child.stdout + child.stderr
    return child.stdout
