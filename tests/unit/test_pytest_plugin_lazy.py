"""The pytest plugin loads without the emulator extra and explains a missing extra in one line."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

BLOCKER = textwrap.dedent(
    """
    import sys

    class _Blocker:
        blocked = ("starlette", "uvicorn", "graphql")

        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in self.blocked:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, _Blocker())
    """
)


def _run_pytest(
    tmp_path: Path, test_source: str, *, block: bool
) -> subprocess.CompletedProcess[str]:
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_user.py").write_text(textwrap.dedent(test_source), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    if block:
        site = tmp_path / "site"
        site.mkdir()
        (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
        env["PYTHONPATH"] = str(site)
    else:
        env.pop("PYTHONPATH", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_pytest_runs_without_the_emulator_extra_and_a_fixture_says_which_to_install(
    tmp_path: Path,
) -> None:
    result = _run_pytest(
        tmp_path,
        """
        import sys

        def test_plain():
            assert "starlette" not in sys.modules
            assert "aioauthing.emulator.pytest_plugin" in sys.modules  # the plugin did load

        def test_needs_emulator(authing_pool):
            pass
        """,
        block=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Error while loading plugin" not in result.stderr
    assert "1 failed, 1 passed" in result.stdout or "1 passed, 1 error" in result.stdout
    assert "install aioauthing[emulator]" in result.stdout
    assert "missing: starlette, uvicorn, graphql" in result.stdout
    assert "Traceback" not in result.stdout


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    code = (
        "import sys, pytest; before = set(sys.modules); "
        "import aioauthing.emulator.pytest_plugin; "
        "new = sorted(m for m in set(sys.modules) - before if not m.startswith('aioauthing')); "
        "print(' '.join(new))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    heavy = {"starlette", "uvicorn", "graphql", "httpx", "anyio", "attrs", "cattrs", "jwt"}
    assert heavy.isdisjoint({m.split(".")[0] for m in out}), out
