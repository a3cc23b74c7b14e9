"""Run one official-Python-client flow: ``python run.py MODULE`` (a file beside this one).

Prints ONE JSON line: ``{"ok": true, "steps": [...], "expected": [...], "timings_ms": {...}}``,
or ``{"ok": false, "step": ..., "error": ..., "passed": [...]}`` with exit status 1.
"""

from __future__ import annotations

import importlib
import json
import sys
import time

import harness


def main() -> int:
    module = importlib.import_module(sys.argv[1])
    settings = harness.load_settings()
    start = time.perf_counter()
    try:
        module.flow(settings)
    except harness.StepFailed as failure:
        print(harness.fail_line(failure))
        return 1
    print(
        json.dumps(
            {
                "ok": True,
                "steps": harness.STEPS,
                "expected": module.EXPECTED_STEPS,
                "timings_ms": harness.TIMINGS,
                "total_ms": round((time.perf_counter() - start) * 1000, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
