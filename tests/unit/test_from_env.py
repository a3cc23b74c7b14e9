"""One configuration vocabulary: ``from_env()`` on both clients and on ``AuthingSettings``."""

from __future__ import annotations

from pathlib import Path

import pytest

from aioauthing import AuthenticationClient, AuthingValidationError, ManagementClient
from aioauthing.integrations import AuthingSettings
from aioauthing.runtime.env import SETTINGS_KEYS, shell_exports

PEM = "-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf\n9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n-----END PUBLIC KEY-----\n"

ENV = {
    "AUTHING_HOST": "http://127.0.0.1:8800",
    "AUTHING_APP_HOST": "http://127.0.0.1:8801",
    "AUTHING_APP_ID": "app-1",
    "AUTHING_APP_SECRET": "app-secret",
    "AUTHING_USERPOOL_ID": "pool-1",
    "AUTHING_USERPOOL_SECRET": "pool-secret",
    "AUTHING_PUBLIC_KEY": PEM,
}


@pytest.mark.anyio
async def test_management_client_from_env() -> None:
    async with ManagementClient.from_env(ENV) as mgmt:
        assert mgmt.user_pool_id == "pool-1"
        assert mgmt.core.host == "http://127.0.0.1:8800"
        assert mgmt.core.encryptor is not None


@pytest.mark.anyio
async def test_authentication_client_from_env_and_keywords_win() -> None:
    async with AuthenticationClient.from_env(ENV, app_id="app-2") as auth:
        assert auth.app_id == "app-2"
        assert auth.core.base_url == "http://127.0.0.1:8801"
        assert auth.core.user_pool_id == "pool-1"


@pytest.mark.anyio
async def test_from_os_environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_text(PEM)
    for name, value in {**ENV, "AUTHING_PUBLIC_KEY": str(key)}.items():
        monkeypatch.setenv(name, value)
    async with ManagementClient.from_env() as mgmt:
        assert mgmt.user_pool_id == "pool-1"
    settings = AuthingSettings.from_env()
    assert (settings.app_id, settings.secret, settings.public_key) == ("app-1", "pool-secret", PEM)


@pytest.mark.parametrize(
    ("factory", "missing"),
    [
        (ManagementClient.from_env, "AUTHING_USERPOOL_SECRET"),
        (AuthenticationClient.from_env, "AUTHING_APP_ID"),
    ],
)
def test_a_missing_variable_is_named(factory: object, missing: str) -> None:
    env = {k: v for k, v in ENV.items() if k != missing}
    with pytest.raises(AuthingValidationError) as info:
        factory(env)  # type: ignore[operator]
    assert info.value.parameter == missing
    assert "is not set" in str(info.value)


def test_a_public_key_that_is_neither_pem_nor_a_file() -> None:
    with pytest.raises(AuthingValidationError) as info:
        ManagementClient.from_env({**ENV, "AUTHING_PUBLIC_KEY": "/nonexistent/key.pem"})
    assert info.value.parameter == "AUTHING_PUBLIC_KEY"


def test_shell_exports_quote_every_value() -> None:
    settings = {key: f"v'{key} $x" for key in SETTINGS_KEYS}
    text = shell_exports(settings)
    assert text.splitlines()[0] == "export AUTHING_HOST='v'\"'\"'host $x'"
    assert [line.split("=")[0] for line in text.splitlines()] == [
        f"export {name}" for name in SETTINGS_KEYS.values()
    ]


@pytest.mark.anyio
async def test_authentication_client_signs_in_to_the_tenant_of_authing_tenant_id() -> None:
    import httpx

    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(
            200, json={"data": {"checkLoginStatus": {"code": 200, "status": False}}}
        )

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        env = {**ENV, "AUTHING_TENANT_ID": "tenant-1"}
        async with AuthenticationClient.from_env(env, http_client=http) as auth:
            await auth.check_login_status("t")
        async with AuthenticationClient.from_env(env, http_client=http, tenant_id="t-2") as auth:
            await auth.check_login_status("t")
        async with AuthenticationClient.from_env(ENV, http_client=http) as auth:
            await auth.check_login_status("t")
    assert [r.headers.get("x-authing-app-tenant-id") for r in sent] == ["tenant-1", "t-2", None]
