"""The README's Python snippets run as pasted: the first one (``asyncio.run``, configured by
``AUTHING_*``) and "Test your own app" (with the FastAPI example as ``myapp``), in a pytest
subprocess using the plugin as a user's project would."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [part.split("```", 1)[0] for part in text.split("```python\n")[1:]]


def test_the_readme_snippets_run_as_pasted(tmp_path: Path) -> None:
    blocks = _python_blocks()
    usage = blocks[0]
    assert usage.startswith("import asyncio") and usage.rstrip().endswith("asyncio.run(main())")
    (own,) = [b for b in blocks if "from myapp import create_app" in b]
    (tmp_path / "usage_snippet.py").write_text(usage, encoding="utf-8")
    test_file = own.replace(
        "from myapp import create_app", "from examples.fastapi_app.app import create_app"
    )
    test_file += textwrap.dedent(
        """

        def test_usage_snippet(authing_pool, monkeypatch, capsys):
            import runpy

            for name, value in authing_pool.env().items():
                monkeypatch.setenv(name, value)
            runpy.run_path("usage_snippet.py", run_name="__main__")
            out = capsys.readouterr().out.splitlines()
            assert out[0].endswith(" bob@example.com") and out[-1] == "bob@example.com True"
        """
    )
    (tmp_path / "test_user_project.py").write_text(test_file, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "AUTHING_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *sys.path])
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error::ResourceWarning",
            "test_user_project.py",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout  # test_me on asyncio and trio, and the usage snippet
