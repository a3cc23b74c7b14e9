"""First use stays cheap: what `import aioauthing` + two clients + `models.User` load (in a fresh
interpreter, so nothing else imported them first)."""

from __future__ import annotations

import json
import subprocess
import sys

FIRST_USE = """
import json, sys
import aioauthing
from aioauthing import AuthenticationClient, ManagementClient, models
auth = AuthenticationClient("app", host="http://127.0.0.1:9", user_pool_id="pool")
mgmt = ManagementClient("pool", "secret", host="http://127.0.0.1:9")
models.User
before_users = "aioauthing.generated.users" in sys.modules
mgmt.users
import httpx
print(json.dumps({
    "loaded": sorted(m for m in ("rich", "click", "pygments", "jwt", "cryptography", "aiohttp")
                     if m in sys.modules),
    "users_before": before_users,
    "users_after": "aioauthing.generated.users" in sys.modules,
    "groups": "aioauthing.generated.groups" in sys.modules,
    "httpx_main_callable": callable(httpx.main),
}))
"""


def _run(code: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_first_use_loads_only_what_it_touches() -> None:
    result = _run(FIRST_USE)
    assert result["loaded"] == []  # no CLI (rich/click/pygments), PyJWT, cryptography or aiohttp
    assert (result["users_before"], result["users_after"]) == (False, True)
    assert result["groups"] is False
    assert result["httpx_main_callable"] is True


def test_httpx_cli_module_still_loads_when_used() -> None:
    code = (
        "import json, sys, aioauthing, httpx\n"
        "from httpx._main import print_response\n"
        "print(json.dumps({'real': type(sys.modules['httpx._main']).__name__,"
        " 'fn': print_response.__name__}))"
    )
    assert _run(code) == {"real": "module", "fn": "print_response"}
