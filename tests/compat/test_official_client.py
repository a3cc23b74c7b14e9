"""Authing's OFFICIAL Python client (``authing==4.5.18``, unchanged) against the emulator.

``nox -s compat`` builds a virtualenv with ``authing==4.5.18`` and points
``AIOAUTHING_OFFICIAL_PYTHON`` at its interpreter; each flow of ``python/`` (one per
official module) runs there as a subprocess of ``python/run.py`` (the official package pins
gql 2 / graphql-core 2, which cannot share our environment). Without the variable (``nox -s tests``) the test is skipped.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

OFFICIAL_PYTHON_ENV = "AIOAUTHING_OFFICIAL_PYTHON"
FLOWS = Path(__file__).with_name("python")
RUNNER = FLOWS / "run.py"
HARNESS = {"harness", "run"}
MODULES = sorted(p.stem for p in FLOWS.glob("*.py") if p.stem not in HARNESS)


@pytest.fixture
def official_python() -> str:
    python = os.environ.get(OFFICIAL_PYTHON_ENV)
    if not python:
        pytest.skip(
            f"{OFFICIAL_PYTHON_ENV} is unset: the official authing==4.5.18 client needs its own "
            "virtualenv (run `nox -s compat`)"
        )
    return python


def test_every_official_module_has_a_flow() -> None:
    """The management modules of tests/coverage/management/ each have an official-client flow."""
    lists = Path(__file__).parent.parent / "coverage" / "management"
    python_modules = {
        p.stem for p in lists.glob("*.txt") if "python:" in p.read_text(encoding="utf-8")
    }
    assert sorted(python_modules - set(MODULES)) == []


@pytest.mark.parametrize("module", MODULES)
def test_official_client_flow(module: str, official_python: str, authing_pool: Any) -> None:
    settings = json.dumps(dataclasses.asdict(authing_pool))
    env = {**os.environ, "AIOAUTHING_COMPAT_SETTINGS": settings}
    env.pop("PYTHONPATH", None)  # never let our src/ leak into the official client's venv
    proc = subprocess.run(
        [official_python, str(RUNNER), module],
        env=env,
        cwd=FLOWS,
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, (
        f"no JSON result (exit {proc.returncode})\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    )
    result = json.loads(lines[-1])
    timings = result.get("timings_ms", {})
    sys.stderr.write(f"official client {module} timings (ms): " + json.dumps(timings) + "\n")
    assert proc.returncode == 0 and result["ok"], (
        f"official client failed at step {result.get('step')!r} after {result.get('passed')}:\n"
        f"{result.get('error')}\nstderr:\n{proc.stderr}"
    )
    assert result["steps"] == result["expected"]
    assert len(result["steps"]) >= 1
