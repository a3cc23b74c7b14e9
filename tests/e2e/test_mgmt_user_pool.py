"""User pool settings, environment variables and registration whitelists, end to end: the
settings are enforced by later registrations and logins."""

from __future__ import annotations

from typing import Any

import pytest
from emulator_admin import outbox_code

from aioauthing import AuthingValidationError, NotFoundError, PermissionDeniedError, models
from aioauthing.runtime.errors import AccountStateError

pytestmark = pytest.mark.anyio


async def test_detail_and_update_enforced_by_registration_and_login(
    authing_management_client: Any, authing_client: Any, authing_pool: Any
) -> None:
    mgmt, auth = authing_management_client, authing_client
    pool = await mgmt.user_pool.detail()
    assert (pool.id, pool.secret) == (authing_pool.user_pool_id, authing_pool.secret)
    assert (pool.register_disabled, pool.login_require_email_verified) == (False, False)

    await auth.register_by_email("ada@x.org", "pw123456")
    updated = await mgmt.user_pool.update(
        models.UpdateUserpoolInput(
            register_disabled=True,
            login_require_email_verified=True,
            description="closed",
            login_fail_check=models.LoginFailCheckConfigInput(limit=7),
        )
    )
    assert (updated.register_disabled, updated.description) == (True, "closed")
    assert updated.login_fail_check is not None and updated.login_fail_check.limit == 7
    assert updated.login_fail_check.time_interval == 300  # nested settings merge
    again = await mgmt.user_pool.detail()
    assert (again.register_disabled, again.login_require_email_verified) == (True, True)

    with pytest.raises(PermissionDeniedError) as refused:
        await auth.register_by_username("bob", "pw123456")
    assert refused.value.code == 2031
    with pytest.raises(AccountStateError) as unverified:
        await auth.login_by_email("ada@x.org", "pw123456")
    assert unverified.value.code == 2042
    ada = await mgmt.users.find(email="ada@x.org")
    await mgmt.users.update(ada.id, models.UpdateUserInput(email_verified=True))
    assert (await auth.login_by_email("ada@x.org", "pw123456")).email == "ada@x.org"
    created = await mgmt.users.create(models.CreateUserInput(username="carol"))
    assert created.username == "carol"  # administrators still create accounts

    await mgmt.user_pool.update(models.UpdateUserpoolInput(register_disabled=False))
    assert (await auth.register_by_username("bob", "pw123456")).username == "bob"


