"""The hosted sign-in page and the web UI in a real headless Chromium.

* the FastAPI example's OIDC code flow (``/login/oidc``), signed in through the emulator's page;
* a user created through the SDK, found in the UI with the code it was sent, then blocked.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import anyio
import pytest
import uvicorn
from examples.fastapi_app.app import create_app

from aioauthing import AuthenticationClient, ManagementClient, models
from aioauthing.emulator.server import EmulatorServer, bind_socket
from aioauthing.emulator.settings import EmulatorSettings
from aioauthing.integrations import AuthingSettings

pytestmark = pytest.mark.browser

PASSWORD = "Passw0rd!browser"
WAIT = 10.0


def _wait_for(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def _create_user(pool: EmulatorSettings, **fields: Any) -> str:
    async def create() -> str:
        async with ManagementClient(
            pool.user_pool_id, pool.secret, host=pool.host, public_key=pool.public_key
        ) as mgmt:
            user = await mgmt.users.create(models.CreateUserInput(password=PASSWORD, **fields))
            return user.id

    return anyio.run(create)


@pytest.fixture
def example_app(authing_pool: EmulatorSettings) -> Iterator[str]:
    """The FastAPI example served on a free port, configured for the test's pool."""
    settings = AuthingSettings.from_mapping(
        {
            "host": authing_pool.host,
            "app_id": authing_pool.app_id,
            "user_pool_id": authing_pool.user_pool_id,
            "app_secret": authing_pool.app_secret,
            "secret": authing_pool.secret,
            "public_key": authing_pool.public_key,
        }
    )
    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), lifespan="on", log_level="warning")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "example app did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_example_app_oidc_code_flow_signed_in_through_the_page(
    page: Any,
    example_app: str,
    authing_pool: EmulatorSettings,
    screenshot: Callable[[str], None],
) -> None:
    from selenium.webdriver.common.by import By

    user_id = _create_user(authing_pool, email="ada@example.com", username="ada")
    page.get(f"{example_app}/login/oidc")
    form = _wait_for(page, "form#signin")
    assert page.current_url.startswith(f"{authing_pool.host}/oidc/auth?")
    assert "Sign in" in page.title
    screenshot("signin")

    # A wrong password: the error is shown on the page, the account kept.
    page.find_element(By.ID, "account").send_keys("ada@example.com")
    page.find_element(By.ID, "password").send_keys("not-the-password")
    form.submit()
    error = _wait_for(page, "#error")
    assert error.text == "Wrong password."
    assert page.find_element(By.ID, "account").get_attribute("value") == "ada@example.com"
    screenshot("signin-error")

    page.find_element(By.ID, "password").send_keys(PASSWORD)
    page.find_element(By.ID, "submit").click()
    deadline = time.monotonic() + WAIT
    while not page.current_url.startswith(f"{example_app}/callback"):
        assert time.monotonic() < deadline, page.current_url
        time.sleep(0.05)
    body = page.find_element(By.TAG_NAME, "body").text
    assert json.loads(body) == {"signed_in": True, "sub": user_id, "email": "ada@example.com"}


def test_user_created_through_the_sdk_is_found_in_the_ui_with_its_code(
    page: Any,
    authing_emulator: EmulatorServer,
    authing_pool: EmulatorSettings,
    screenshot: Callable[[str], None],
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    user_id = _create_user(authing_pool, email="grace@example.com", nickname="Grace <Hopper>")

    async def send_code() -> None:
        async with AuthenticationClient(
            authing_pool.app_id,
            host=authing_pool.host,
            user_pool_id=authing_pool.user_pool_id,
            public_key=authing_pool.public_key,
        ) as auth:
            await auth.send_email("grace@example.com", models.EmailScene.VERIFY_CODE)

    anyio.run(send_code)

    page.get(f"{authing_pool.host}/__emulator__/ui")
    _wait_for(page, "table#pools")
    page.find_element(
        By.CSS_SELECTOR, f'a[href$="/pools/{authing_pool.user_pool_id}/users"]'
    ).click()
    search = _wait_for(page, "input#q")
    search.send_keys("grace")
    page.find_element(By.ID, "search").click()
    _wait_for(page, "table#users tbody tr")
    rows = page.find_elements(By.CSS_SELECTOR, "table#users tbody tr")
    assert len(rows) == 1 and "Grace <Hopper>" in rows[0].text  # shown as text, escaped
    rows[0].find_element(By.LINK_TEXT, user_id).click()

    _wait_for(page, "table#user-messages")
    codes = [c.text for c in page.find_elements(By.CSS_SELECTOR, "table#user-messages td.code")]
    outbox = _outbox(authing_pool)
    assert codes == [outbox[-1]["code"]] and len(codes[0]) >= 4
    screenshot("ui-user")

    page.find_element(By.ID, "block").click()
    WebDriverWait(page, WAIT).until(
        expected_conditions.text_to_be_present_in_element((By.ID, "block"), "Unblock")
    )
    assert authing_emulator.runtime.state.pools[authing_pool.user_pool_id].users[user_id]["blocked"]

    page.find_element(By.ID, "tab-requests").click()
    _wait_for(page, "table#requests")
    operations = [c.text for c in page.find_elements(By.CSS_SELECTOR, "table#requests td.mono")]
    assert operations[:3] == ["sendEmail", "createUser", "accessToken"]
    screenshot("ui-requests")


def _outbox(pool: EmulatorSettings) -> list[dict[str, Any]]:
    import httpx

    answer = httpx.get(
        f"{pool.host}/__emulator__/outbox", params={"pool": pool.user_pool_id}, timeout=10
    )
    messages: list[dict[str, Any]] = answer.json()["messages"]
    return messages
