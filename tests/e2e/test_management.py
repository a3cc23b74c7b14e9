"""Management API end to end against the emulator: groups, roles, UDF, batch calls, validation."""

from __future__ import annotations

from typing import Any

import pytest

from aioauthing import AlreadyExistsError, AuthingError, AuthingValidationError, models
from aioauthing.runtime.errors import NotFoundError

pytestmark = pytest.mark.anyio


async def _user(mgmt: Any, name: str) -> Any:
    return await mgmt.users.create(models.CreateUserInput(username=name, password="pw123456"))


@pytest.mark.parametrize(
    "field",
    [
        {"email": "a@example.com"},
        {"phone": "13800000000"},
        {"username": "ada"},
        {"external_id": "ext-1"},
    ],
)
async def test_create_with_a_taken_identifier_is_2026(
    authing_management_client: Any, field: dict[str, str]
) -> None:
    mgmt = authing_management_client
    await mgmt.users.create(models.CreateUserInput(**field))
    with pytest.raises(AlreadyExistsError) as info:
        await mgmt.users.create(models.CreateUserInput(**field))
    assert info.value.code == 2026


async def test_groups_lifecycle_and_membership(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    ada, bob = await _user(mgmt, "ada"), await _user(mgmt, "bob")
    group = await mgmt.groups.create("eng", "Engineering", description="builders")
    assert (group.code, group.name, group.description) == ("eng", "Engineering", "builders")
    with pytest.raises(AlreadyExistsError):
        await mgmt.groups.create("eng", "Again")
    await mgmt.groups.add_users("eng", [ada.id, bob.id])
    members = await mgmt.groups.list_users("eng")
    assert members.total_count == 2 and {u.id for u in members.list} == {ada.id, bob.id}
    assert [u.id async for u in mgmt.groups.iter_list_users("eng", page_size=1)].__len__() == 2
    await mgmt.groups.remove_users("eng", [bob.id])
    assert [g.code for g in (await mgmt.users.list_groups(ada.id)).list] == ["eng"]
    assert (await mgmt.users.list_groups(bob.id)).total_count == 0
    updated = await mgmt.groups.update("eng", name="Eng", new_code="engineering")
    assert (updated.code, updated.name) == ("engineering", "Eng")
    assert await mgmt.groups.detail("eng") is None
    assert (await mgmt.groups.list()).total_count == 1
    await mgmt.groups.delete(["engineering"])
    assert (await mgmt.groups.list()).total_count == 0
    with pytest.raises(AuthingError) as gone:
        await mgmt.groups.delete(["engineering"])
    assert type(gone.value) is NotFoundError and gone.value.code == 404


async def test_roles_are_scoped_by_namespace(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    ada = await _user(mgmt, "ada")
    await mgmt.roles.create("admin", description="all powers")
    await mgmt.roles.create("admin", namespace="billing")
    with pytest.raises(AlreadyExistsError):
        await mgmt.roles.create("admin")
    await mgmt.users.add_roles([ada.id], ["admin"], namespace="billing")
    assert await mgmt.users.has_role(ada.id, "admin", namespace="billing") is True
    assert await mgmt.users.has_role(ada.id, "admin") is False
    billing = await mgmt.users.list_roles(ada.id, namespace="billing")
    assert billing is not None and [r.code for r in billing.list] == ["admin"]
    assert billing.list[0].namespace == "billing"
    default = await mgmt.users.list_roles(ada.id)
    assert default is not None and default.total_count == 0
    holders = await mgmt.roles.list_users("admin", namespace="billing")
    assert [u.id for u in holders.list] == [ada.id]
    assert (await mgmt.roles.list(namespace="billing")).total_count == 1
    assert (await mgmt.roles.list()).total_count == 2
    await mgmt.users.remove_roles([ada.id], ["admin"], namespace="billing")
    assert await mgmt.users.has_role(ada.id, "admin", namespace="billing") is False
    role = await mgmt.roles.update("admin", description="changed", new_code="root")
    assert role.code == "root" and role.namespace == "default"
    await mgmt.roles.delete("root")
    assert await mgmt.roles.detail("root") is None
    assert await mgmt.roles.detail("admin", namespace="billing") is not None


async def test_udf_definitions_round_trip(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    field = await mgmt.udf.set("USER", "age", "NUMBER", "Age")
    assert (field.key, field.label) == ("age", "Age")
    await mgmt.udf.set("USER", "age", "NUMBER", "Age in years")
    fields = await mgmt.udf.list("USER")
    assert [(f.key, f.label) for f in fields] == [("age", "Age in years")]
    assert await mgmt.udf.list("ROLE") == []


async def test_batch_delete_with_an_unknown_id_deletes_nothing(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    ada = await _user(mgmt, "ada")
    with pytest.raises(AuthingError) as info:
        await mgmt.users.delete_many([ada.id, "0" * 24])
    assert info.value.code == 2004
    assert await mgmt.users.detail(ada.id) is not None


async def test_batch_get_keeps_the_requested_order(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    users = [await _user(mgmt, f"u{n}") for n in range(3)]
    wanted = [users[2].id, users[0].id, users[1].id]
    assert [u.id for u in await mgmt.users.batch_get(wanted)] == wanted
    by_name = await mgmt.users.batch_get(["u1", "u0"], type="username")
    assert [u.username for u in by_name] == ["u1", "u0"]


async def test_iter_list_walks_every_page(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    ids = {(await _user(mgmt, f"p{n}")).id for n in range(5)}
    seen = [u.id async for u in mgmt.users.iter_list(page_size=2)]
    assert len(seen) == 5 and set(seen) == ids


async def test_bad_input_is_rejected_before_sending(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    with pytest.raises(AuthingValidationError, match="user_ids"):
        await mgmt.users.delete_many([])
    with pytest.raises(AuthingValidationError, match="ids"):
        await mgmt.users.batch_get(["a", ""])
    with pytest.raises(AuthingValidationError, match="code"):
        await mgmt.groups.create("", "name")
    with pytest.raises(AuthingValidationError, match="user_id"):
        await mgmt.users.has_role("", "admin")
