"""Batch operations say which items failed: the service refuses a whole batch with 2004 when one
user id is unknown, and the SDK names the unknown ids on the error (``NotFoundError.missing``);
batch reads leave unknown identifiers out, or name them with ``strict=True``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from aioauthing import NotFoundError, models

pytestmark = pytest.mark.anyio

GHOSTS = ["0" * 24, "f" * 24]


async def _user(mgmt: Any, name: str) -> Any:
    return await mgmt.users.create(models.CreateUserInput(username=name, password="pw123456"))


async def _setup(mgmt: Any) -> None:
    await mgmt.groups.create("eng", "Engineering")
    await mgmt.roles.create("admin")


Batch = Callable[[Any, list[str]], Awaitable[Any]]
BATCHES: dict[str, Batch] = {
    "users.delete_many": lambda mgmt, ids: mgmt.users.delete_many(ids),
    "groups.add_users": lambda mgmt, ids: mgmt.groups.add_users("eng", ids),
    "groups.remove_users": lambda mgmt, ids: mgmt.groups.remove_users("eng", ids),
    "roles.add_users": lambda mgmt, ids: mgmt.roles.add_users(["admin"], user_ids=ids),
    "roles.remove_users": lambda mgmt, ids: mgmt.roles.remove_users(["admin"], user_ids=ids),
}


@pytest.mark.parametrize("call", list(BATCHES))
async def test_a_refused_batch_names_its_unknown_ids_in_order(
    call: str, authing_management_client: Any
) -> None:
    mgmt = authing_management_client
    await _setup(mgmt)
    ada = await _user(mgmt, "ada")
    asked = [GHOSTS[1], ada.id, GHOSTS[0], GHOSTS[1]]
    with pytest.raises(NotFoundError) as info:
        await BATCHES[call](mgmt, asked)
    error = info.value
    assert error.code == 2004
    assert error.missing == (GHOSTS[1], GHOSTS[0])
    assert f"not found: {GHOSTS[1]}, {GHOSTS[0]}" in str(error)
    assert await mgmt.users.detail(ada.id) is not None  # nothing happened


async def test_batch_get_leaves_unknown_identifiers_out_or_names_them_when_strict(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    ada = await _user(mgmt, "ada")
    bob = await mgmt.users.create(models.CreateUserInput(username="bob", email="Bob@Example.com"))
    assert [u.id for u in await mgmt.users.batch_get([GHOSTS[0], ada.id])] == [ada.id]
    with pytest.raises(NotFoundError) as info:
        await mgmt.users.batch_get([GHOSTS[0], ada.id, GHOSTS[1]], strict=True)
    assert info.value.missing == (GHOSTS[0], GHOSTS[1])
    by_email = await mgmt.users.batch_get(["bob@example.com"], type="email", strict=True)
    assert [u.id for u in by_email] == [bob.id]
    with pytest.raises(NotFoundError) as info:
        await mgmt.users.batch_get(["ada", "nobody"], type="username", strict=True)
    assert info.value.missing == ("nobody",)


async def test_strict_batch_get_names_every_missing_identifier_across_chunks(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    ada = await _user(mgmt, "ada")
    ghosts = [f"{n:024x}" for n in range(1, 171)]  # three requests of at most 80
    asked = [*ghosts[:100], ada.id, *ghosts[100:]]
    with pytest.raises(NotFoundError) as info:
        await mgmt.users.batch_get(asked, strict=True)
    assert info.value.missing == tuple(ghosts)
    assert "and 160 more" in str(info.value)
