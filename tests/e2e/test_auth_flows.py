"""End-user authentication flows against the emulator, and client-side argument validation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from aioauthing import NotLoggedInError
from aioauthing.runtime.errors import (
    AuthingError,
    AuthingValidationError,
    InvalidCredentialsError,
    InvalidVerificationCodeError,
)

pytestmark = pytest.mark.anyio


def _outbox_code(pool: Any, channel: str, target: str) -> str:
    """The latest code the emulator 'sent' to ``target`` (SMS phone or email address)."""
    response = httpx.get(
        f"{pool.host}/__emulator__/outbox", params={"pool": pool.user_pool_id}, timeout=10
    )
    response.raise_for_status()
    body = response.json()
    messages = body if isinstance(body, list) else body.get("messages", body.get("outbox", []))
    field = "phone" if channel == "sms" else "email"
    codes = [
        m["code"]
        for m in messages
        if m.get("channel") == channel and str(m.get(field, "")).lower() == target.lower()
    ]
    assert codes, f"no {channel} message for {target} in the outbox: {body!r}"
    return str(codes[-1])


async def test_username_register_login_profile_and_password_change(
    authing_client: Any,
) -> None:
    auth = authing_client
    await auth.register_by_username("grace", "first-pass-1")
    user = await auth.login_by_username("grace", "first-pass-1")
    assert user is not None and user.token
    me_api = auth.as_user(user.token)
    me = await me_api.get_current_user()
    assert me.id == user.id and me.username == "grace"

    updated = await me_api.update_profile(user.id, nickname="Amazing Grace")
    assert updated.nickname == "Amazing Grace"
    assert (await me_api.get_current_user()).nickname == "Amazing Grace"

    with pytest.raises(AuthingError):
        await me_api.update_password("second-pass-2", old_password="wrong-old-pass")
    changed = await me_api.update_password("second-pass-2", old_password="first-pass-1")
    assert changed.id == user.id

    # The password change revoked the token used before it.
    with pytest.raises(NotLoggedInError):
        await me_api.get_current_user()
    with pytest.raises(InvalidCredentialsError):
        await auth.login_by_username("grace", "first-pass-1")
    again = await auth.login_by_username("grace", "second-pass-2")
    assert again is not None and again.id == user.id


async def test_phone_code_register_and_login_with_codes_from_the_outbox(
    authing_client: Any, authing_pool: Any
) -> None:
    auth = authing_client
    phone = "13800138000"
    await auth.send_sms_code(phone)
    code = _outbox_code(authing_pool, "sms", phone)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(InvalidVerificationCodeError) as info:
        await auth.register_by_phone_code(phone, wrong)
    assert info.value.code == 2001
    created = await auth.register_by_phone_code(phone, code, password="phone-pass-1")
    assert created is not None and created.phone == phone and created.phone_verified is True

    # A code is accepted once.
    with pytest.raises(InvalidVerificationCodeError):
        await auth.login_by_phone_code(phone, code)
    await auth.send_sms_code(phone)
    logged_in = await auth.login_by_phone_code(phone, _outbox_code(authing_pool, "sms", phone))
    assert logged_in is not None and logged_in.id == created.id and logged_in.token
    by_password = await auth.login_by_phone_password(phone, "phone-pass-1")
    assert by_password is not None and by_password.id == created.id


async def test_email_code_scenes_register_login_and_reset_password(
    authing_client: Any, authing_pool: Any
) -> None:
    auth = authing_client
    email = "lin@example.com"
    await auth.send_email(email, "VERIFY_CODE")
    registered = await auth.register_by_email_code(
        email, _outbox_code(authing_pool, "email", email)
    )
    assert registered.email == email and registered.token

    await auth.send_email(email, "LOGIN_VERIFY_CODE")
    logged_in = await auth.login_by_email_code(email, _outbox_code(authing_pool, "email", email))
    assert logged_in.id == registered.id

    await auth.send_email(email, "RESET_PASSWORD")
    code = _outbox_code(authing_pool, "email", email)
    result = await auth.reset_password_by_email_code(email, code, "reset-pass-9")
    assert result is not None and result.code == 200
    after = await auth.login_by_email(email, "reset-pass-9")
    assert after is not None and after.id == registered.id


async def test_refresh_token_then_logout_revokes_the_token(
    authing_client: Any, authing_pool: Any
) -> None:
    auth = authing_client
    await auth.register_by_email("ken@example.com", "ken-pass-1")
    user = await auth.login_by_email("ken@example.com", "ken-pass-1")
    assert user is not None and user.token
    refreshed = await auth.as_user(user.token).refresh_token()
    assert refreshed is not None and refreshed.token and refreshed.token != user.token
    token = refreshed.token
    me_api = auth.as_user(token)
    assert (await me_api.get_current_user()).id == user.id

    await me_api.logout(authing_pool.app_id)
    with pytest.raises(NotLoggedInError):
        await me_api.get_current_user()
    status = await auth.check_login_status(token)
    assert status is not None and status.status is False and status.code == 2206


async def test_unbinding_the_last_login_method_fails_with_1320005(
    authing_client: Any, authing_pool: Any
) -> None:
    auth = authing_client
    phone = "13900139000"
    await auth.send_sms_code(phone)
    user = await auth.login_by_phone_code(phone, _outbox_code(authing_pool, "sms", phone))
    assert user is not None and user.token
    me_api = auth.as_user(user.token)

    with pytest.raises(AuthingError) as info:
        await me_api.unbind_phone()
    assert info.value.code == 1320005
    assert (await me_api.get_current_user()).phone == phone

    # With an email bound as well, the phone can go.
    email = "pat@example.com"
    await auth.send_email(email, "CHANGE_EMAIL")
    bound = await me_api.bind_email(email, _outbox_code(authing_pool, "email", email))
    assert bound.email == email and bound.email_verified is True
    unbound = await me_api.unbind_phone()
    assert unbound.phone is None
    with pytest.raises(AuthingError) as info:
        await me_api.unbind_email()
    assert info.value.code == 1320005


async def test_security_level_and_delete_account(authing_client: Any) -> None:
    auth = authing_client
    await auth.register_by_email("del@example.com", "del-pass-1")
    user = await auth.login_by_email("del@example.com", "del-pass-1")
    assert user is not None and user.token
    me_api = auth.as_user(user.token)
    level = await me_api.get_security_level()
    assert level.email is True and level.phone is False and level.password is True
    await me_api.delete_account()
    with pytest.raises(InvalidCredentialsError):
        await auth.login_by_email("del@example.com", "del-pass-1")


class _NoNetwork(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"nothing should be sent, got {request.method} {request.url}")


@pytest.fixture
async def offline_client(anyio_backend: Any) -> Any:
    from aioauthing.runtime.clients import AuthenticationClient

    async with AuthenticationClient(
        "app-id",
        host="http://127.0.0.1:9",
        user_pool_id="pool-id",
        strict=True,
        http_client=httpx.AsyncClient(transport=_NoNetwork()),
    ) as client:
        yield client


async def test_invalid_email_is_rejected_before_sending(offline_client: Any) -> None:
    with pytest.raises(AuthingValidationError) as info:
        await offline_client.login_by_email("not-an-email", "pw-123456")
    assert info.value.parameter == "email"


async def test_empty_password_is_rejected_before_sending(offline_client: Any) -> None:
    with pytest.raises(AuthingValidationError) as info:
        await offline_client.register_by_email("ok@example.com", "")
    assert info.value.parameter == "password"


async def test_phone_with_letters_is_rejected_before_sending(offline_client: Any) -> None:
    with pytest.raises(AuthingValidationError) as info:
        await offline_client.send_sms_code("138abc00000")
    assert info.value.parameter == "phone"


async def test_unknown_resource_type_is_rejected_before_sending(offline_client: Any) -> None:
    with pytest.raises(AuthingValidationError) as info:
        await offline_client.as_user("token").list_authorized_resources(
            "user-id", resource_type="SPACESHIP"
        )
    assert info.value.parameter == "resource_type"
