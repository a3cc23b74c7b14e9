"""Shared fixtures for the runtime unit tests: every async test runs on asyncio and trio."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

if importlib.util.find_spec("aioauthing") is None:  # running from a checkout without install
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)