async def test_env_variables(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    assert await mgmt.user_pool.list_env() == []
    added = await mgmt.user_pool.add_env("API_URL", "https://a.example")
    assert (added.key, added.value) == ("API_URL", "https://a.example")
    await mgmt.user_pool.add_env("LEVEL", "3")
    await mgmt.user_pool.add_env("API_URL", "https://b.example")  # same key: new value
    listed = {e.key: e.value for e in await mgmt.user_pool.list_env()}
    assert listed == {"API_URL": "https://b.example", "LEVEL": "3"}
    assert (await mgmt.user_pool.remove_env("LEVEL")).code == 200
    assert [e.key for e in await mgmt.user_pool.list_env()] == ["API_URL"]
    with pytest.raises(NotFoundError) as missing:
        await mgmt.user_pool.remove_env("LEVEL")
    assert missing.value.code == 404
    with pytest.raises(AuthingValidationError) as bad:
        await mgmt.user_pool.add_env("", "x")
    assert bad.value.parameter == "key"


async def test_whitelist_restricts_registration_once_enabled(
    authing_management_client: Any, authing_client: Any
) -> None:
    mgmt, auth = authing_management_client, authing_client
    email = models.WhitelistType.EMAIL
    added = await mgmt.white_list.add(email, ["ok@x.org", "also@x.org"])
    assert [e.value for e in added] == ["ok@x.org", "also@x.org"]
    await mgmt.white_list.add(models.WhitelistType.USERNAME, ["listed"])
    assert [e.value for e in await mgmt.white_list.list(email)] == ["ok@x.org", "also@x.org"]
    removed = await mgmt.white_list.remove(email, ["also@x.org", "never@x.org"])
    assert [e.value for e in removed] == ["also@x.org"]
    assert [e.value for e in await mgmt.white_list.list(email)] == ["ok@x.org"]

    # Not enabled yet: anyone registers.
    await auth.register_by_email("early@x.org", "pw123456")
    pool = await mgmt.user_pool.update(
        models.UpdateUserpoolInput(
            whitelist=models.RegisterWhiteListConfigInput(email_enabled=True)
        )
    )
    assert pool.whitelist is not None and pool.whitelist.email_enabled is True
    assert pool.whitelist.username_enabled is False
    with pytest.raises(PermissionDeniedError) as refused:
        await auth.register_by_email("also@x.org", "pw123456")
    assert refused.value.code == 2031
    assert (await auth.register_by_email("OK@x.org", "pw123456")).email == "OK@x.org"
    assert (await auth.register_by_username("anyone", "pw123456")).username == "anyone"

    await mgmt.user_pool.update(
        models.UpdateUserpoolInput(
            whitelist=models.RegisterWhiteListConfigInput(
                email_enabled=False, username_enabled=True
            )
        )
    )
    assert (await auth.register_by_email("also@x.org", "pw123456")).email == "also@x.org"
    with pytest.raises(PermissionDeniedError) as refused_name:
        await auth.register_by_username("stranger", "pw123456")
    assert refused_name.value.code == 2031
    assert (await auth.register_by_username("listed", "pw123456")).username == "listed"
    with pytest.raises(AuthingValidationError) as bad:
        await mgmt.white_list.add(email, [])
    assert bad.value.parameter == "values"


async def test_whitelist_switches_are_per_type(
    authing_management_client: Any, authing_client: Any, authing_pool: Any
) -> None:
    mgmt, auth = authing_management_client, authing_client
    await mgmt.white_list.add(models.WhitelistType.PHONE, ["13800000001"])
    await mgmt.white_list.add(models.WhitelistType.USERNAME, ["alice"])
    pool = await mgmt.white_list.enable_white_list(models.WhitelistType.USERNAME)
    assert pool.whitelist is not None
    assert (pool.whitelist.username_enabled, pool.whitelist.email_enabled) == (True, False)
    pool = await mgmt.white_list.enable_white_list("PHONE")
    assert pool.whitelist is not None
    assert (pool.whitelist.username_enabled, pool.whitelist.phone_enabled) == (True, True)
    with pytest.raises(PermissionDeniedError) as name_refused:
        await auth.register_by_username("mallory", "pw123456")
    assert (name_refused.value.code, "mallory" in str(name_refused.value)) == (2031, True)
    assert (await auth.register_by_username("alice", "pw123456")).username == "alice"
    assert (await auth.register_by_email("free@x.org", "pw123456")).email == "free@x.org"
    await auth.send_sms_code("13800000002")
    code = outbox_code(authing_pool, "sms", "13800000002")
    with pytest.raises(PermissionDeniedError) as phone_refused:
        await auth.register_by_phone_code("13800000002", code, password="pw123456")
    assert phone_refused.value.code == 2031

    pool = await mgmt.white_list.disable_white_list(models.WhitelistType.USERNAME)
    assert pool.whitelist is not None
    assert (pool.whitelist.username_enabled, pool.whitelist.phone_enabled) == (False, True)
    assert (await auth.register_by_username("mallory", "pw123456")).username == "mallory"
    assert [e.value for e in await mgmt.white_list.list("USERNAME")] == ["alice"]  # kept
    await mgmt.white_list.disable_white_list("PHONE")
    await auth.send_sms_code("13800000002")
    code = outbox_code(authing_pool, "sms", "13800000002")
    user = await auth.register_by_phone_code("13800000002", code, password="pw123456")
    assert user.phone == "13800000002"
    with pytest.raises(AuthingValidationError) as bad:
        await mgmt.white_list.enable_white_list("Email")  # the official Python client's spelling
    assert bad.value.parameter == "type"
