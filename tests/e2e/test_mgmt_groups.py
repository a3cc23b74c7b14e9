"""Groups end to end: the resources a group is authorized for, and unknown groups."""

from __future__ import annotations

from typing import Any

import pytest

from aioauthing import AuthingValidationError, NotFoundError, models

pytestmark = pytest.mark.anyio


async def test_list_authorized_resources_of_a_group(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    await mgmt.groups.create("staff", "Staff")
    for namespace, resource, kind in (("default", "books", "DATA"), ("library", "/api", "API")):
        opt = models.AuthorizeResourceOpt(
            target_type="GROUP", target_identifier="staff", actions=[f"{resource}:read"]
        )
        await mgmt.acl.authorize_resource(namespace, resource, kind, [opt])

    every = await mgmt.groups.list_authorized_resources("staff")
    assert every.total_count == 2
    assert {(r.code, str(r.type)) for r in every.list} == {("books", "DATA"), ("/api", "API")}
    library = await mgmt.groups.list_authorized_resources("staff", namespace="library")
    assert [(r.code, r.actions) for r in library.list] == [("/api", ["/api:read"])]
    only_data = await mgmt.groups.list_authorized_resources("staff", resource_type="DATA")
    assert [r.code for r in only_data.list] == ["books"]
    assert await mgmt.groups.list_authorized_resources("no-such-group") is None
    with pytest.raises(AuthingValidationError, match="resource_type"):
        await mgmt.groups.list_authorized_resources("staff", resource_type="FILE")


async def test_unknown_groups_answer_not_found(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    ada = await mgmt.users.create(models.CreateUserInput(username="ada"))
    with pytest.raises(NotFoundError) as info:
        await mgmt.groups.add_users("no-such-group", [ada.id])
    assert (info.value.code, info.value.message) == (404, "分组不存在")
    with pytest.raises(NotFoundError) as info:
        await mgmt.groups.list_users("no-such-group")  # the service answers group: null
    assert (info.value.code, info.value.message) == (404, "分组不存在")
    with pytest.raises(NotFoundError) as info:
        await mgmt.groups.delete_many(["no-such-group"])
    assert info.value.code == 404


async def test_renamed_groups_keep_and_deleted_groups_drop_their_grants(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    ada = await mgmt.users.create(models.CreateUserInput(username="ada"))
    await mgmt.groups.create("staff", "Staff")
    await mgmt.groups.add_users("staff", [ada.id])
    await mgmt.roles.create("editor")
    await mgmt.roles.add_users(["editor"], group_codes=["staff"])
    statement = models.PolicyStatementInput(resource="books:*", actions=["books:read"])
    await mgmt.policies.create("readers", [statement])
    await mgmt.policies.add_assignments(["readers"], "GROUP", ["staff"])

    opt = models.AuthorizeResourceOpt(
        target_type="ROLE", target_identifier="editor", actions=["books:read"]
    )
    await mgmt.acl.authorize_resource("default", "books", "DATA", [opt])

    async def reached() -> list[str]:
        found = await mgmt.users.list_authorized_resources(ada.id, namespace="default")
        return [r.code for r in found.list]

    await mgmt.groups.update("staff", new_code="team")
    assert await reached() == ["books"]  # ada holds editor through the renamed group
    assigned = await mgmt.policies.list_assignments(code="readers")
    assert [(str(a.target_type), a.target_identifier) for a in assigned.list] == [("GROUP", "team")]
    await mgmt.groups.delete(["team"])
    assert (await mgmt.policies.list_assignments(code="readers")).total_count == 0
    await mgmt.groups.create("team", "Team")
    assert (await mgmt.policies.list_assignments(target_type="GROUP")).total_count == 0
    # A new group of the same code does not inherit the deleted group's role.
    await mgmt.groups.add_users("team", [ada.id])
    assert await reached() == []


async def test_members_of_groups_and_roles_carry_their_custom_data(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    await mgmt.udf.set("USER", "age", "NUMBER", "Age")
    ada = await mgmt.users.create(models.CreateUserInput(username="ada"))
    await mgmt.users.set_udf_value(ada.id, "age", 42)
    await mgmt.groups.create("staff", "Staff")
    await mgmt.groups.add_users("staff", [ada.id])
    await mgmt.roles.create("editor")
    await mgmt.roles.add_users(["editor"], user_ids=[ada.id])
    for page in (await mgmt.groups.list_users("staff"), await mgmt.roles.list_users("editor")):
        [member] = page.list
        assert member.id == ada.id
        assert [(d.key, d.value) for d in member.custom_data or []] == [("age", 42)]
