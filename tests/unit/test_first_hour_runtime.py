"""Errors a person can read, hosts with a scheme, and unclosed clients that say so."""

from __future__ import annotations

import gc
import socket
import warnings

import pytest

from aioauthing import (
    AuthenticationClient,
    AuthingValidationError,
    InvalidCredentialsError,
    ManagementClient,
    TransportError,
)
from aioauthing.runtime.errors import error_for


def test_str_shows_code_english_authings_text_and_operation() -> None:
    error = error_for(2333, "账号或密码错误", http_status=200, operation="auth.login_by_email")
    assert isinstance(error, InvalidCredentialsError)
    assert error.english == "Wrong account or password"
    assert str(error) == (
        "[2333] Wrong account or password "
        "(Authing: 账号或密码错误; operation=auth.login_by_email, http_status=200)"
    )
    english = error_for(2333, "Wrong account or password", operation="auth.login_by_email")
    assert str(english) == "[2333] Wrong account or password (operation=auth.login_by_email)"
    unknown = error_for(987654, "奇怪的错误", operation="x")
    assert unknown.english is None and str(unknown) == "[987654] 奇怪的错误 (operation=x)"


@pytest.mark.parametrize(
    ("make", "parameter"),
    [
        (lambda: ManagementClient("p", "s", host="127.0.0.1:41065"), "host"),
        (lambda: ManagementClient("p", "s", host="ftp://example.com"), "host"),
        (lambda: AuthenticationClient("a", app_host="my-app.authing.cn"), "app_host"),
        (lambda: AuthenticationClient("a", websocket_host="example.com"), "websocket_host"),
        (lambda: ManagementClient("p", "s", host="http://"), "host"),
    ],
)
def test_a_host_without_a_scheme_is_refused_when_the_client_is_built(
    make: object, parameter: str
) -> None:
    with pytest.raises(AuthingValidationError) as info:
        make()  # type: ignore[operator]
    assert info.value.parameter == parameter
    assert "needs a scheme" in str(info.value)


def test_a_host_with_credentials_is_not_echoed() -> None:
    with pytest.raises(AuthingValidationError) as info:
        ManagementClient("p", "s", host="admin:hunter2@example.com")
    assert "hunter2" not in str(info.value)


@pytest.mark.anyio
async def test_transport_errors_name_the_url_and_the_cause() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again below: nothing listens there
    host = f"http://127.0.0.1:{port}"
    async with ManagementClient("pool", "secret", host=host, max_retries=0) as mgmt:
        with pytest.raises(TransportError) as info:
            await mgmt.token_manager.get_token()
    assert info.value.code is None
    text = str(info.value)
    assert text.startswith(f"ConnectError while calling {host}/graphql/v2: ")
    assert "operation=users.management_access_token" in text
    assert "secret" not in text.split("operation=")[0]


def _collect(make: object) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = make()  # type: ignore[operator]
        del client
        gc.collect()
    return [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_an_unclosed_client_warns_naming_aioauthing_and_the_client() -> None:
    (warning,) = _collect(lambda: ManagementClient("pool-1", "s3cret"))
    text = str(warning.message)
    assert text.startswith("unclosed aioauthing ManagementClient(user_pool_id='pool-1'")
    assert "s3cret" not in text
    (warning,) = _collect(lambda: AuthenticationClient("app-1"))
    assert "unclosed aioauthing AuthenticationClient(app_id='app-1'" in str(warning.message)


@pytest.mark.anyio
async def test_closed_clients_views_and_borrowed_pools_do_not_warn() -> None:
    import httpx

    async with ManagementClient("p", "s") as mgmt:
        view = mgmt.with_options(timeout=3)
        del view
    async with AuthenticationClient("a") as auth:
        session = auth.as_user("token")
        del session
    del mgmt, auth
    async with httpx.AsyncClient() as http:
        assert _collect(lambda: ManagementClient("p", "s", http_client=http)) == []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
