"""Import a JSON Lines file with Authing's OFFICIAL Python client (``authing==4.5.18``, unchanged).

Runs under the official client's own interpreter (never ours; it pins gql 2 / graphql-core 2):

    python official_import.py SETTINGS_JSON FILE sequential|threads:N

``SETTINGS_JSON`` is the emulator pool's settings. Each row becomes ``mgmt.users.create(row)``;
an existing user (error 2026) counts as skipped. Prints one JSON line:
``{"created": .., "skipped": .., "failed": .., "seconds": ..}`` (seconds: the import loop only).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from authing.v2.exceptions import AuthingException
from authing.v2.management import ManagementClient, ManagementClientOptions

_local = threading.local()


def _client(settings: dict[str, Any]) -> Any:
    """One client per thread (the official client keeps per-instance state)."""
    client = getattr(_local, "client", None)
    if client is None:
        client = ManagementClient(
            ManagementClientOptions(
                user_pool_id=settings["user_pool_id"],
                secret=settings["secret"],
                host=settings["host"],
                enc_public_key=settings["public_key"],
            )
        )
        _local.client = client
    return client


def _create(settings: dict[str, Any], row: dict[str, Any]) -> str:
    try:
        _client(settings).users.create(dict(row))
    except AuthingException as exc:
        if getattr(exc, "code", None) == 2026:
            return "skipped"
        return "failed"
    except Exception:
        return "failed"
    return "created"


def main(argv: list[str]) -> int:
    settings = json.loads(argv[1])
    with open(argv[2], encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    mode = argv[3]
    counts = {"created": 0, "skipped": 0, "failed": 0}
    started = time.perf_counter()
    if mode == "sequential":
        for row in rows:
            counts[_create(settings, row)] += 1
    else:
        threads = int(mode.split(":", 1)[1])
        with ThreadPoolExecutor(threads) as pool:
            for outcome in pool.map(lambda r: _create(settings, r), rows):
                counts[outcome] += 1
    print(json.dumps({**counts, "seconds": time.perf_counter() - started}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
