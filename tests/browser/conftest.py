"""A real headless Chromium (Debian's ``chromium`` + ``chromium-driver``) driven by Selenium.

Without Chromium the browser tests are skipped, unless ``AIOAUTHING_REQUIRE_CHROMIUM=1`` (set by
``.ci/run`` once it has installed them): then a missing browser fails the tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1200,900",
)
SHOTS = os.environ.get("AIOAUTHING_BROWSER_SHOTS")
"""Directory to save screenshots in (unset: none are saved)."""


def _missing(reason: str) -> None:
    if os.environ.get("AIOAUTHING_REQUIRE_CHROMIUM") == "1":
        pytest.fail(f"{reason} but AIOAUTHING_REQUIRE_CHROMIUM=1")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One Chromium for the session, with a fresh profile; cookies are cleared per test."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed")
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        _missing("chromium / chromedriver are not on PATH")
    assert binary is not None and driver_path is not None
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    browser.delete_all_cookies()
    yield browser
    browser.delete_all_cookies()


@pytest.fixture
def screenshot(browser: Any) -> Callable[[str], None]:
    """``screenshot(name)`` saves the page when ``AIOAUTHING_BROWSER_SHOTS`` names a directory."""

    def save(name: str) -> None:
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(Path(SHOTS) / f"{name}.png"))

    return save
