"""Policies and policy assignments end to end (also through mgmt.users)."""

from __future__ import annotations

from typing import Any

import pytest

from aioauthing import (
    AlreadyExistsError,
    AuthingError,
    AuthingValidationError,
    NotFoundError,
    models,
)

pytestmark = pytest.mark.anyio

READ = models.PolicyStatementInput(resource="books:*", actions=["books:read"])
WRITE = models.PolicyStatementInput(resource="books:1", actions=["books:write"], effect="DENY")


async def test_policy_lifecycle(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    policy = await mgmt.policies.create("readers", [READ], description="read all books")
    assert (policy.code, policy.namespace, policy.is_default) == ("readers", "default", False)
    assert policy.statements[0].actions == ["books:read"]
    assert str(policy.statements[0].effect) == "ALLOW"
    assert policy.assignments_count == 0
    with pytest.raises(AlreadyExistsError):
        await mgmt.policies.create("readers", [READ])
    await mgmt.policies.create("readers", [READ], namespace="library")

    updated = await mgmt.policies.update("readers", statements=[READ, WRITE], new_code="rw")
    assert updated.code == "rw" and [str(s.effect) for s in updated.statements] == ["ALLOW", "DENY"]
    assert await mgmt.policies.detail("readers") is None
    assert (await mgmt.policies.detail("rw")).description == "read all books"
    assert (await mgmt.policies.list()).total_count == 2
    assert [p.code for p in (await mgmt.policies.list(namespace="library")).list] == ["readers"]
    assert [p.code async for p in mgmt.policies.iter_list(page_size=1)].__len__() == 2

    await mgmt.policies.delete("rw")
    with pytest.raises(AuthingError) as info:
        await mgmt.policies.delete("rw")
    assert info.value.code == 404
    await mgmt.policies.create("a", [READ], namespace="library")
    await mgmt.policies.delete_many(["a", "readers"], namespace="library")
    assert (await mgmt.policies.list()).total_count == 0
    with pytest.raises(AuthingValidationError, match="statements"):
        await mgmt.policies.create("empty", [])


async def test_assignments_to_users_roles_and_groups(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    ada = await mgmt.users.create(models.CreateUserInput(username="ada"))
    await mgmt.policies.create("readers", [READ])
    await mgmt.policies.create("writers", [WRITE])
    await mgmt.roles.create("editor")
    await mgmt.groups.create("staff", "Staff")

    added = await mgmt.users.add_policies([ada.id], ["readers", "writers"])
    assert (added.code, added.message) == (200, "授权成功")
    await mgmt.policies.add_assignments(["readers"], "ROLE", ["editor"])
    await mgmt.policies.add_assignments(["readers"], "GROUP", ["staff"])
    mine = await mgmt.users.list_policies(ada.id)
    assert mine.total_count == 2 and {a.code for a in mine.list} == {"readers", "writers"}
    assert {str(a.target_type) for a in mine.list} == {"USER"}
    assert [a.code async for a in mgmt.users.iter_list_policies(ada.id, page_size=1)].__len__() == 2
    assert (await mgmt.users.list_policies(ada.id, code="writers")).total_count == 1

    of_readers = await mgmt.policies.list_assignments(code="readers")
    assert {(str(a.target_type), a.target_identifier) for a in of_readers.list} == {
        ("USER", ada.id),
        ("ROLE", "editor"),
        ("GROUP", "staff"),
    }
    assert (await mgmt.policies.detail("readers")).assignments_count == 3

    removed = await mgmt.users.remove_policies([ada.id], ["writers"])
    assert (removed.code, removed.message) == (200, "取消授权成功")
    assert [a.code for a in (await mgmt.users.list_policies(ada.id)).list] == ["readers"]
    await mgmt.policies.remove_assignments(["readers"], "ROLE", ["editor"])
    assert (await mgmt.policies.list_assignments(target_type="ROLE")).total_count == 0

    # Deleting a policy drops its assignments.
    await mgmt.policies.delete("readers")
    assert (await mgmt.users.list_policies(ada.id)).total_count == 0


async def test_assignments_to_unknown_targets_or_policies_fail(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    await mgmt.policies.create("readers", [READ])
    with pytest.raises(NotFoundError):
        await mgmt.users.add_policies(["000000000000000000000000"], ["readers"])
    with pytest.raises(AuthingError) as info:
        await mgmt.policies.add_assignments(["readers"], "ROLE", ["no-such-role"])
    assert info.value.code == 404
    ada = await mgmt.users.create(models.CreateUserInput(username="ada"))
    with pytest.raises(AuthingError) as info:
        await mgmt.users.add_policies([ada.id], ["no-such-policy"])
    assert info.value.code == 404
    assert (await mgmt.users.list_policies(ada.id)).total_count == 0


def _granting(emulator: Any, pool_id: str, target_type: str, who: str) -> list[tuple[str, str]]:
    """What the acl room's evaluation reads: (policy, resource) of the target's enabled grants."""
    from aioauthing.emulator.rooms.policies import granting_statements

    pool = emulator.runtime.state.pools[pool_id]
    return [(s["policy"], s["resource"]) for s in granting_statements(pool, target_type, who)]


async def test_disabled_assignments_stay_listed_but_stop_granting(
    authing_management_client: Any, authing_pool: Any, authing_emulator: Any
) -> None:
    mgmt = authing_management_client
    await mgmt.roles.create("editor")
    await mgmt.policies.create("readers", [READ])
    await mgmt.policies.create("writers", [WRITE])
    await mgmt.policies.add_assignments(["readers", "writers"], "ROLE", ["editor"])
    pool_id = authing_pool.user_pool_id
    assert _granting(authing_emulator, pool_id, "ROLE", "editor") == [
        ("readers", "books:*"),
        ("writers", "books:1"),
    ]

    off = await mgmt.policies.disable_assignment("readers", "ROLE", "editor")
    assert (off.code, off.message) == (200, "禁用成功")
    assert _granting(authing_emulator, pool_id, "ROLE", "editor") == [("writers", "books:1")]
    assert (await mgmt.policies.list_assignments(code="readers")).total_count == 1
    assert (await mgmt.policies.detail("readers")).assignments_count == 1

    on = await mgmt.policies.enable_assignment("readers", "ROLE", "editor", namespace="default")
    assert (on.code, on.message) == (200, "启用成功")
    assert ("readers", "books:*") in _granting(authing_emulator, pool_id, "ROLE", "editor")


async def test_enabling_an_unknown_assignment_or_policy_fails(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    await mgmt.policies.create("readers", [READ])
    with pytest.raises(NotFoundError) as info:
        await mgmt.policies.enable_assignment("readers", "ROLE", "editor")
    assert (info.value.code, info.value.message) == (404, "策略授权记录不存在")
    with pytest.raises(NotFoundError) as info:
        await mgmt.policies.disable_assignment("no-such-policy", "USER", "u1")
    assert (info.value.code, info.value.message) == (404, "策略不存在")
    with pytest.raises(AuthingValidationError, match="target_type"):
        await mgmt.policies.disable_assignment("readers", "PLANET", "u1")
    with pytest.raises(AuthingValidationError, match="target_identifier"):
        await mgmt.policies.enable_assignment("readers", "USER", "")
