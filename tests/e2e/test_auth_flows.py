"""End-user authentication flows against the emulator, and client-side argument validation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from emulator_admin import add_directory_user, outbox_code, patch_user

from aioauthing import NotLoggedInError
from aioauthing.generated import models
from aioauthing.runtime.clients import AuthenticationClient
from aioauthing.runtime.errors import (
    AccountStateError,
    AuthingError,
    AuthingValidationError,
    InvalidCredentialsError,
    InvalidVerificationCodeError,
    TokenExpiredError,
)
from aioauthing.runtime.tokens import FileTokenStore, MemoryTokenStore, TokenStore

pytestmark = pytest.mark.anyio


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

    updated = await me_api.update_profile(user.id, models.UpdateUserInput(nickname="Amazing Grace"))
    assert updated.nickname == "Amazing Grace"
    assert (await me_api.get_current_user()).nickname == "Amazing Grace"

    with pytest.raises(InvalidCredentialsError) as wrong_old:
        await me_api.update_password("second-pass-2", old_password="wrong-old-pass")
    assert wrong_old.value.code == 2006  # GraphQL: four-digit code (REST says 1320011)
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
    code = outbox_code(authing_pool, "sms", phone)
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
    logged_in = await auth.login_by_phone_code(phone, outbox_code(authing_pool, "sms", phone))
    assert logged_in is not None and logged_in.id == created.id and logged_in.token
    by_password = await auth.login_by_phone_password(phone, "phone-pass-1")
    assert by_password is not None and by_password.id == created.id


async def test_email_code_scenes_register_login_and_reset_password(
    authing_client: Any, authing_pool: Any
) -> None:
    auth = authing_client
    email = "lin@example.com"
    await auth.send_email(email, "VERIFY_CODE")
    registered = await auth.register_by_email_code(email, outbox_code(authing_pool, "email", email))
    assert registered.email == email and registered.token

    await auth.send_email(email, "LOGIN_VERIFY_CODE")
    logged_in = await auth.login_by_email_code(email, outbox_code(authing_pool, "email", email))
    assert logged_in.id == registered.id

    await auth.send_email(email, "RESET_PASSWORD")
    code = outbox_code(authing_pool, "email", email)
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
    user = await auth.login_by_phone_code(phone, outbox_code(authing_pool, "sms", phone))
    assert user is not None and user.token
    me_api = auth.as_user(user.token)

    with pytest.raises(AuthingError) as info:
        await me_api.unbind_phone()
    assert info.value.code == 1320005
    assert (await me_api.get_current_user()).phone == phone

    # With an email bound as well, the phone can go.
    email = "pat@example.com"
    await auth.send_email(email, "CHANGE_EMAIL")
    bound = await me_api.bind_email(email, outbox_code(authing_pool, "email", email))
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


async def test_link_accounts_moves_identities_and_deletes_the_secondary(
    authing_client: Any, authing_pool: Any
) -> None:
    auth = authing_client
    add_directory_user(authing_pool, "ldap", "wen", "ldap-pass-1")
    secondary = await auth.login_by_ldap("wen", "ldap-pass-1")
    await auth.register_by_email("wen@example.com", "wen-pass-1")
    primary = await auth.login_by_email("wen@example.com", "wen-pass-1")
    assert primary is not None and primary.token and secondary.token
    me = auth.as_user(primary.token)

    result = await me.link_account(primary.token, secondary.token)
    assert result.code == 200
    # The secondary account is gone: its token no longer works...
    with pytest.raises(NotLoggedInError):
        await auth.as_user(secondary.token).get_current_user()
    # ...and its LDAP identity now leads to the primary account.
    again = await auth.login_by_ldap("wen", "ldap-pass-1")
    assert again.id == primary.id
    assert "ldap" in (await me.get_current_user()).register_source
    # A token that is not a valid user token is refused.
    with pytest.raises(NotLoggedInError) as info:
        await me.link_account(primary.token, "not-a-token")
    assert info.value.code == 2020


async def test_first_login_must_reset_the_password_with_the_1639_token(
    authing_client: Any, authing_management_client: Any
) -> None:
    created = await authing_management_client.users.create(
        models.CreateUserInput(username="xena", password="initial-1"),
        reset_password_on_first_login=True,
    )
    with pytest.raises(AccountStateError) as info:
        await authing_client.login_by_username("xena", "initial-1")
    assert info.value.code == 1639
    token = info.value.data["token"]
    with pytest.raises(AuthingError) as wrong:
        await authing_client.reset_password_by_first_token("wrong-token", "chosen-pass-1")
    assert type(wrong.value) is TokenExpiredError and wrong.value.code == 2206
    result = await authing_client.reset_password_by_first_token(token, "chosen-pass-1")
    assert result is not None and result.code == 200
    # The token is spent; the new password logs in, the initial one no longer does.
    with pytest.raises(AuthingError) as spent:
        await authing_client.reset_password_by_first_token(token, "other-pass-1")
    assert type(spent.value) is TokenExpiredError and spent.value.code == 2206
    user = await authing_client.login_by_username("xena", "chosen-pass-1")
    assert user is not None and user.id == created.id
    with pytest.raises(InvalidCredentialsError):
        await authing_client.login_by_username("xena", "initial-1")


async def test_forced_reset_needs_the_old_password_with_the_2058_token(
    authing_client: Any, authing_pool: Any
) -> None:
    user = await authing_client.register_by_username("yuri", "expired-pass-1")
    assert user is not None
    patch_user(authing_pool, user.id, _forceResetPassword=True)
    with pytest.raises(AccountStateError) as info:
        await authing_client.login_by_username("yuri", "expired-pass-1")
    assert info.value.code == 2058
    token = info.value.data["token"]
    with pytest.raises(InvalidCredentialsError) as wrong:
        await authing_client.reset_password_with_force_reset(
            token, "not-the-old-one", "fresh-pass-1"
        )
    assert wrong.value.code == 2006
    result = await authing_client.reset_password_with_force_reset(
        token, "expired-pass-1", "fresh-pass-1"
    )
    assert result is not None and result.code == 200
    again = await authing_client.login_by_username("yuri", "fresh-pass-1")
    assert again is not None and again.id == user.id


@pytest.fixture(params=["memory", "file"])
def remember_store(request: pytest.FixtureRequest, tmp_path: Any) -> TokenStore:
    if request.param == "memory":
        return MemoryTokenStore()
    return FileTokenStore(tmp_path / "aioauthing" / "tokens.json")


async def test_remember_mode_keeps_the_current_user_across_clients(
    authing_pool: Any, remember_store: TokenStore
) -> None:
    def client() -> AuthenticationClient:
        return AuthenticationClient(
            authing_pool.app_id,
            host=authing_pool.host,
            user_pool_id=authing_pool.user_pool_id,
            public_key=authing_pool.public_key,
            strict=True,
            remember=remember_store,
        )

    async with client() as auth:
        with pytest.raises(NotLoggedInError):
            await auth.current_user_view()
        # Registering without a token remembers nothing; logging in does.
        await auth.register_by_username("zoe", "zoe-pass-1")
        with pytest.raises(NotLoggedInError):
            await auth.current_user_view()
        user = await auth.login_by_username("zoe", "zoe-pass-1")
        assert user is not None
        me = await auth.current_user_view()
        assert me.token == user.token
        # Refreshing follows the new token.
        refreshed = await me.refresh_token()
        assert refreshed is not None
        assert (await auth.current_user_view()).token == refreshed.token

    # A new client (a new run of the CLI) finds the user in the store.
    async with client() as auth:
        me = await auth.current_user_view()
        assert (await me.get_current_user()).id == user.id
        # Logging out another user's view leaves the remembered user alone.
        other = await auth.register_by_username("ann", "ann-pass-1", generate_token=True)
        assert other is not None and other.token
        assert (await auth.current_user_view()).token == other.token
        await auth.remember(me.token)
        await auth.as_user(other.token).logout(authing_pool.app_id)
        assert (await auth.current_user_view()).token == me.token
        # Logging the remembered user out forgets it.
        await me.logout(authing_pool.app_id)
        with pytest.raises(NotLoggedInError):
            await auth.current_user_view()


async def test_without_remember_mode_logins_leave_no_current_user(authing_client: Any) -> None:
    await authing_client.register_by_username("abe", "abe-pass-1")
    user = await authing_client.login_by_username("abe", "abe-pass-1")
    assert user is not None and user.token
    assert authing_client.remembered is None
    with pytest.raises(NotLoggedInError):
        await authing_client.current_user_view()


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


async def test_unknown_email_scene_is_rejected_before_sending(offline_client: Any) -> None:
    with pytest.raises(AuthingValidationError) as info:
        await offline_client.send_email("ok@example.com", "SPACESHIP")
    assert info.value.parameter == "scene"


async def test_every_documented_resource_type_is_accepted(offline_client: Any) -> None:
    for resource_type in models.ResourceType:
        with pytest.raises(AssertionError, match="nothing should be sent"):
            await offline_client.as_user("token").list_authorized_resources(
                "user-id", resource_type=resource_type
            )
