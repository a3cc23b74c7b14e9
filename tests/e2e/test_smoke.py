"""The generated SDK against a live emulator: the pilot operations end to end."""

from __future__ import annotations

from typing import Any

import pytest

from aioauthing import AlreadyExistsError, NotLoggedInError, models

pytestmark = pytest.mark.anyio


async def test_register_login_and_read_the_current_user(authing_client: Any) -> None:
    user = await authing_client.register_by_email("Ada@Example.com", "s3cret-pass!")
    assert user is not None
    assert user.email is not None
    assert user.email.lower() == "ada@example.com"
    logged_in = await authing_client.login_by_email("ada@example.com", "s3cret-pass!")
    assert logged_in is not None and logged_in.token
    me = await authing_client.as_user(logged_in.token).get_current_user()
    assert me.id == logged_in.id
    status = await authing_client.check_login_status(logged_in.token)
    assert status is not None and status.status is True


async def test_user_calls_without_a_valid_token_are_refused(authing_client: Any) -> None:
    with pytest.raises(NotLoggedInError):
        await authing_client.as_user("not-a-token").get_current_user()


async def test_management_create_list_and_duplicate(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    created = await mgmt.users.create(
        models.CreateUserInput(email="bob@example.com", password="pw123456")
    )
    assert created.email == "bob@example.com" and created.register_source == ["unknown"]
    with pytest.raises(AlreadyExistsError):
        await mgmt.users.create(models.CreateUserInput(email="BOB@example.com"))
    page = await mgmt.users.list(limit=10)
    assert page.total_count == 1 and [u.id for u in page.list] == [created.id]
    detail = await mgmt.users.detail(created.id)
    assert detail.email == "bob@example.com"
    assert [u.id async for u in mgmt.users.iter_list(page_size=1)] == [created.id]
