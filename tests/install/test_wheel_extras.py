"""The built wheel, installed extra by extra in fresh virtualenvs: each extra runs what it names.

Slow (two fresh virtualenvs, packages from pip's cache): it runs in ``nox -s install``, a step of
``.ci/run``, and is skipped elsewhere unless ``AIOAUTHING_INSTALL_TESTS=1``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("AIOAUTHING_INSTALL_TESTS") != "1",
        reason="installs the wheel in fresh virtualenvs: nox -s install (AIOAUTHING_INSTALL_TESTS=1)",
    ),
]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "VIRTUAL_ENV"))}
    env.pop("PYTHONPATH", None)
    return env


def _run(
    *args: str | Path, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout
    )


def _pip_install(venv: Path, *requirements: str) -> None:
    result = _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        venv / "bin" / "python",
        "install",
        "-q",
        *requirements,
    )
    assert result.returncode == 0, result.stderr


def _venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", path], check=True, timeout=120)
    return path


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", ROOT, "-w", out)
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("aioauthing-*.whl")
    return built


def _one_line_error(result: subprocess.CompletedProcess[str], install: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert f"pip install '{install}'" in lines[0], lines[0]


def _user_project(tmp: Path) -> Path:
    project = tmp / "project"
    project.mkdir()
    (project / "test_plain.py").write_text("def test_plain():\n    assert True\n")
    (project / "test_pool.py").write_text(
        textwrap.dedent(
            """
            def test_pool(authing_pool):
                assert authing_pool.host.startswith("http://127.0.0.1:")
            """
        )
    )
    return project


def _first_line_of_emulator(venv: Path) -> dict[str, str]:
    proc = subprocess.Popen(
        [str(venv / "bin" / "aioauthing"), "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        return dict(json.loads(line))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def base_venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    venv = _venv(tmp_path_factory.mktemp("base") / "venv")
    _pip_install(venv, str(wheel), "pytest>=8")
    return venv


def test_base_package_then_the_emulator_extra(base_venv: Path, wheel: Path, tmp_path: Path) -> None:
    venv = base_venv
    # The base package: the SDK imports, the command says which extra to install, pytest runs.
    sdk = _run(
        venv / "bin" / "python", "-c", "import aioauthing; print(aioauthing.ManagementClient)"
    )
    assert sdk.returncode == 0, sdk.stderr
    _one_line_error(_run(venv / "bin" / "aioauthing", "users", "-h"), "aioauthing[cli]")
    project = _user_project(tmp_path)
    plain = _run(venv / "bin" / "python", "-m", "pytest", "-q", "test_plain.py", cwd=project)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    pool = _run(venv / "bin" / "python", "-m", "pytest", "-q", "test_pool.py", cwd=project)
    assert pool.returncode == 1
    assert "install aioauthing[emulator]" in pool.stdout

    # + [emulator]: `aioauthing emulator` runs, the plugin's fixtures work, users asks for [cli].
    _pip_install(venv, f"{wheel}[emulator]")
    settings = _first_line_of_emulator(venv)
    assert settings["host"].startswith("http://127.0.0.1:")
    assert {"user_pool_id", "secret", "app_id", "public_key"} <= settings.keys()
    pool = _run(venv / "bin" / "python", "-m", "pytest", "-q", "test_pool.py", cwd=project)
    assert pool.returncode == 0, pool.stdout + pool.stderr
    _one_line_error(_run(venv / "bin" / "aioauthing", "users", "search", "ada"), "aioauthing[cli]")


def test_the_cli_extra_alone(wheel: Path, tmp_path: Path) -> None:
    venv = _venv(tmp_path / "venv")
    _pip_install(venv, f"{wheel}[cli]")
    helped = _run(venv / "bin" / "aioauthing", "users", "-h")
    assert helped.returncode == 0, helped.stderr
    assert "import" in helped.stdout
    _one_line_error(
        _run(venv / "bin" / "aioauthing", "users", "search", "ada", "--emulator"),
        "aioauthing[emulator]",
    )
    _one_line_error(_run(venv / "bin" / "aioauthing", "emulator"), "aioauthing[emulator]")
    _one_line_error(_run(venv / "bin" / "aioauthing", "demo"), "aioauthing[cli,emulator]")
