"""First use, as whole processes: import + an AuthenticationClient + a ManagementClient + touching
``models.User``, against httpx alone and Authing's official client.

Every variant is its own ``python -c`` process (CPU from ``wait4``, wall from start to exit), run
in alternating rounds (``BENCH_FIRST_USE_RUNS``, default 5), medians with their spread:

* ``python``: the interpreter starting and exiting (the floor of every row);
* ``httpx``: ``import httpx`` + one ``httpx.AsyncClient()``;
* ``aioauthing``: the first use above, in this interpreter's environment;
* ``official``: the same with ``authing==4.5.18``'s V2 clients, under the interpreter
  ``AIOAUTHING_OFFICIAL_PYTHON`` names (``nox -s compat`` builds one; skipped when unset).

Goals: aioauthing <= 1.5x httpx alone, and faster than the official client. It also states what
``import httpx`` costs here and which optional packages it pulls in when they are installed.
"""

from __future__ import annotations

import os
import sys

from ._proc import run_measured
from ._stats import machine, median, median_spread

RUNS = int(os.environ.get("BENCH_FIRST_USE_RUNS", "5"))

OURS = """
import aioauthing
from aioauthing import AuthenticationClient, ManagementClient, models
auth = AuthenticationClient("app", host="http://127.0.0.1:9", user_pool_id="pool")
mgmt = ManagementClient("pool", "secret", host="http://127.0.0.1:9")
models.User
mgmt.users
"""

HTTPX = "import httpx; httpx.AsyncClient()"

OFFICIAL = """
from authing.v2.authentication import AuthenticationClient, AuthenticationClientOptions
from authing.v2.management import ManagementClient, ManagementClientOptions
AuthenticationClient(AuthenticationClientOptions(app_id="app", app_host="http://127.0.0.1:9", user_pool_id="pool"))
ManagementClient(ManagementClientOptions(user_pool_id="pool", secret="secret", host="http://127.0.0.1:9"))
"""

EXTRAS = ["rich", "click", "pygments", "trio", "h2", "aiohttp", "jwt", "cryptography", "cattrs"]
PULLED_IN = f"""
import sys
%s
print(" ".join(m for m in {EXTRAS!r} if m in sys.modules))
"""


def main() -> None:
    python = sys.executable
    variants: dict[str, list[str]] = {
        "python": [python, "-c", "pass"],
        "httpx": [python, "-c", HTTPX],
        "aioauthing": [python, "-c", OURS],
    }
    official = os.environ.get("AIOAUTHING_OFFICIAL_PYTHON")
    if official:
        variants["official"] = [official, "-c", OFFICIAL]
    print(f"first use, whole processes ({machine()} at start; {RUNS} alternating rounds)")
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    for cmd in variants.values():  # warm the .pyc caches (an installed package has them)
        run_measured(cmd, env={"PYTHONDONTWRITEBYTECODE": ""})
    for _ in range(RUNS):
        for name, cmd in variants.items():
            measured = run_measured(cmd)
            if measured.returncode:
                raise SystemExit(f"{name} failed (exit {measured.returncode})")
            results[name].append((measured.cpu * 1e3, measured.wall * 1e3))
    print(f"  {'variant':<11} {'CPU ms':>22} {'wall ms':>22}")
    for name, rows in results.items():
        print(
            f"  {name:<11} {median_spread([r[0] for r in rows]):>22}"
            f" {median_spread([r[1] for r in rows]):>22}"
        )
    cpu = {name: median([r[0] for r in rows]) for name, rows in results.items()}
    print(
        f"  aioauthing / httpx alone: {cpu['aioauthing'] / cpu['httpx']:.2f}x CPU (goal <= 1.5x);"
        f" above the bare interpreter: {cpu['aioauthing'] - cpu['python']:.0f} ms vs httpx's"
        f" {cpu['httpx'] - cpu['python']:.0f} ms"
    )
    if "official" in cpu:
        print(
            f"  aioauthing / official client: {cpu['aioauthing'] / cpu['official']:.2f}x CPU"
            " (goal < 1x)"
        )
    for name, code in (("httpx alone", HTTPX), ("aioauthing's first use", OURS)):
        pulled = run_measured([python, "-c", PULLED_IN % code]).stdout.split()
        print(f"  of {', '.join(EXTRAS)}, {name} loads: {', '.join(pulled) or 'none'}")
    print(f"  load average at the end: {machine()}")
