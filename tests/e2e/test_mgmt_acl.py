"""Permission groups (namespaces), resources and authorization end to end."""

from __future__ import annotations

from typing import Any

import pytest

from aioauthing import (
    AlreadyExistsError,
    AuthingError,
    NotFoundError,
    PermissionDeniedError,
    models,
)

pytestmark = pytest.mark.anyio

Opt = models.AuthorizeResourceOpt


async def test_namespaces_are_listed_with_their_numeric_ids(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt, pool_id = authing_management_client, authing_pool.user_pool_id
    first = await mgmt.acl.create_namespace(pool_id, "billing", "Billing", description="money")
    second = await mgmt.acl.create_namespace(pool_id, "crm", "CRM")
    assert (first.code, first.name, first.user_pool_id) == ("billing", "Billing", pool_id)
    assert second.id == first.id + 1
    with pytest.raises(AlreadyExistsError):
        await mgmt.acl.create_namespace(pool_id, "billing", "Again")
    listed = await mgmt.acl.list_namespaces(pool_id, limit=1)
    assert listed.total == 2 and len(listed.list) == 1
    codes = [n.code async for n in mgmt.acl.iter_list_namespaces(pool_id, page_size=1)]
    assert codes == ["billing", "crm"]
    with pytest.raises(PermissionDeniedError):
        await mgmt.acl.list_namespaces("000000000000000000000000")


async def test_resources_of_a_namespace(authing_management_client: Any, authing_pool: Any) -> None:
    mgmt = authing_management_client
    await mgmt.acl.create_namespace(authing_pool.user_pool_id, "library", "Library")
    actions = [models.ResourceActionInput(name="books:read", description="Read")]
    books = await mgmt.acl.create_resource("books", "DATA", "library", actions=actions)
    assert (books.code, str(books.type), books.actions[0].name) == ("books", "DATA", "books:read")
    await mgmt.acl.create_resource("/api/books", "API", "library", api_identifier="books-api")
    with pytest.raises(AlreadyExistsError):
        await mgmt.acl.create_resource("books", "DATA", "library")
    with pytest.raises(AuthingError) as info:
        await mgmt.acl.create_resource("books", "DATA", "no-such-namespace")
    assert info.value.code == 404
    assert (await mgmt.acl.list_resources("library")).total_count == 2
    only_api = await mgmt.acl.list_resources("library", type="API")
    assert [r.api_identifier for r in only_api.list] == ["books-api"]
    assert [r.code async for r in mgmt.acl.iter_list_resources("library", page_size=1)] == [
        "books",
        "/api/books",
    ]


async def test_authorize_resource_and_list_what_a_subject_may_use(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    ada = await mgmt.users.create(models.CreateUserInput(username="ada"))
    await mgmt.roles.create("editor")
    await mgmt.users.add_roles([ada.id], ["editor"])
    done = await mgmt.acl.authorize_resource(
        "default",
        "books:1",
        "DATA",
        [Opt(target_type="USER", target_identifier=ada.id, actions=["books:read"])],
    )
    assert done.code == 200
    await mgmt.acl.authorize_resource(
        "default",
        "books:1",
        "DATA",
        [Opt(target_type="ROLE", target_identifier="editor", actions=["books:write"])],
    )
    await mgmt.acl.authorize_resource(
        "default",
        "/menu",
        "MENU",
        [Opt(target_type="ROLE", target_identifier="editor", actions=["show"])],
    )

    direct = await mgmt.acl.list_authorized_resources("ROLE", "editor", resource_type="DATA")
    assert [(r.code, r.actions) for r in direct.list] == [("books:1", ["books:write"])]
    mine = await mgmt.acl.list_authorized_resources("USER", ada.id, namespace="default")
    by_code = {r.code: set(r.actions) for r in mine.list}
    assert by_code == {"books:1": {"books:read", "books:write"}, "/menu": {"show"}}
    await mgmt.users.remove_roles([ada.id], ["editor"])
    after = await mgmt.acl.list_authorized_resources("USER", ada.id)
    assert [(r.code, r.actions) for r in after.list] == [("books:1", ["books:read"])]
    with pytest.raises(AuthingError) as info:
        await mgmt.acl.authorize_resource(
            "default", "x", "DATA", [Opt(target_type="USER", target_identifier="0" * 24)]
        )
    assert info.value.code == 2004


async def test_has_role_in_and_out_of_a_namespace(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    ada = await mgmt.users.create(models.CreateUserInput(username="ada"))
    await mgmt.roles.create("admin", namespace="billing")
    await mgmt.roles.create("admin")
    await mgmt.users.add_roles([ada.id], ["admin"], namespace="billing")
    assert await mgmt.users.has_role(ada.id, "admin", namespace="billing") is True
    assert await mgmt.users.has_role(ada.id, "admin") is False
    await mgmt.users.add_roles([ada.id], ["admin"])
    assert await mgmt.users.has_role(ada.id, "admin") is True
    await mgmt.users.remove_roles([ada.id], ["admin"], namespace="billing")
    assert await mgmt.users.has_role(ada.id, "admin", namespace="billing") is False
    assert await mgmt.users.has_role(ada.id, "admin") is True


async def test_roles_take_a_parent_of_their_namespace_and_keep_their_arn(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt, pool_id = authing_management_client, authing_pool.user_pool_id
    await mgmt.roles.create("boss", namespace="billing")
    clerk = await mgmt.roles.create("clerk", namespace="billing", parent_code="boss")
    assert clerk.arn == f"arn:cn:authing:{pool_id}:role:{clerk.id}"  # wire: the role id
    with pytest.raises(NotFoundError) as info:  # parents are looked up in the role's namespace
        await mgmt.roles.create("intern", parent_code="boss")
    assert (info.value.code, info.value.message) == (404, "父角色不存在")
    assert await mgmt.roles.detail("intern") is None
    teller = await mgmt.roles.update("clerk", namespace="billing", new_code="teller")
    assert (teller.id, teller.arn, teller.code) == (clerk.id, clerk.arn, "teller")
    assert await mgmt.roles.detail("clerk", namespace="billing") is None
    with pytest.raises(AlreadyExistsError):
        await mgmt.roles.update("teller", namespace="billing", new_code="boss")
