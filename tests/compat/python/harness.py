"""What every official-Python-client flow shares: steps, expected errors, clients, settings.

Runs under the interpreter of a virtualenv with ``authing==4.5.18`` (never ours). A flow module
beside this file does ``from harness import ...``, defines ``EXPECTED_STEPS`` and
``flow(s)``; :mod:`run` runs one and prints its JSON line.
"""

from __future__ import annotations

import json
import os
import time
import traceback
import uuid

import requests
from authing.v2.authentication import AuthenticationClient, AuthenticationClientOptions
from authing.v2.exceptions import AuthingException
from authing.v2.management import ManagementClient, ManagementClientOptions

STEPS: list[str] = []
TIMINGS: dict[str, float] = {}
PASSWORD = "Passw0rd!"


class StepFailed(Exception):
    def __init__(self, step: str, error: str) -> None:
        super().__init__(f"{step}: {error}")
        self.step = step
        self.error = error


def step(name, fn, check):
    """Run ``fn()``, time it, then ``check(result)`` must be truthy (or raise)."""
    start = time.perf_counter()
    try:
        result = fn()
    except Exception as exc:
        raise StepFailed(name, f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}") from exc
    finally:
        TIMINGS[name] = round((time.perf_counter() - start) * 1000, 2)
    try:
        ok = check(result)
    except Exception as exc:
        ok = False
        detail = f"{type(exc).__name__}: {exc}"
    else:
        detail = ""
    if not ok:
        raise StepFailed(name, f"unexpected result {result!r} {detail}".strip())
    STEPS.append(name)
    return result


def expect_error(name, fn):
    """``fn()`` must raise ``AuthingException`` (the official client's error for every answer)."""
    start = time.perf_counter()
    try:
        result = fn()
    except AuthingException as exc:
        TIMINGS[name] = round((time.perf_counter() - start) * 1000, 2)
        STEPS.append(name)
        return exc
    except Exception as exc:
        TIMINGS[name] = round((time.perf_counter() - start) * 1000, 2)
        raise StepFailed(
            name, f"expected AuthingException, got {type(exc).__name__}: {exc}"
        ) from exc
    TIMINGS[name] = round((time.perf_counter() - start) * 1000, 2)
    raise StepFailed(name, f"expected an error, got {result!r}")


def expect_code(name, fn, code):
    """``fn()`` must raise ``AuthingException`` with business code ``code``."""
    exc = expect_error(name, fn)
    if exc.code != code:
        STEPS.pop()
        raise StepFailed(name, f"expected code {code}, got {exc.code}: {exc.message}")
    return exc


def load_settings() -> dict:
    raw = os.environ.get("AIOAUTHING_COMPAT_SETTINGS")
    if not raw:
        raise SystemExit("pass the emulator settings as JSON in AIOAUTHING_COMPAT_SETTINGS")
    return json.loads(raw)


def management_client(s: dict) -> ManagementClient:
    return ManagementClient(
        ManagementClientOptions(
            user_pool_id=s["user_pool_id"],
            secret=s["secret"],
            host=s["host"],
            enc_public_key=s["public_key"],
        )
    )


def authentication_client(s: dict) -> AuthenticationClient:
    return AuthenticationClient(
        AuthenticationClientOptions(
            app_id=s["app_id"],
            app_host=s["host"],
            user_pool_id=s["user_pool_id"],
            enc_public_key=s["public_key"],
        )
    )


def unique(prefix: str) -> str:
    """``prefix`` plus 8 random hex digits: names that never collide between runs."""
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def admin(s: dict, path: str, body: dict) -> dict:
    """POST to the emulator's admin driver ``/__emulator__/<path>?pool=...`` (test set-up only)."""
    answer = requests.post(
        f"{s['host']}/__emulator__/{path}",
        params={"pool": s["user_pool_id"]},
        json=body,
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()


def fail_line(failure: StepFailed) -> str:
    line = {"ok": False, "step": failure.step, "error": failure.error, "passed": STEPS}
    return json.dumps({**line, "timings_ms": TIMINGS})


__all__ = [
    "PASSWORD",
    "StepFailed",
    "admin",
    "authentication_client",
    "expect_code",
    "expect_error",
    "management_client",
    "step",
    "unique",
]
