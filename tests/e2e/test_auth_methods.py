"""One end-to-end test per documented authentication method: the happy path and its main
documented error, against the emulator (Go "认证核心模块" and Android "核心认证 API" pages)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from emulator_admin import add_directory_user, cas_ticket, outbox_code, patch_user

from aioauthing.generated import models
from aioauthing.runtime.errors import (
    AlreadyExistsError,
    AuthingError,
    InvalidCredentialsError,
    InvalidInputError,
    InvalidVerificationCodeError,
    NotLoggedInError,
    PermissionDeniedError,
)

pytestmark = pytest.mark.anyio


async def _signed_in(auth: Any, email: str = "me@example.com", password: str = "me-pass-1") -> Any:
    """Register ``email`` and return (user, per-user view)."""
    await auth.register_by_email(email, password)
    user = await auth.login_by_email(email, password)
    assert user is not None and user.token
    return user, auth.as_user(user.token)


async def _revoked_view(auth: Any, pool: Any) -> Any:
    """The view of a user whose token was revoked by logging out."""
    user, me = await _signed_in(auth, "gone@example.com", "gone-pass-1")
    await me.logout(pool.app_id)
    return user, me


# -- register --------------------------------------------------------------------------------


async def test_register_by_email_and_duplicate_is_2026(authing_client: Any) -> None:
    user = await authing_client.register_by_email("amy@example.com", "amy-pass-1")
    assert user is not None and user.email == "amy@example.com" and user.token is None
    with pytest.raises(AlreadyExistsError) as info:
        await authing_client.register_by_email("AMY@example.com", "other-pass-2")
    assert info.value.code == 2026


async def test_register_by_email_with_force_login_returns_a_token(authing_client: Any) -> None:
    user = await authing_client.register_by_email("bo@example.com", "bo-pass-1", force_login=True)
    assert user is not None and user.token and user.logins_count == 1


async def test_register_by_username_and_duplicate_is_rejected(authing_client: Any) -> None:
    user = await authing_client.register_by_username("carol", "carol-pass-1", generate_token=True)
    assert user is not None and user.username == "carol" and user.token
    with pytest.raises(AlreadyExistsError):
        await authing_client.register_by_username("carol", "carol-pass-2")


async def test_register_by_email_code_with_a_wrong_code_is_2001(
    authing_client: Any, authing_pool: Any
) -> None:
    await authing_client.send_email("dan@example.com", "REGISTER_VERIFY_CODE")
    code = outbox_code(authing_pool, "email", "dan@example.com")
    with pytest.raises(InvalidVerificationCodeError) as info:
        await authing_client.register_by_email_code("dan@example.com", "x" + code)
    assert info.value.code == 2001
    user = await authing_client.register_by_email_code("dan@example.com", code)
    assert user.email == "dan@example.com" and user.token


async def test_register_by_extend_field_then_login_by_account(authing_client: Any) -> None:
    user = await authing_client.register_by_extend_field(
        "employeeNo", "E-1001", password="e-pass-1"
    )
    assert user.token and user.logins_count == 1
    again = await authing_client.login_by_account("E-1001", "e-pass-1")
    assert again.id == user.id
    with pytest.raises(AlreadyExistsError) as info:
        await authing_client.register_by_extend_field("employeeNo", "E-1001", password="x-pass-2")
    assert info.value.code == 2026


# -- login -----------------------------------------------------------------------------------


async def test_login_by_email_with_a_wrong_password_is_2333(authing_client: Any) -> None:
    await authing_client.register_by_email("eve@example.com", "eve-pass-1")
    user = await authing_client.login_by_email("eve@example.com", "eve-pass-1")
    assert user is not None and user.email == "eve@example.com" and user.token
    with pytest.raises(InvalidCredentialsError) as info:
        await authing_client.login_by_email("eve@example.com", "nope-pass-1")
    assert info.value.code == 2333


async def test_login_by_username_and_unknown_user(authing_client: Any) -> None:
    await authing_client.register_by_username("frank", "frank-pass-1")
    user = await authing_client.login_by_username("frank", "frank-pass-1", client_ip="10.0.0.7")
    assert user is not None and user.username == "frank" and user.last_ip == "10.0.0.7"
    with pytest.raises(InvalidCredentialsError):
        await authing_client.login_by_username("nobody", "frank-pass-1")


async def test_login_by_phone_password_with_a_wrong_password(
    authing_client: Any, authing_pool: Any
) -> None:
    phone = "13700137000"
    await authing_client.send_sms_code(phone)
    code = outbox_code(authing_pool, "sms", phone)
    await authing_client.register_by_phone_code(phone, code, password="gina-pass-1")
    user = await authing_client.login_by_phone_password(phone, "gina-pass-1")
    assert user is not None and user.phone == phone and user.token
    with pytest.raises(InvalidCredentialsError):
        await authing_client.login_by_phone_password(phone, "gina-pass-2")


async def test_login_by_phone_code_with_a_wrong_code_is_2001(
    authing_client: Any, authing_pool: Any
) -> None:
    phone = "13600136000"
    await authing_client.send_sms_code(phone)
    code = outbox_code(authing_pool, "sms", phone)
    with pytest.raises(InvalidVerificationCodeError):
        await authing_client.login_by_phone_code(phone, "0" + code)
    user = await authing_client.login_by_phone_code(phone, code)
    assert user is not None and user.phone == phone and user.phone_verified


@pytest.mark.parametrize("kind", ["ldap", "ad"])
async def test_login_by_directory_imports_then_refreshes_the_account(
    authing_client: Any, authing_pool: Any, kind: str
) -> None:
    add_directory_user(authing_pool, kind, "hal", "dir-pass-1", nickname="Hal", company="ACME")
    login = authing_client.login_by_ldap if kind == "ldap" else authing_client.login_by_ad
    first = await login("hal", "dir-pass-1")
    assert first.username == "hal" and first.nickname == "Hal" and first.token
    assert first.register_source == [kind]
    again = await login("hal", "dir-pass-1")
    assert again.id == first.id and again.logins_count == 2
    with pytest.raises(InvalidCredentialsError) as info:
        await login("hal", "wrong-pass")
    assert info.value.code == 2333
    with pytest.raises(InvalidCredentialsError):
        await login("unknown", "dir-pass-1")


async def test_ldap_and_ad_directories_are_separate(authing_client: Any, authing_pool: Any) -> None:
    add_directory_user(authing_pool, "ldap", "ivy", "ldap-pass-1")
    with pytest.raises(InvalidCredentialsError):
        await authing_client.login_by_ad("ivy", "ldap-pass-1")


async def test_login_by_sub_account_only_for_sub_accounts(
    authing_client: Any, authing_pool: Any
) -> None:
    main = await authing_client.register_by_username("jack", "main-pass-1")
    sub = await authing_client.register_by_username("jack-ops", "sub-pass-1")
    assert main is not None and sub is not None
    # Not (yet) a sub-account: rejected like a wrong password.
    with pytest.raises(InvalidCredentialsError) as info:
        await authing_client.login_by_sub_account("jack-ops", "sub-pass-1")
    assert info.value.code == 2333
    patch_user(authing_pool, sub.id, _subAccountOf=main.id)
    user = await authing_client.login_by_sub_account("jack-ops", "sub-pass-1")
    assert user.id == sub.id and user.token
    me = await authing_client.as_user(user.token).get_current_user()
    assert me.id == sub.id
    with pytest.raises(InvalidCredentialsError):
        await authing_client.login_by_sub_account("jack-ops", "main-pass-1")


@pytest.mark.parametrize("field", ["phone", "email", "username"])
async def test_login_by_account_accepts_phone_email_or_username(
    authing_management_client: Any, authing_client: Any, field: str
) -> None:
    values = {"phone": "13500135000", "email": "kim@example.com", "username": "kim"}
    created = await authing_management_client.users.create(
        models.CreateUserInput(**values, password="kim-pass-1")
    )
    user = await authing_client.login_by_account(values[field], "kim-pass-1")
    assert user.id == created.id and user.token
    with pytest.raises(InvalidCredentialsError) as info:
        await authing_client.login_by_account(values[field], "kim-pass-2")
    assert info.value.code == 2333


async def test_login_by_account_auto_register(authing_client: Any) -> None:
    with pytest.raises(InvalidCredentialsError):
        await authing_client.login_by_account("lea", "lea-pass-1")
    user = await authing_client.login_by_account("lea", "lea-pass-1", auto_register=True)
    assert user.username == "lea" and user.token
    assert (await authing_client.login_by_account("lea", "lea-pass-1")).id == user.id


async def test_login_by_email_code_with_a_wrong_code_is_2001(
    authing_client: Any, authing_pool: Any
) -> None:
    await authing_client.send_email("max@example.com", "LOGIN_VERIFY_CODE")
    code = outbox_code(authing_pool, "email", "max@example.com")
    with pytest.raises(InvalidVerificationCodeError):
        await authing_client.login_by_email_code("max@example.com", code + "1")
    user = await authing_client.login_by_email_code("max@example.com", code)
    assert user.email == "max@example.com" and user.token


# -- public helpers --------------------------------------------------------------------------


async def test_send_sms_code_puts_a_code_in_the_outbox(
    authing_client: Any, authing_pool: Any
) -> None:
    result = await authing_client.send_sms_code("13400134000")
    assert result.code == 200
    assert outbox_code(authing_pool, "sms", "13400134000").isdigit()


async def test_send_email_for_each_scene(authing_client: Any, authing_pool: Any) -> None:
    for scene in models.EmailScene:
        result = await authing_client.send_email("ned@example.com", scene)
        assert result.code == 200
    assert outbox_code(authing_pool, "email", "ned@example.com")


async def test_reset_password_by_phone_code(authing_client: Any, authing_pool: Any) -> None:
    phone = "13300133000"
    await authing_client.send_sms_code(phone)
    code = outbox_code(authing_pool, "sms", phone)
    await authing_client.register_by_phone_code(phone, code, password="old-pass-1")
    await authing_client.send_sms_code(phone)
    code = outbox_code(authing_pool, "sms", phone)
    with pytest.raises(InvalidVerificationCodeError):
        await authing_client.reset_password_by_phone_code(phone, code + "9", "new-pass-1")
    result = await authing_client.reset_password_by_phone_code(phone, code, "new-pass-1")
    assert result is not None and result.code == 200
    assert await authing_client.login_by_phone_password(phone, "new-pass-1") is not None
    with pytest.raises(InvalidCredentialsError):
        await authing_client.login_by_phone_password(phone, "old-pass-1")


async def test_reset_password_by_email_code_with_a_wrong_code(
    authing_client: Any, authing_pool: Any
) -> None:
    await authing_client.register_by_email("olga@example.com", "old-pass-1")
    await authing_client.send_email("olga@example.com", "RESET_PASSWORD")
    code = outbox_code(authing_pool, "email", "olga@example.com")
    with pytest.raises(InvalidVerificationCodeError):
        await authing_client.reset_password_by_email_code("olga@example.com", "1" + code, "n-1")


async def test_check_login_status_of_valid_and_garbage_tokens(authing_client: Any) -> None:
    user, _me = await _signed_in(authing_client)
    status = await authing_client.check_login_status(user.token)
    assert status is not None and status.status is True and status.code == 200
    assert status.data is not None and status.data.id == user.id
    bad = await authing_client.check_login_status("not-a-token")
    assert bad is not None and bad.status is False


async def test_check_password_strength(authing_client: Any) -> None:
    ok = await authing_client.check_password_strength("long-enough-1")
    assert ok.valid is True
    weak = await authing_client.check_password_strength("123")
    assert weak.valid is False and weak.message


async def test_is_user_exists(authing_client: Any) -> None:
    await authing_client.register_by_username("pam", "pam-pass-1")
    assert await authing_client.is_user_exists(username="pam") is True
    assert await authing_client.is_user_exists(username="PAM") is False
    assert await authing_client.is_user_exists(email="pam@example.com") is False


async def test_upload_photo_then_update_the_profile(authing_client: Any) -> None:
    user, me = await _signed_in(authing_client)
    uploaded = await authing_client.upload_photo(("me.png", b"\x89PNG fake image", "image/png"))
    assert uploaded.url.startswith("https://") and uploaded.url.endswith("me.png")
    updated = await me.update_profile(user.id, models.UpdateUserInput(photo=uploaded.url))
    assert updated.photo == uploaded.url
    with pytest.raises(AuthingError) as info:
        await authing_client.upload_photo(("empty.png", b"", "image/png"))
    assert info.value.code == 400


# -- CAS and SSO -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["XML", "JSON"])
async def test_validate_ticket_v2_success_once_then_failure(
    authing_client: Any, authing_pool: Any, fmt: str
) -> None:
    user = await authing_client.register_by_username("quinn", "quinn-pass-1")
    assert user is not None
    service = "https://app.example.com/callback"
    ticket = cas_ticket(authing_pool, user.id, service)
    answer = await authing_client.validate_ticket_v2(ticket, service, response_format=fmt)
    if fmt == "JSON":
        success = json.loads(answer)["serviceResponse"]["authenticationSuccess"]
        assert success["user"] == "quinn"
    else:
        assert "<cas:authenticationSuccess><cas:user>quinn</cas:user>" in answer
    # A ticket is validated once.
    again = await authing_client.validate_ticket_v2(ticket, service, response_format=fmt)
    assert "authenticationFailure" in again and "INVALID_TICKET" in again


async def test_validate_ticket_v2_for_another_service_fails(
    authing_client: Any, authing_pool: Any
) -> None:
    user = await authing_client.register_by_username("rae", "rae-pass-1")
    assert user is not None
    ticket = cas_ticket(authing_pool, user.id, "https://a.example.com/")
    answer = await authing_client.validate_ticket_v2(ticket, "https://b.example.com/")
    assert "<cas:authenticationFailure" in answer


async def test_track_session_follows_the_users_session(
    authing_client: Any, authing_pool: Any
) -> None:
    assert (await authing_client.track_session()).session is None
    user, me = await _signed_in(authing_client)
    # The real service reads the browser's SSO cookie; the emulator reads the user's token.
    browser = authing_client.with_options(headers={"Authorization": f"Bearer {user.token}"})
    tracked = await browser.track_session()
    assert tracked.session is not None and tracked.user_info is not None
    assert tracked.user_info["id"] == user.id
    await me.logout(authing_pool.app_id)
    assert (await browser.track_session()).session is None


# -- the signed-in user ----------------------------------------------------------------------


async def test_get_current_user(authing_client: Any) -> None:
    user, me = await _signed_in(authing_client)
    current = await me.get_current_user()
    assert current.id == user.id and current.email == "me@example.com"


async def test_logout_twice_is_1010001(authing_client: Any, authing_pool: Any) -> None:
    _user, me = await _signed_in(authing_client)
    result = await me.logout(authing_pool.app_id)
    assert result.code == 200
    with pytest.raises(NotLoggedInError) as info:
        await me.logout(authing_pool.app_id)
    assert info.value.code == 1010001


async def test_custom_data_list_set_and_remove(authing_client: Any) -> None:
    user, me = await _signed_in(authing_client)
    assert await me.list_udv(user.id) == []
    values = await me.set_udv(
        user.id,
        [
            models.UserDefinedDataInput(key="school", value="PKU"),
            models.UserDefinedDataInput(key="age", value=20),
        ],
    )
    assert values is not None
    stored = {v.key: (v.data_type, v.value) for v in await me.list_udv(user.id)}
    # Values come back typed by their field's data type (undefined keys are inferred).
    assert stored == {"school": ("STRING", "PKU"), "age": ("NUMBER", 20)}
    remaining = await me.remove_udv(user.id, "school")
    assert [v.key for v in remaining or []] == ["age"]


async def test_custom_data_of_another_user_is_refused(authing_client: Any) -> None:
    other = await authing_client.register_by_username("sam", "sam-pass-1")
    assert other is not None
    _user, me = await _signed_in(authing_client)
    with pytest.raises(PermissionDeniedError):
        await me.list_udv(other.id)


async def test_update_profile_fields(authing_client: Any) -> None:
    user, me = await _signed_in(authing_client)
    updated = await me.update_profile(
        user.id, models.UpdateUserInput(nickname="Tess", city="Hangzhou", gender="F")
    )
    assert (updated.nickname, updated.city, updated.gender) == ("Tess", "Hangzhou", "F")


async def test_bind_phone_with_a_wrong_code_is_2001(authing_client: Any, authing_pool: Any) -> None:
    _user, me = await _signed_in(authing_client)
    phone = "13200132000"
    await authing_client.send_sms_code(phone)
    code = outbox_code(authing_pool, "sms", phone)
    with pytest.raises(InvalidVerificationCodeError):
        await me.bind_phone(phone, code + "0")
    bound = await me.bind_phone(phone, code)
    assert bound.phone == phone and bound.phone_verified is True


async def test_update_phone_verifies_old_and_new_numbers(
    authing_client: Any, authing_pool: Any
) -> None:
    old, new = "13100131000", "13100131001"
    await authing_client.send_sms_code(old)
    user = await authing_client.login_by_phone_code(old, outbox_code(authing_pool, "sms", old))
    assert user is not None and user.token
    me = authing_client.as_user(user.token)
    await authing_client.send_sms_code(new)
    new_code = outbox_code(authing_pool, "sms", new)
    with pytest.raises(InvalidInputError) as info:
        await me.update_phone(new, new_code, old_phone="13999999999", old_phone_code="1234")
    assert info.value.code == 2038
    await authing_client.send_sms_code(old)
    old_code = outbox_code(authing_pool, "sms", old)
    updated = await me.update_phone(new, new_code, old_phone=old, old_phone_code=old_code)
    assert updated.phone == new
    assert (await me.get_current_user()).phone == new


async def test_bind_email_with_a_wrong_code_is_2001(authing_client: Any, authing_pool: Any) -> None:
    phone = "13000130000"
    await authing_client.send_sms_code(phone)
    user = await authing_client.login_by_phone_code(phone, outbox_code(authing_pool, "sms", phone))
    assert user is not None and user.token
    me = authing_client.as_user(user.token)
    await authing_client.send_email("uma@example.com", "CHANGE_EMAIL")
    code = outbox_code(authing_pool, "email", "uma@example.com")
    with pytest.raises(InvalidVerificationCodeError):
        await me.bind_email("uma@example.com", code + "2")


async def test_update_email_verifies_old_and_new_addresses(
    authing_client: Any, authing_pool: Any
) -> None:
    _user, me = await _signed_in(authing_client, "vic@example.com", "vic-pass-1")
    new = "victor@example.com"
    await authing_client.send_email(new, "CHANGE_EMAIL")
    new_code = outbox_code(authing_pool, "email", new)
    with pytest.raises(InvalidInputError) as info:
        await me.update_email(new, new_code, old_email="else@example.com", old_email_code="1")
    assert info.value.code == 2037
    await authing_client.send_email("vic@example.com", "CHANGE_EMAIL")
    old_code = outbox_code(authing_pool, "email", "vic@example.com")
    updated = await me.update_email(
        new, new_code, old_email="vic@example.com", old_email_code=old_code
    )
    assert updated.email == new and updated.email_verified is True
    assert await authing_client.login_by_email(new, "vic-pass-1") is not None


async def test_roles_of_the_signed_in_user(
    authing_client: Any, authing_management_client: Any
) -> None:
    user, me = await _signed_in(authing_client)
    assert (await me.list_roles(user.id)).total_count == 0
    await authing_management_client.roles.create("editor")
    await authing_management_client.roles.add_users(["editor"], user_ids=[user.id])
    roles = await me.list_roles(user.id)
    assert roles is not None and [r.code for r in roles.list] == ["editor"]
    # Go's HasRole: look for the code in the list.
    assert any(r.code == "editor" for r in roles.list)
    assert not any(r.code == "admin" for r in roles.list)


async def test_authorized_resources_departments_orgs_and_applications(
    authing_client: Any, authing_pool: Any
) -> None:
    user, me = await _signed_in(authing_client)
    for resource_type in ("DATA", "API", "MENU", "UI", "BUTTON"):
        resources = await me.list_authorized_resources(
            user.id, namespace="default", resource_type=resource_type
        )
        assert resources is not None and resources.total_count == 0
    departments = await me.list_departments(user.id)
    assert departments is not None and departments.total_count == 0
    assert await me.list_orgs() == []
    apps = await me.list_applications()
    assert apps.total_count == 1 and apps.list[0].id == authing_pool.app_id
    assert [a.id async for a in me.iter_list_applications(page_size=1)] == [authing_pool.app_id]


async def test_security_level_reflects_bound_methods(
    authing_client: Any, authing_pool: Any
) -> None:
    phone = "18900189000"
    await authing_client.send_sms_code(phone)
    user = await authing_client.login_by_phone_code(phone, outbox_code(authing_pool, "sms", phone))
    assert user is not None and user.token
    level = await authing_client.as_user(user.token).get_security_level()
    assert (level.phone, level.email, level.password) == (True, False, False)


async def test_refresh_token_keeps_the_old_token_valid_until_logout(authing_client: Any) -> None:
    user, me = await _signed_in(authing_client)
    refreshed = await me.refresh_token()
    assert refreshed is not None and refreshed.token != user.token
    assert refreshed.exp is not None and refreshed.iat is not None and refreshed.exp > refreshed.iat
    assert (await me.get_current_user()).id == user.id
    assert (await authing_client.as_user(refreshed.token).get_current_user()).id == user.id


async def test_delete_account_twice_is_2020(authing_client: Any) -> None:
    _user, me = await _signed_in(authing_client)
    assert (await me.delete_account()).code == 200
    with pytest.raises(NotLoggedInError) as info:
        await me.delete_account()
    assert info.value.code == 2020


# -- every per-user method refuses a revoked token (2020) -------------------------------------

USER_CALLS: dict[str, Any] = {
    "get_current_user": lambda me, uid: me.get_current_user(),
    "update_profile": lambda me, uid: me.update_profile(uid, models.UpdateUserInput(nickname="x")),
    "update_password": lambda me, uid: me.update_password("new-pass-1", old_password="gone-1"),
    "bind_phone": lambda me, uid: me.bind_phone("13812345678", "1234"),
    "unbind_phone": lambda me, uid: me.unbind_phone(),
    "update_phone": lambda me, uid: me.update_phone("13812345678", "1234"),
    "bind_email": lambda me, uid: me.bind_email("x@example.com", "1234"),
    "unbind_email": lambda me, uid: me.unbind_email(),
    "update_email": lambda me, uid: me.update_email("x@example.com", "1234"),
    "link_account": lambda me, uid: me.link_account(me.token, me.token),
    "get_security_level": lambda me, uid: me.get_security_level(),
    "refresh_token": lambda me, uid: me.refresh_token(),
    "delete_account": lambda me, uid: me.delete_account(),
    "list_udv": lambda me, uid: me.list_udv(uid),
    "set_udv": lambda me, uid: me.set_udv(uid, [models.UserDefinedDataInput(key="k", value="1")]),
    "remove_udv": lambda me, uid: me.remove_udv(uid, "k"),
    "list_roles": lambda me, uid: me.list_roles(uid),
    "list_authorized_resources": lambda me, uid: me.list_authorized_resources(uid),
    "list_departments": lambda me, uid: me.list_departments(uid),
    "list_orgs": lambda me, uid: me.list_orgs(),
    "list_applications": lambda me, uid: me.list_applications(),
}


@pytest.mark.parametrize("name", sorted(USER_CALLS))
async def test_per_user_method_with_a_revoked_token_is_not_logged_in(
    authing_client: Any, authing_pool: Any, name: str
) -> None:
    user, me = await _revoked_view(authing_client, authing_pool)
    with pytest.raises(NotLoggedInError) as info:
        await USER_CALLS[name](me, user.id)
    assert info.value.code == 2020


def test_every_per_user_method_is_exercised_with_a_revoked_token() -> None:
    from aioauthing.generated.clients import UserApis

    methods = {
        n
        for n in vars(UserApis)
        if not n.startswith("_") and not n.startswith("iter_") and callable(getattr(UserApis, n))
    }
    assert methods - set(USER_CALLS) == {"logout"}  # logout answers 1010001 (tested above)


async def test_a_view_knows_its_user_and_its_client_app(
    authing_client: Any, authing_management_client: Any
) -> None:
    """list_udv(), list_roles() and logout() take the user from the token, the app from the
    client (as the official clients take them from their current user); explicit values work."""
    user, me = await _signed_in(authing_client)
    await me.set_udv(user.id, [models.UserDefinedDataInput(key="school", value="PKU")])
    await authing_management_client.roles.create("reader")
    await authing_management_client.roles.add_users(["reader"], user_ids=[user.id])
    assert [(v.key, v.value) for v in await me.list_udv()] == [("school", "PKU")]
    assert await me.list_udv() == await me.list_udv(user.id)
    roles = await me.list_roles()
    assert roles is not None and [r.code for r in roles.list] == ["reader"]
    assert (await me.logout()).code == 200
    with pytest.raises(NotLoggedInError) as info:  # the token is gone: logout used the app id
        await me.logout(authing_client.app_id)
    assert info.value.code == 1010001
