"""One set of sessions, the same names everywhere: CI, issues and reviews run these.

nox -s tests          the test suite (codegen, runtime, emulator, end-to-end)
nox -s lint           ruff check + ruff format --check
nox -s typecheck      mypy --strict on src/, codegen/ and examples/
nox -s generate       regenerate src/aioauthing/generated/ and docs/coverage.md from spec/
nox -s codegen_check  fail when the committed generated code is stale
nox -s compat         Authing's official Python (authing==4.5.18) and JS (authing-js-sdk@4.23.55)
                      clients against the emulator
nox -s install        build the wheel, install its extras in fresh virtualenvs, run what each names
nox -s bench          benchmarks: ratios measured side by side, never asserted
nox -s demo           the README's main job against the embedded emulator
"""

from __future__ import annotations

import os

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "typecheck", "codegen_check", "tests"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHON = "3.11"


def install_group(session: nox.Session, *groups: str, editable: bool = True) -> None:
    session.install("--upgrade", "pip")
    deps: list[str] = []
    for group in groups:
        deps += [
            d
            for d in nox.project.dependency_groups(PYPROJECT, group)
            if not d.startswith("aioauthing")
        ]
    if deps:
        session.install(*deps)
    if editable:
        session.install("-e", ".[all]")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the whole test suite; fail loudly if nothing was collected."""
    install_group(session, "test", "codegen")
    args = session.posargs or ["tests"]
    code = session.run("pytest", *args, success_codes=[0, 5], silent=False)
    if code == 5:  # pragma: no cover - guard for CI
        session.error("pytest collected no tests: refusing to report success")


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    install_group(session, "codegen", editable=False)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    install_group(session, "dev")
    session.run("mypy", "--strict")


@nox.session(python=PYTHON)
def generate(session: nox.Session) -> None:
    install_group(session, "codegen", editable=False)
    session.run("python", "-m", "codegen", "generate")


@nox.session(python=PYTHON)
def codegen_check(session: nox.Session) -> None:
    install_group(session, "codegen", editable=False)
    session.run("python", "-m", "codegen", "check")


@nox.session(python=PYTHON)
def compat(session: nox.Session) -> None:
    """Authing's official Python SDK (own virtualenv) and JS SDK (npm, own folder), unchanged,
    against a live emulator."""
    install_group(session, "test")
    official = os.path.abspath(session.create_tmp())  # the JS flows run with another cwd
    session.run("python", "-m", "venv", f"{official}/official", external=True)
    session.run(
        f"{official}/official/bin/python",
        "-m",
        "pip",
        "install",
        "-q",
        "authing==4.5.18",
        external=True,
    )
    js_sdk = f"{official}/js-sdk"
    session.run("mkdir", "-p", js_sdk, external=True)
    session.run(
        "npm",
        "install",
        "--prefix",
        js_sdk,
        "--no-audit",
        "--no-fund",
        "--silent",
        "authing-js-sdk@4.23.55",
        external=True,
    )
    session.run(
        "pytest",
        "tests/compat",
        "-q",
        *session.posargs,
        env={
            "AIOAUTHING_OFFICIAL_PYTHON": f"{official}/official/bin/python",
            "AIOAUTHING_JS_SDK": js_sdk,
        },
    )


@nox.session(python=PYTHON)
def install(session: nox.Session) -> None:
    """The built wheel in fresh virtualenvs, extra by extra (slow: pip's cache keeps it ~1 min)."""
    session.install("--upgrade", "pip")
    session.install("pytest>=8", "pytest-timeout>=2.3")
    session.run("pytest", "tests/install", "-q", env={"AIOAUTHING_INSTALL_TESTS": "1"})


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks print ratios measured side by side in one run; nothing here asserts a time."""
    install_group(session, "test")
    session.run("python", "-m", "bench", *session.posargs)


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """The README's main job, against the embedded emulator."""
    session.install("--upgrade", "pip")
    session.install("-e", ".[all]")
    session.run("aioauthing", "demo", *session.posargs)
