"""The signed-in user's departments and organizations follow the org membership an
administrator manages through ``mgmt.org`` (GraphQL ``user.departments`` and REST
``/users/me/orgs``, plus Android's ``/users/{id}/orgs`` with the user's own token)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from aioauthing import AuthingError

pytestmark = pytest.mark.anyio


async def test_departments_and_orgs_follow_membership(
    authing_client: Any, authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt = authing_management_client
    await authing_client.register_by_email("dee@example.com", "dee-pass-1")
    user = await authing_client.login_by_email("dee@example.com", "dee-pass-1")
    me = authing_client.as_user(user.token)
    assert (await me.list_departments(user.id)).total_count == 0
    assert await me.list_orgs() == []

    org = await mgmt.org.create("Acme", code="acme")
    eng = await mgmt.org.add_node(org.id, "Engineering", code="eng")
    web = await mgmt.org.add_node(org.id, "Web", parent_node_id=eng.id, code="web")
    other = await mgmt.org.create("Beta", code="beta")
    await mgmt.org.add_members([user.id], node_id=web.id)
    await mgmt.org.add_members([user.id], node_id=other.root_node.id)

    departments = await me.list_departments(user.id)
    assert {d.department.id for d in departments.list} == {web.id, other.root_node.id}
    web_row = next(d for d in departments.list if d.department.id == web.id)
    assert web_row.department.code_path == ["acme", "eng", "web"]
    assert web_row.department.name_path == ["Acme", "Engineering", "Web"]
    assert web_row.joined_at
    only_acme = await me.list_departments(user.id, org_id=org.id)
    assert [d.department.id for d in only_acme.list] == [web.id]

    paths = await me.list_orgs()
    by_org = {path[0]["id"]: path for path in paths}
    assert set(by_org) == {org.id, other.id}
    head, *chain = by_org[org.id]
    assert (head["type"], head["rootNodeId"]) == ("org", org.root_node.id)
    assert [(n["type"], n["code"]) for n in chain] == [
        ("node", "acme"),
        ("node", "eng"),
        ("node", "web"),
    ]

    # Android's listOrgs reads the same through /users/{id}/orgs with the user's token.
    async with httpx.AsyncClient(base_url=authing_pool.host, timeout=10) as http:
        android = await http.get(
            f"/api/v2/users/{user.id}/orgs",
            headers={
                "authorization": f"Bearer {user.token}",
                "x-authing-userpool-id": authing_pool.user_pool_id,
            },
        )
    assert android.json()["data"] == paths

    await mgmt.org.delete_members([user.id], node_id=web.id)
    assert [p[0]["id"] for p in await me.list_orgs()] == [other.id]
    assert [d.department.id for d in (await me.list_departments(user.id)).list] == [
        other.root_node.id
    ]


async def test_orgs_need_a_signed_in_user(authing_client: Any) -> None:
    with pytest.raises(AuthingError) as info:
        await authing_client.as_user("not-a-token").list_orgs()
    assert info.value.code == 2020
