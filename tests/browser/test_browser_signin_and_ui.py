"""The hosted sign-in page and the web UI in a real headless Chromium.

* the FastAPI example's OIDC code flow (``/login/oidc``), signed in through the emulator's page;
* a user created through the SDK, found in the UI with the code it was sent, then blocked;
* the MFA step: with application MFA on, a correct password leads to a code form (TOTP: a wrong
  code shown on the page, the right one redirecting with the code; EMAIL: the outbox's code).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import anyio
import httpx
import pyotp
import pytest
import uvicorn
from examples.fastapi_app.app import create_app

from aioauthing import AuthenticationClient, ManagementClient, MfaRequiredError, models
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


# ----------------------------------------------------------------------------- MFA step
def _mfa_factors(pool: EmulatorSettings, factors: list[str]) -> None:
    response = httpx.post(
        f"{pool.host}/__emulator__/mfa",
        params={"pool": pool.user_pool_id},
        json={"factors": factors},
        timeout=10,
    )
    response.raise_for_status()


def _bind_totp(pool: EmulatorSettings, email: str) -> pyotp.TOTP:
    """Bind a TOTP authenticator through the SDK (the login answers 1636 with an MFA token)."""

    async def bind() -> str:
        async with AuthenticationClient(
            pool.app_id, host=pool.host, user_pool_id=pool.user_pool_id, public_key=pool.public_key
        ) as auth:
            try:
                await auth.login_by_email(email, PASSWORD)
            except MfaRequiredError as exc:
                token = exc.mfa_token
            else:
                raise AssertionError("MFA is on: the login should have answered 1636")
            association = await auth.mfa.associate_mfa_authenticator(mfa_token=token)
            code = pyotp.TOTP(association.secret).now()
            await auth.mfa.confirm_associate_mfa_authenticator(code, mfa_token=token)
            return str(association.secret)

    return pyotp.TOTP(anyio.run(bind))


def _sign_in(page: Any, example_app: str, email: str) -> None:
    from selenium.webdriver.common.by import By

    page.get(f"{example_app}/login/oidc")
    _wait_for(page, "form#signin")
    page.find_element(By.ID, "account").send_keys(email)
    page.find_element(By.ID, "password").send_keys(PASSWORD)
    page.find_element(By.ID, "submit").click()


def _submit_code(page: Any, code: str) -> None:
    from selenium.webdriver.common.by import By

    field = _wait_for(page, "form#mfa #code")
    field.clear()
    field.send_keys(code)
    page.find_element(By.ID, "submit").click()


def _callback(page: Any, example_app: str) -> dict[str, Any]:
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + WAIT
    while not page.current_url.startswith(f"{example_app}/callback"):
        assert time.monotonic() < deadline, page.current_url
        time.sleep(0.05)
    answer: dict[str, Any] = json.loads(page.find_element(By.TAG_NAME, "body").text)
    return answer


def test_totp_step_shows_a_wrong_code_then_redirects_with_the_right_one(
    page: Any, example_app: str, authing_pool: EmulatorSettings
) -> None:
    user_id = _create_user(authing_pool, email="ada@example.com", username="ada")
    _mfa_factors(authing_pool, ["OTP"])
    totp = _bind_totp(authing_pool, "ada@example.com")

    _sign_in(page, example_app, "ada@example.com")
    prompt = _wait_for(page, "#prompt")
    assert prompt.text == "Enter the 6-digit code of your authenticator app."
    wrong = f"{(int(totp.now()) + 500_000) % 1_000_000:06d}"
    _submit_code(page, wrong)
    assert _wait_for(page, "#error").text == "Wrong code."

    _submit_code(page, totp.now())
    answer = _callback(page, example_app)
    assert answer == {"signed_in": True, "sub": user_id, "email": "ada@example.com"}


def test_email_step_takes_the_code_from_the_outbox(
    page: Any, example_app: str, authing_pool: EmulatorSettings
) -> None:
    user_id = _create_user(authing_pool, email="bob@example.com", username="bob")
    _mfa_factors(authing_pool, ["EMAIL"])

    _sign_in(page, example_app, "bob@example.com")
    assert _wait_for(page, "#prompt").text == "Enter the code sent by email to bob@example.com."
    outbox = httpx.get(
        f"{authing_pool.host}/__emulator__/outbox",
        params={"pool": authing_pool.user_pool_id, "email": "bob@example.com"},
        timeout=10,
    ).json()["messages"]
    assert [m["scene"] for m in outbox] == ["MFA_VERIFY"]
    _submit_code(page, outbox[-1]["code"])
    answer = _callback(page, example_app)
    assert answer == {"signed_in": True, "sub": user_id, "email": "bob@example.com"}
