"""Authing's OFFICIAL Python client (``authing==4.5.18``, unchanged) against the emulator.

``nox -s compat`` builds a virtualenv with ``authing==4.5.18`` and points
``AIOAUTHING_OFFICIAL_PYTHON`` at its interpreter; :mod:`official_flow` runs there as a
subprocess (the official package pins gql 2 / graphql-core 2, which cannot share our
environment). Without the variable (``nox -s tests``) the test is skipped.
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
FLOW = Path(__file__).with_name("official_flow.py")

EXPECTED_STEPS = [
    "mgmt.access_token",
    "mgmt.users.create",
    "mgmt.users.list",
    "mgmt.users.search",
    "mgmt.users.find",
    "mgmt.users.update",
    "mgmt.users.detail",
    "mgmt.users.delete",
    "mgmt.users.list_after_delete",
    "auth.register_by_email",
    "auth.register_by_username",
    "auth.login_by_email",
    "auth.login_by_username",
    "auth.login_by_email_again",
    "auth.get_current_user",
    "auth.update_profile",
    "auth.check_login_status",
    "auth.logout",
    "auth.check_login_status_after_logout",
    "auth.old_token_rejected",
    "pool.userPool.detail",
    "pool.userPool.add_env",
    "pool.userPool.list_env",
    "pool.userPool.remove_env",
    "pool.userPool.list_env_after_remove",
    "pool.whiteList.add",
    "pool.whiteList.list",
    "pool.whiteList.enable_white_list",
    "pool.register_not_whitelisted",
    "pool.register_whitelisted",
    "pool.whiteList.disable_white_list",
    "pool.whiteList.remove",
    "pool.userPool.update_register_disabled",
    "pool.register_disabled",
    "pool.userPool.update_login_require_email_verified",
    "pool.register_after_reopen",
    "pool.login_unverified_email",
    "pool.userPool.update_restore",
    "pool.users.create_for_principal",
    "pool.principalAuth.authenticate_refused",
    "pool.principalAuth.authenticate",
    "pool.principalAuth.detail",
    "pool.applications.create",
    "pool.applications.list",
    "pool.applications.find_by_id",
    "pool.applications.refresh_application_secret",
    "pool.applications.delete",
    "pool.applications.find_deleted",
    "pool.auditLog.list_audit_logs",
]


@pytest.fixture
def official_python() -> str:
    python = os.environ.get(OFFICIAL_PYTHON_ENV)
    if not python:
        pytest.skip(
            f"{OFFICIAL_PYTHON_ENV} is unset: the official authing==4.5.18 client needs its own "
            "virtualenv (run `nox -s compat`)"
        )
    return python


def test_official_client_flow(official_python: str, authing_pool: Any) -> None:
    settings = json.dumps(dataclasses.asdict(authing_pool))
    env = {**os.environ, "AIOAUTHING_COMPAT_SETTINGS": settings}
    env.pop("PYTHONPATH", None)  # never let our src/ leak into the official client's venv
    proc = subprocess.run(
        [official_python, str(FLOW)],
        env=env,
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
    sys.stderr.write("official client per-call timings (ms): " + json.dumps(timings) + "\n")
    assert proc.returncode == 0 and result["ok"], (
        f"official client failed at step {result.get('step')!r} after {result.get('passed')}:\n"
        f"{result.get('error')}\nstderr:\n{proc.stderr}"
    )
    assert result["steps"] == EXPECTED_STEPS
