"""Authorized resources end to end: what ``authorizeResource`` grants, read back by the user
(GraphQL and Android's REST path) and by the administrator (users, roles, groups, ACL).

A user's resources are those granted to the user, to the user's groups and org nodes (and the
nodes' ancestors), and to the roles held by any of them, actions merged per resource.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from aioauthing import AuthingValidationError, models

pytestmark = pytest.mark.anyio

Opt = models.AuthorizeResourceOpt


def _actions(page: Any) -> dict[str, tuple[str, set[str]]]:
    return {r.code: (str(r.type), set(r.actions or [])) for r in page.list}


async def _grant(mgmt: Any, resource: str, kind: str, target: str, who: str, *acts: str) -> None:
    opt = Opt(target_type=target, target_identifier=who, actions=list(acts))
    await mgmt.acl.authorize_resource("default", resource, kind, [opt])


async def _signed_in(auth: Any) -> tuple[Any, Any]:
    await auth.register_by_email("ada@example.com", "ada-pass-1")
    user = await auth.login_by_email("ada@example.com", "ada-pass-1")
    return user, auth.as_user(user.token)


async def test_grants_to_user_role_and_group_reach_the_user_on_every_read_path(
    authing_client: Any, authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt = authing_management_client
    user, me = await _signed_in(authing_client)
    await mgmt.roles.create("editor")
    await mgmt.roles.add_users(["editor"], user_ids=[user.id])
    await mgmt.groups.create("staff", "Staff")
    await mgmt.groups.add_users("staff", [user.id])

    await _grant(mgmt, "books", "DATA", "USER", user.id, "books:read")
    await _grant(mgmt, "books", "DATA", "ROLE", "editor", "books:write")
    await _grant(mgmt, "/api/orders", "API", "GROUP", "staff", "GET")
    await _grant(mgmt, "delete-button", "BUTTON", "ROLE", "editor", "click")

    expected = {
        "books": ("DATA", {"books:read", "books:write"}),
        "/api/orders": ("API", {"GET"}),
        "delete-button": ("BUTTON", {"click"}),
    }
    as_user = await me.list_authorized_resources(user.id, namespace="default")
    as_admin = await mgmt.users.list_authorized_resources(user.id, namespace="default")
    via_acl = await mgmt.acl.list_authorized_resources("USER", user.id)
    for page in (as_user, as_admin, via_acl):
        assert page.total_count == 3 and _actions(page) == expected

    async with httpx.AsyncClient(base_url=authing_pool.host, timeout=10) as http:
        answer = await http.post(
            "/api/v2/users/resource/authorized",
            json={"namespace": "default", "resourceType": "API"},
            headers={
                "authorization": f"Bearer {user.token}",
                "x-authing-userpool-id": authing_pool.user_pool_id,
            },
        )
    android = answer.json()
    assert android["code"] == 200
    assert android["data"]["list"] == [
        {"code": "/api/orders", "type": "API", "actions": ["GET"], "apiIdentifier": None}
    ]

    role = await mgmt.roles.list_authorized_resources("editor")
    assert _actions(role) == {
        "books": ("DATA", {"books:write"}),
        "delete-button": ("BUTTON", {"click"}),
    }
    group = await mgmt.groups.list_authorized_resources("staff", namespace="default")
    assert _actions(group) == {"/api/orders": ("API", {"GET"})}

    # Leaving the role and the group takes their resources away.
    await mgmt.roles.remove_users(["editor"], user_ids=[user.id])
    await mgmt.groups.remove_users("staff", [user.id])
    left = await me.list_authorized_resources(user.id)
    assert _actions(left) == {"books": ("DATA", {"books:read"})}


async def test_resource_type_filter_on_each_of_the_five_types(
    authing_client: Any, authing_management_client: Any
) -> None:
    mgmt = authing_management_client
    user, me = await _signed_in(authing_client)
    kinds = ("DATA", "API", "MENU", "UI", "BUTTON")
    for kind in kinds:
        await _grant(mgmt, f"{kind.lower()}-thing", kind, "USER", user.id, "use")
    for kind in kinds:
        mine = await me.list_authorized_resources(user.id, resource_type=kind)
        assert [(r.code, str(r.type)) for r in mine.list] == [(f"{kind.lower()}-thing", kind)]
        admin = await mgmt.users.list_authorized_resources(user.id, resource_type=kind)
        assert [r.code for r in admin.list] == [f"{kind.lower()}-thing"]
    assert (await me.list_authorized_resources(user.id)).total_count == 5
    with pytest.raises(AuthingValidationError) as info:
        await mgmt.users.list_authorized_resources(user.id, resource_type="PAGE")
    assert "resource_type" in str(info.value)


async def test_namespaces_keep_grants_apart(
    authing_client: Any, authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt = authing_management_client
    user, me = await _signed_in(authing_client)
    await mgmt.acl.create_namespace(authing_pool.user_pool_id, "billing", "Billing")
    await mgmt.roles.create("clerk", namespace="billing")
    await mgmt.roles.add_users(["clerk"], namespace="billing", user_ids=[user.id])
    await mgmt.acl.authorize_resource(
        "billing", "invoices", "DATA", [Opt(target_type="ROLE", target_identifier="clerk")]
    )
    await _grant(mgmt, "books", "DATA", "USER", user.id, "books:read")

    billing = await me.list_authorized_resources(user.id, namespace="billing")
    assert [r.code for r in billing.list] == ["invoices"]
    default = await me.list_authorized_resources(user.id, namespace="default")
    assert [r.code for r in default.list] == ["books"]
    everywhere = await mgmt.users.list_authorized_resources(user.id)
    assert {r.code for r in everywhere.list} == {"books", "invoices"}
    clerk = await mgmt.roles.list_authorized_resources("clerk", namespace="billing")
    assert [r.code for r in clerk.list] == ["invoices"]
    assert (await mgmt.roles.list_authorized_resources("clerk")) is None  # no such default role


async def test_org_nodes_pass_grants_down_to_sub_departments_and_their_roles(
    authing_client: Any, authing_management_client: Any
) -> None:
    mgmt = authing_management_client
    user, me = await _signed_in(authing_client)
    org = await mgmt.org.create("Acme", code="acme")
    eng = await mgmt.org.add_node(org.id, "Engineering", code="eng")
    web = await mgmt.org.add_node(org.id, "Web", parent_node_id=eng.id, code="web")
    await mgmt.org.add_members([user.id], node_id=web.id)
    await _grant(mgmt, "/menu/eng", "MENU", "ORG", eng.id, "show")
    await mgmt.roles.create("builder")
    await mgmt.roles.add_users(["builder"], node_codes=["web"])
    await _grant(mgmt, "deploy", "UI", "ROLE", "builder", "open")

    mine = await me.list_authorized_resources(user.id)
    assert _actions(mine) == {"/menu/eng": ("MENU", {"show"}), "deploy": ("UI", {"open"})}
    await mgmt.org.delete_members([user.id], node_id=web.id)
    assert (await me.list_authorized_resources(user.id)).total_count == 0
