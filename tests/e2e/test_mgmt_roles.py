"""Roles end to end: policies of a role, a role's custom data (keyed by role id), its authorized
resources, finding its holders; unknown roles and ids answer the real not-found codes."""

from __future__ import annotations

from typing import Any

import pytest

from aioauthing import AuthingError, AuthingValidationError, NotFoundError, models
from aioauthing.custom_data import as_dict, inputs

pytestmark = pytest.mark.anyio

READ = models.PolicyStatementInput(resource="books:*", actions=["books:read"])
NO_SUCH_ID = "000000000000000000000000"


async def test_role_policies_add_list_remove(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    await mgmt.roles.create("editor")
    await mgmt.roles.create("viewer")
    await mgmt.policies.create("readers", [READ])
    await mgmt.policies.create("writers", [READ])

    added = await mgmt.roles.add_policies(["editor", "viewer"], ["readers", "writers"])
    assert (added.code, added.message) == (200, "授权成功")
    mine = await mgmt.roles.list_policies("editor")
    assert mine.total_count == 2
    assert {(a.code, str(a.target_type), a.target_identifier) for a in mine.list} == {
        ("readers", "ROLE", "editor"),
        ("writers", "ROLE", "editor"),
    }
    assert (await mgmt.roles.list_policies("editor", code="writers")).total_count == 1
    assert [a.code async for a in mgmt.roles.iter_list_policies("viewer", page_size=1)] == [
        "readers",
        "writers",
    ]

    removed = await mgmt.roles.remove_policies(["editor"], ["writers"])
    assert (removed.code, removed.message) == (200, "取消授权成功")
    assert [a.code for a in (await mgmt.roles.list_policies("editor")).list] == ["readers"]
    assert (await mgmt.roles.list_policies("viewer")).total_count == 2


async def test_role_policies_of_unknown_roles_or_policies_fail(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    await mgmt.roles.create("editor")
    await mgmt.policies.create("readers", [READ])
    with pytest.raises(NotFoundError) as info:
        await mgmt.roles.add_policies(["no-such-role"], ["readers"])
    assert (info.value.code, info.value.message) == (404, "角色不存在")
    with pytest.raises(NotFoundError) as info:
        await mgmt.roles.add_policies(["editor"], ["no-such-policy"])
    assert (info.value.code, info.value.message) == (404, "策略不存在")
    assert (await mgmt.roles.list_policies("editor")).total_count == 0
    with pytest.raises(AuthingValidationError, match="role_codes"):
        await mgmt.roles.add_policies("editor", ["readers"])
    with pytest.raises(AuthingValidationError, match="policies"):
        await mgmt.roles.remove_policies(["editor"], [])


async def test_role_custom_data_round_trips_typed(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    await mgmt.udf.set("ROLE", "level", "NUMBER", "Level")
    await mgmt.udf.set("ROLE", "scope", "STRING", "Scope")
    await mgmt.udf.set("ROLE", "flags", "OBJECT", "Flags")
    editor = await mgmt.roles.create("editor")
    viewer = await mgmt.roles.create("viewer")
    assert await mgmt.roles.get_udf_value(editor.id) == []

    values = await mgmt.roles.set_udf_value(
        editor.id, inputs({"level": 3, "scope": "books", "flags": {"a": [1]}})
    )
    assert as_dict(values) == {"level": 3, "scope": "books", "flags": {"a": [1]}}
    assert {v.key: (str(v.data_type), v.label) for v in values}["level"] == ("NUMBER", "Level")
    assert as_dict(await mgmt.roles.get_udf_value(editor.id))["level"] == 3

    done = await mgmt.roles.set_udf_value_batch(
        [
            models.SetUdfValueBatchInput(target_id=viewer.id, key="level", value=1),
            models.SetUdfValueBatchInput(target_id=editor.id, key="scope", value="all"),
        ]
    )
    assert (done.code, done.message) == (200, "设置成功")
    batch = await mgmt.roles.get_udf_value_batch([editor.id, viewer.id, NO_SUCH_ID])
    assert {b.target_id: as_dict(b.data) for b in batch} == {
        editor.id: {"level": 3, "scope": "all", "flags": {"a": [1]}},
        viewer.id: {"level": 1},
    }

    left = await mgmt.roles.remove_udf_value(editor.id, "flags")
    assert as_dict(left) == {"level": 3, "scope": "all"}
    assert await mgmt.udf.list_udf_value("ROLE", editor.id) == left


async def test_role_custom_data_errors(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    await mgmt.udf.set("ROLE", "level", "NUMBER", "Level")
    editor = await mgmt.roles.create("editor")
    with pytest.raises(NotFoundError) as info:
        await mgmt.roles.get_udf_value(NO_SUCH_ID)
    assert (info.value.code, info.value.message) == (404, "角色不存在")
    with pytest.raises(NotFoundError) as info:
        await mgmt.roles.set_udf_value(NO_SUCH_ID, inputs({"level": 1}))
    assert info.value.code == 404
    # A key defined for users only is not a role field.
    await mgmt.udf.set("USER", "school", "STRING", "School")
    with pytest.raises(AuthingError) as refused:
        await mgmt.roles.set_udf_value(editor.id, inputs({"school": "MIT"}))
    assert refused.value.code == 400 and "school" in refused.value.message
    with pytest.raises(AuthingError) as refused:
        await mgmt.roles.set_udf_value_batch(
            [
                models.SetUdfValueBatchInput(target_id=editor.id, key="level", value=2),
                models.SetUdfValueBatchInput(target_id=NO_SUCH_ID, key="level", value=2),
            ]
        )
    assert refused.value.code == 404
    assert await mgmt.roles.get_udf_value(editor.id) == []  # all or nothing
    with pytest.raises(AuthingValidationError, match="role_ids"):
        await mgmt.roles.get_udf_value_batch(editor.id)


async def test_find_users_searches_the_holders(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    ada = await mgmt.users.create(models.CreateUserInput(username="ada", email="ada@example.com"))
    bob = await mgmt.users.create(models.CreateUserInput(username="bob", phone="13800000000"))
    await mgmt.users.create(models.CreateUserInput(username="adam"))  # not a holder
    await mgmt.roles.create("editor")
    await mgmt.roles.add_users(["editor"], user_ids=[ada.id, bob.id])

    everyone = await mgmt.roles.find_users("editor")
    assert everyone.total_count == 2 and {u.id for u in everyone.list} == {ada.id, bob.id}
    assert [u.username for u in (await mgmt.roles.find_users("editor", search="ADA")).list] == [
        "ada"
    ]
    assert [u.id for u in (await mgmt.roles.find_users("editor", search="1380")).list] == [bob.id]
    assert [u.id async for u in mgmt.roles.iter_find_users("editor", page_size=1)].__len__() == 2
    with pytest.raises(NotFoundError) as info:
        await mgmt.roles.list_users("no-such-role")  # the service answers role: null
    assert (info.value.code, info.value.message) == (404, "角色不存在")
    with pytest.raises(NotFoundError) as info:
        await mgmt.roles.find_users("no-such-role")
    assert (info.value.code, info.value.message) == (404, "角色不存在")


async def test_find_by_code_and_authorized_resources(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    await mgmt.roles.create("editor", description="edits")
    assert (await mgmt.roles.detail("editor")).description == "edits"
    opt = models.AuthorizeResourceOpt(
        target_type="ROLE", target_identifier="editor", actions=["books:read"]
    )
    await mgmt.acl.authorize_resource("default", "books", "DATA", [opt])
    found = await mgmt.roles.list_authorized_resources("editor", namespace="default")
    assert [(r.code, str(r.type), r.actions) for r in found.list] == [
        ("books", "DATA", ["books:read"])
    ]
    assert (await mgmt.roles.list_authorized_resources("editor", resource_type="API")).list == []
    assert await mgmt.roles.list_authorized_resources("no-such-role") is None
    with pytest.raises(AuthingValidationError, match="resource_type"):
        await mgmt.roles.list_authorized_resources("editor", resource_type="FILE")


async def test_renamed_roles_keep_and_deleted_roles_drop_their_policies_and_data(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    await mgmt.udf.set("ROLE", "level", "NUMBER", "Level")
    old = await mgmt.roles.create("editor")
    await mgmt.policies.create("readers", [READ])
    await mgmt.roles.add_policies(["editor"], ["readers"])
    await mgmt.roles.set_udf_value(old.id, inputs({"level": 2}))

    await mgmt.roles.update("editor", new_code="author")
    assert [a.target_identifier for a in (await mgmt.roles.list_policies("author")).list] == [
        "author"
    ]
    assert (await mgmt.roles.list_policies("editor")).total_count == 0

    await mgmt.roles.delete("author")
    assert (await mgmt.policies.list_assignments(code="readers")).total_count == 0
    again = await mgmt.roles.create("author")
    assert (await mgmt.roles.list_policies("author")).total_count == 0
    assert await mgmt.roles.get_udf_value(again.id) == []
    with pytest.raises(NotFoundError):
        await mgmt.roles.get_udf_value(old.id)


async def test_ids_of_another_pool_answer_not_found(
    authing_management_client: Any, authing_emulator: Any
) -> None:
    import httpx

    from aioauthing import ManagementClient
    from aioauthing.emulator.settings import EmulatorSettings

    async with httpx.AsyncClient() as http:
        answer = await http.post(f"{authing_emulator.url}/__emulator__/pools", json={})
    other = EmulatorSettings.from_dict(answer.raise_for_status().json())
    mine = authing_management_client
    await mine.udf.set("ROLE", "level", "NUMBER", "Level")
    role = await mine.roles.create("editor")
    await mine.policies.create("readers", [READ])
    async with ManagementClient(
        other.user_pool_id, other.secret, host=other.host, public_key=other.public_key
    ) as theirs:
        await theirs.udf.set("ROLE", "level", "NUMBER", "Level")
        await theirs.policies.create("readers", [READ])
        for call in (
            theirs.roles.get_udf_value(role.id),
            theirs.roles.set_udf_value(role.id, inputs({"level": 1})),
            theirs.roles.remove_udf_value(role.id, "level"),
            theirs.roles.add_policies(["editor"], ["readers"]),
            theirs.roles.find_users("editor"),
            theirs.roles.list_users("editor"),
        ):
            with pytest.raises(NotFoundError) as info:
                await call
            assert (info.value.code, info.value.message) == (404, "角色不存在")
        assert await theirs.roles.get_udf_value_batch([role.id]) == []
    assert await mine.roles.get_udf_value(role.id) == []
