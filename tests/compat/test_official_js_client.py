"""Authing's OFFICIAL JS client (``authing-js-sdk@4.23.55``, unchanged) against the emulator.

``nox -s compat`` installs the package with npm into a folder of the session's tmp and points
``AIOAUTHING_JS_SDK`` at it (the folder holding ``node_modules``); each flow of ``js/`` (one per
official module) runs under node through ``js/run.cjs``. Without the variable (``nox -s tests``) the test is skipped.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

JS_SDK_ENV = "AIOAUTHING_JS_SDK"
FLOWS = Path(__file__).with_name("js")
RUNNER = FLOWS / "run.cjs"
HARNESS = {"harness", "run"}
MODULES = sorted(p.stem for p in FLOWS.glob("*.cjs") if p.stem not in HARNESS)


@pytest.fixture
def js_sdk() -> Path:
    folder = os.environ.get(JS_SDK_ENV)
    if not folder:
        pytest.skip(
            f"{JS_SDK_ENV} is unset: the official JS client is installed by `nox -s compat`"
        )
    if shutil.which("node") is None:
        pytest.fail("node is not installed (the JS compat flow needs node 18+)")
    return Path(folder)


def test_every_official_module_has_a_js_flow() -> None:
    """The management modules of tests/coverage/management/ each have an official-JS flow."""
    lists = Path(__file__).parent.parent / "coverage" / "management"
    js_modules = {p.stem for p in lists.glob("*.txt") if "js:" in p.read_text(encoding="utf-8")}
    assert sorted(js_modules - set(MODULES)) == []


@pytest.mark.parametrize("module", MODULES)
def test_official_js_client_flow(module: str, js_sdk: Path, authing_pool: Any) -> None:
    env = {
        **os.environ,
        "AIOAUTHING_COMPAT_SETTINGS": json.dumps(dataclasses.asdict(authing_pool)),
        "NODE_PATH": str(js_sdk / "node_modules"),
    }
    proc = subprocess.run(
        ["node", str(RUNNER), module],
        env=env,
        cwd=FLOWS,
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no JSON result (exit {proc.returncode})\n{proc.stdout}\n{proc.stderr}"
    result = json.loads(lines[-1])
    assert proc.returncode == 0 and result["ok"], (
        f"official JS client failed at step {result.get('step')!r} after {result.get('passed')}:\n"
        f"{result.get('error')}\nstderr:\n{proc.stderr}"
    )
    assert result["steps"] == result["expected"]
    assert len(result["steps"]) >= 1
