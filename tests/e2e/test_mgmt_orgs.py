"""Organizations end to end: trees of nodes, members, a user's departments and orgs."""

from __future__ import annotations

from typing import Any

import pytest

from aioauthing import AlreadyExistsError, AuthingError, NotFoundError, models
from aioauthing.runtime.errors import InvalidInputError

pytestmark = pytest.mark.anyio


async def _user(mgmt: Any, name: str) -> Any:
    return await mgmt.users.create(models.CreateUserInput(username=name))


async def test_org_tree_paths_and_node_updates(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    org = await mgmt.org.create("Acme", code="acme", description="the company")
    assert org.root_node.root is True and org.root_node.code == "acme"
    assert [n.id for n in org.nodes] == [org.root_node.id]
    eng = await mgmt.org.add_node(org.id, "Engineering", code="eng", order=2)
    web = await mgmt.org.add_node(org.id, "Web", parent_node_id=eng.id, code="web")
    assert (web.depth, web.root, web.org_id) == (2, False, org.id)
    assert web.path == [org.root_node.id, eng.id, web.id]
    assert web.code_path == ["acme", "eng", "web"]
    assert web.name_path == ["Acme", "Engineering", "Web"]
    with pytest.raises(AlreadyExistsError):
        await mgmt.org.add_node(org.id, "Again", code="eng")

    renamed = await mgmt.org.update_node(web.id, name="Frontend", code="fe")
    assert (renamed.name, renamed.code, renamed.code_path[-1]) == ("Frontend", "fe", "fe")
    detail = await mgmt.org.find_by_id(org.id)
    assert {n.id for n in detail.nodes} == {org.root_node.id, eng.id, web.id}
    root = next(n for n in detail.nodes if n.root)
    assert root.children == [eng.id]

    await mgmt.org.delete_node(org.id, eng.id)  # takes its subtree with it
    assert [n.id for n in (await mgmt.org.find_by_id(org.id)).nodes] == [org.root_node.id]
    with pytest.raises(AuthingError) as root:
        await mgmt.org.delete_node(org.id, org.root_node.id)
    assert type(root.value) is InvalidInputError and root.value.code == 400


async def test_list_and_delete_orgs(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    first = await mgmt.org.create("One")
    second = await mgmt.org.create("Two", tenant_id="t-1")
    listed = await mgmt.org.list()
    assert listed.total_count == 2 and {o.id for o in listed.list} == {first.id, second.id}
    assert [o.id async for o in mgmt.org.iter_list(page_size=1)].__len__() == 2
    assert (await mgmt.org.find_by_id(second.id)).tenant_id == "t-1"
    done = await mgmt.org.delete_by_id(first.id)
    assert done.code == 200
    assert [o.id for o in (await mgmt.org.list()).list] == [second.id]
    with pytest.raises(AuthingError) as info:
        await mgmt.org.find_by_id(first.id)
    assert info.value.code == 404


async def test_members_departments_and_user_orgs(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    ada, bob = await _user(mgmt, "ada"), await _user(mgmt, "bob")
    org = await mgmt.org.create("Acme", code="acme")
    eng = await mgmt.org.add_node(org.id, "Engineering", code="eng")
    web = await mgmt.org.add_node(org.id, "Web", parent_node_id=eng.id, code="web")
    await mgmt.org.add_members([ada.id], node_id=eng.id, is_leader=True)
    await mgmt.org.add_members([bob.id], org_id=org.id, node_code="web")
    with pytest.raises(NotFoundError):
        await mgmt.org.add_members(["000000000000000000000000"], node_id=eng.id)

    everyone = await mgmt.org.list_members(eng.id)
    assert {u.id for u in everyone.list} == {ada.id, bob.id}
    only_eng = await mgmt.org.list_members(eng.id, include_children_nodes=False)
    assert [u.id for u in only_eng.list] == [ada.id]
    assert [u.id async for u in mgmt.org.iter_list_members(web.id, page_size=1)] == [bob.id]

    departments = await mgmt.users.list_department(bob.id)
    assert [d.department.id for d in departments.list] == [web.id]
    assert departments.list[0].department.code_path == ["acme", "eng", "web"]
    assert departments.list[0].is_main_department is False
    assert (await mgmt.users.list_department(bob.id, org_id="other")).total_count == 0

    paths = await mgmt.users.list_org(bob.id)
    assert len(paths) == 1
    head, *chain = paths[0]
    assert (head["type"], head["id"], head["rootNodeId"]) == ("org", org.id, org.root_node.id)
    assert [n["code"] for n in chain] == ["acme", "eng", "web"]
    assert {n["type"] for n in chain} == {"node"}
    assert (await mgmt.users.list_org(ada.id))[0][-1]["leaderUserId"] == ada.id

    await mgmt.org.delete_members([bob.id], node_id=web.id)
    assert await mgmt.users.list_org(bob.id) == []
    with pytest.raises(NotFoundError):
        await mgmt.users.list_org("000000000000000000000000")


async def test_roles_granted_to_nodes_and_groups(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    org = await mgmt.org.create("Acme", code="acme")
    await mgmt.groups.create("ops", "Ops")
    await mgmt.roles.create("auditor")
    await mgmt.roles.add_users(["auditor"], node_codes=["acme"], group_codes=["ops"])
    with pytest.raises(AuthingError) as missing_group:
        await mgmt.roles.add_users(["auditor"], group_codes=["missing"])
    assert type(missing_group.value) is NotFoundError and missing_group.value.code == 404
    with pytest.raises(AuthingError) as no_target:
        await mgmt.roles.add_users(["auditor"])  # no target at all
    assert type(no_target.value) is InvalidInputError and no_target.value.code == 400
    holders = await mgmt.roles.list_users("auditor")
    assert holders.total_count == 0  # nodes and groups are not users
    revoked = await mgmt.roles.remove_users(["auditor"], node_codes=[org.root_node.code])
    assert revoked is not None and revoked.code == 200
