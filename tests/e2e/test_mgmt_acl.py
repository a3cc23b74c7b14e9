"""Permission groups (namespaces), resources and authorization end to end."""

from __future__ import annotations

from typing import Any

import pytest

from aioauthing import (
    AlreadyExistsError,
    AuthenticationClient,
    AuthingError,
    AuthingValidationError,
    NotFoundError,
    OAuthError,
    PermissionDeniedError,
    models,
)

pytestmark = pytest.mark.anyio

Opt = models.AuthorizeResourceOpt
ASYNCIO_ONLY = pytest.mark.parametrize("anyio_backend", ["asyncio"])
"""The rules under test are the emulator's; the earlier tests run the SDK on trio too."""


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


# ---------------------------------------------------------------------------- evaluation


@ASYNCIO_ONLY
async def test_is_allowed_evaluates_users_roles_groups_nodes_wildcards_and_deny(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt, pool_id = authing_management_client, authing_pool.user_pool_id
    ada = await mgmt.users.create(models.CreateUserInput(username="ada"))
    bob = await mgmt.users.create(models.CreateUserInput(username="bob"))
    await mgmt.acl.create_namespace(pool_id, "shop", "Shop")

    async def allowed(user: Any, resource: str, action: str, namespace: str = "default") -> bool:
        result: bool = await mgmt.acl.is_allowed(user.id, action, resource, namespace)
        return result

    # a direct grant through allow(), only in its namespace
    done = await mgmt.acl.allow("books:1", "books:read", "default", user_id=ada.id)
    assert done.code == 200
    assert await allowed(ada, "books:1", "books:read") is True
    assert await allowed(ada, "books:1", "books:edit") is False
    assert await allowed(ada, "books:1", "books:read", "shop") is False
    assert await allowed(bob, "books:1", "books:read") is False
    # a role (and its parent role) the user holds
    await mgmt.roles.create("reader")
    await mgmt.roles.create("clerk", parent_code="reader")
    await mgmt.acl.allow("books:*", "books:list", "default", role="reader")
    assert await allowed(bob, "books:7", "books:list") is False
    await mgmt.users.add_roles([bob.id], ["clerk"])
    assert await allowed(bob, "books:7", "books:list") is True  # resource wildcard, parent role
    assert await allowed(bob, "orders:7", "books:list") is False
    # a group the user is in; action wildcard
    await mgmt.groups.create("staff", "Staff")
    await mgmt.acl.authorize_resource(
        "default",
        "orders:1",
        "DATA",
        [Opt(target_type="GROUP", target_identifier="staff", actions=["orders:*"])],
    )
    assert await allowed(ada, "orders:1", "orders:refund") is False
    await mgmt.groups.add_users("staff", [ada.id])
    assert await allowed(ada, "orders:1", "orders:refund") is True
    # an org node above the one the user is in
    org = await mgmt.org.create("Acme", code="acme")
    sales = await mgmt.org.add_node(org.id, "Sales", code="sales")
    await mgmt.org.add_members([bob.id], node_id=sales.id)
    await mgmt.acl.authorize_resource(
        "shop",
        "*",
        "DATA",
        [Opt(target_type="ORG", target_identifier=org.root_node.id, actions=["view"])],
    )
    assert await allowed(bob, "anything", "view", "shop") is True
    assert await allowed(ada, "anything", "view", "shop") is False
    # a DENY statement of an assigned policy wins over every grant
    deny = models.PolicyStatementInput(resource="books:1", actions=["books:*"], effect="DENY")
    await mgmt.policies.create("no-books-1", [deny])
    await mgmt.policies.add_assignments(["no-books-1"], "GROUP", ["staff"])
    assert await allowed(ada, "books:1", "books:read") is False
    assert await allowed(ada, "books:2", "books:read") is False  # never granted
    await mgmt.policies.disable_assignment("no-books-1", "GROUP", "staff")
    assert await allowed(ada, "books:1", "books:read") is True  # a disabled assignment: no deny
    await mgmt.policies.enable_assignment("no-books-1", "GROUP", "staff")
    assert await allowed(ada, "books:1", "books:read") is False
    await mgmt.policies.remove_assignments(["no-books-1"], "GROUP", ["staff"])
    assert await allowed(ada, "books:1", "books:read") is True
    # revoking removes (one action, then the rest)
    await mgmt.acl.allow("books:1", "books:edit", "default", user_id=ada.id)
    gone = await mgmt.acl.revoke_resource(
        "default",
        "books:1",
        [Opt(target_type="USER", target_identifier=ada.id, actions=["books:read"])],
    )
    assert gone.code == 200
    assert await allowed(ada, "books:1", "books:read") is False
    assert await allowed(ada, "books:1", "books:edit") is True
    await mgmt.acl.revoke_resource(
        "default", "books:1", [Opt(target_type="USER", target_identifier=ada.id)]
    )
    assert await allowed(ada, "books:1", "books:edit") is False
    with pytest.raises(NotFoundError) as info:
        await mgmt.acl.is_allowed("0" * 24, "books:read", "books:1", "default")
    assert info.value.code == 2004
    with pytest.raises(NotFoundError) as info:
        await mgmt.acl.allow("books:1", "books:read", "default", role="nobody")
    assert (info.value.code, info.value.message) == (404, "角色不存在")
    with pytest.raises(AuthingValidationError):
        await mgmt.acl.is_allowed(ada.id, None, "books:1", "default")


@ASYNCIO_ONLY
async def test_authorized_targets_batches_and_resource_kinds(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    ada = await mgmt.users.create(models.CreateUserInput(username="ada"))
    await mgmt.roles.create("editor")
    batch = [
        models.AuthorizeResourcesOpt(
            target_type="USER",
            target_identifiers=[ada.id],
            resources=[
                models.AuthorizeResourcesItem(
                    code="books:1", actions=["read", "edit"], resource_type="DATA"
                ),
                models.AuthorizeResourcesItem(
                    code="books:2", actions=["read"], resource_type="DATA"
                ),
            ],
        ),
        models.AuthorizeResourcesOpt(
            target_type="ROLE",
            target_identifiers=["editor"],
            resources=[
                models.AuthorizeResourcesItem(
                    code="books:1", actions=["edit"], resource_type="DATA"
                )
            ],
        ),
    ]
    assert (await mgmt.acl.authorize_resources("default", batch)).code == 200
    targets = await mgmt.acl.get_authorized_targets("default", "DATA", "books:1")
    found = {(t.target_type, t.target_identifier): t.actions for t in targets.list}
    assert found == {("USER", ada.id): ["read", "edit"], ("ROLE", "editor"): ["edit"]}
    both = models.AuthorizedTargetsActionsInput(op="AND", list=["read", "edit"])
    only = await mgmt.acl.get_authorized_targets("default", "DATA", "books:1", actions=both)
    assert [t.target_identifier for t in only.list] == [ada.id]
    roles = await mgmt.acl.get_authorized_targets("default", "DATA", "books:1", target_type="ROLE")
    assert (roles.total_count, roles.list[0].target_identifier) == (1, "editor")
    assert (await mgmt.acl.get_authorized_targets("default", "API", "books:1")).total_count == 0
    kinds = await mgmt.acl.get_authorized_resources_of_resource_kind(ada.id, "default", "books")
    assert [(k.code, k.actions) for k in kinds] == [
        ("books:1", ["read", "edit"]),
        ("books:2", ["read"]),
    ]
    targets_in = [
        models.AuthorizationTargetInput(target_type="USER", target_identifier=ada.id),
        models.AuthorizationTargetInput(target_type="ROLE", target_identifier="editor"),
    ]
    per_target = await mgmt.acl.list_authorized_resources_batch("default", targets_in)
    assert [(t.target_identifier, t.total_count) for t in per_target.list] == [
        (ada.id, 2),
        ("editor", 1),
    ]
    await mgmt.acl.revoke_resources("default", batch[:1])
    assert (
        await mgmt.acl.get_authorized_resources_of_resource_kind(ada.id, "default", "books") == []
    )
    with pytest.raises(NotFoundError) as info:
        await mgmt.acl.get_authorized_resources_of_resource_kind("0" * 24, "default", "books")
    assert info.value.code == 2004


# ---------------------------------------------------------------------------- namespaces, resources


@ASYNCIO_ONLY
async def test_namespaces_and_resources_update_and_delete(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt, pool_id = authing_management_client, authing_pool.user_pool_id
    ada = await mgmt.users.create(models.CreateUserInput(username="ada"))
    shop = await mgmt.acl.create_namespace(pool_id, "shop", "Shop")
    actions = [models.ResourceActionInput(name="read", description="Read")]
    made = await mgmt.acl.create_resource("items", "DATA", "shop", actions=actions)
    assert (await mgmt.acl.get_resource_by_id(made.id)).code == "items"
    assert (await mgmt.acl.get_resource_by_code("shop", "items")).id == made.id
    changed = await mgmt.acl.update_resource(
        "shop",
        "items",
        type="API",
        description="All items",
        actions=[models.UpdateResourceActionInput(name="list")],
    )
    assert (str(changed.type), changed.description, [a.name for a in changed.actions]) == (
        "API",
        "All items",
        ["list"],
    )
    await mgmt.acl.allow("items", "list", "shop", user_id=ada.id)
    renamed = await mgmt.acl.update_namespace(pool_id, shop.id, name="Store", code="store")
    assert (renamed.id, renamed.code, renamed.name) == (shop.id, "store", "Store")
    assert await mgmt.acl.is_allowed(ada.id, "list", "items", "store") is True  # grants follow
    assert (await mgmt.acl.get_resource_by_code("store", "items")).id == made.id
    by_code = await mgmt.acl.update_namespace_by_code(pool_id, "store", description="d")
    assert (by_code.code, by_code.description) == ("store", "d")
    assert (await mgmt.acl.delete_resource("store", "items")).code == 200
    assert await mgmt.acl.is_allowed(ada.id, "list", "items", "store") is False
    with pytest.raises(NotFoundError) as info:
        await mgmt.acl.get_resource_by_id(made.id)
    assert (info.value.code, info.value.message) == (404, "资源不存在")
    with pytest.raises(NotFoundError) as info:
        await mgmt.acl.update_resource("store", "items", description="x")
    assert info.value.code == 404
    assert (await mgmt.acl.delete_namespace(pool_id, shop.id)).code == 200
    with pytest.raises(NotFoundError) as info:
        await mgmt.acl.delete_namespace(pool_id, shop.id)
    assert (info.value.code, info.value.message) == (404, "权限分组不存在")
    await mgmt.acl.create_namespace(pool_id, "tmp", "Tmp")
    assert (await mgmt.acl.delete_namespace_by_code(pool_id, "tmp")).code == 200
    assert (await mgmt.acl.list_namespaces(pool_id)).total == 0
    with pytest.raises(NotFoundError):
        await mgmt.acl.update_namespace_by_code(pool_id, "tmp", name="again")


# ---------------------------------------------------------------------------- machines, apps


@ASYNCIO_ONLY
async def test_programmatic_access_accounts_get_tokens_while_enabled(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt, app_id = authing_management_client, authing_pool.app_id
    account = await mgmt.acl.create_programmatic_access_account(
        app_id, remark="ci", token_lifetime=300
    )
    assert (account.app_id, account.remarks, account.token_lifetime, account.enabled) == (
        app_id,
        "ci",
        300,
        True,
    )
    assert account.secret and account.secret not in repr(account)
    listed = await mgmt.acl.programmatic_access_account_list(app_id)
    assert [a.id for a in listed.list] == [account.id] and listed.total_count == 1
    async with AuthenticationClient(
        app_id, host=authing_pool.host, user_pool_id=authing_pool.user_pool_id, strict=True
    ) as client:

        async def token(secret: str) -> str:
            got = await client.get_access_token_by_client_credentials("read", account.id, secret)
            return str(got.access_token)

        first = await client.get_access_token_by_client_credentials(
            "read", account.id, account.secret
        )
        assert first.expires_in == 300  # the account's token lifetime
        off = await mgmt.acl.disable_programmatic_access_account(account.id)
        assert off.enabled is False
        with pytest.raises(OAuthError) as refused:
            await token(account.secret)
        assert refused.value.error == "invalid_client"
        assert (await mgmt.acl.enable_programmatic_access_account(account.id)).enabled is True
        fresh = await mgmt.acl.refresh_programmatic_access_account_secret(account.id)
        assert fresh.secret and fresh.secret != account.secret
        with pytest.raises(OAuthError):
            await token(account.secret)
        assert await token(fresh.secret)
        mine = await mgmt.acl.refresh_programmatic_access_account_secret(
            account.id, secret="s" * 32
        )
        assert mine.secret == "s" * 32
        assert (await mgmt.acl.delete_programmatic_access_account(account.id)).code == 200
        with pytest.raises(OAuthError):
            await token("s" * 32)
    with pytest.raises(NotFoundError) as info:
        await mgmt.acl.enable_programmatic_access_account(account.id)
    assert (info.value.code, info.value.message) == (404, "编程访问账号不存在")
    with pytest.raises(NotFoundError) as info:
        await mgmt.acl.create_programmatic_access_account("0" * 24)
    assert info.value.code == 2011


@ASYNCIO_ONLY
async def test_application_access_policies_are_kept_per_target(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt, app_id = authing_management_client, authing_pool.app_id
    ada = await mgmt.users.create(models.CreateUserInput(username="ada"))
    await mgmt.roles.create("guest")
    assert (await mgmt.acl.allow_access_application(app_id, "USER", [ada.id])).code == 200
    await mgmt.acl.deny_access_application(app_id, "ROLE", ["guest"], namespace="default")
    rules = await mgmt.acl.get_application_access_policies(app_id)
    found = {(r.target_type, r.target_identifier): (r.code, r.enabled) for r in rules.list}
    assert found == {("USER", ada.id): ("ALLOW", True), ("ROLE", "guest"): ("DENY", True)}
    await mgmt.acl.disable_application_access_policies(app_id, "USER", [ada.id])
    rules = await mgmt.acl.get_application_access_policies(app_id)
    assert {r.target_identifier: r.enabled for r in rules.list} == {ada.id: False, "guest": True}
    await mgmt.acl.enable_application_access_policies(app_id, "USER", [ada.id])
    await mgmt.acl.delete_application_access_policies(app_id, "ROLE", ["guest"])
    rules = await mgmt.acl.get_application_access_policies(app_id)
    assert [(r.target_identifier, r.enabled) for r in rules.list] == [(ada.id, True)]
    app = await mgmt.acl.update_default_application_access_policy(app_id, "DENY_ALL")
    assert str(app.permission_strategy.default_strategy) == "DENY_ALL"
    detail = await mgmt.applications.find_by_id(app_id)
    assert str(detail.permission_strategy.default_strategy) == "DENY_ALL"
    with pytest.raises(NotFoundError) as info:
        await mgmt.acl.allow_access_application("0" * 24, "USER", [ada.id])
    assert info.value.code == 2011
    with pytest.raises(AuthingValidationError):
        await mgmt.acl.allow_access_application(app_id, "USER", ada.id)


@ASYNCIO_ONLY
async def test_sign_in_obeys_the_application_access_policy(
    authing_management_client: Any, authing_pool: Any
) -> None:
    """A DENY_ALL default lets in only the allowed; a DENY rule wins over an ALLOW (1576)."""
    mgmt, app_id = authing_management_client, authing_pool.app_id
    ada = await mgmt.users.create(models.CreateUserInput(username="ada", password="Passw0rd!"))
    await mgmt.users.create(models.CreateUserInput(username="bob", password="Passw0rd!"))
    async with AuthenticationClient(
        app_id,
        host=authing_pool.host,
        user_pool_id=authing_pool.user_pool_id,
        public_key=authing_pool.public_key,
        strict=True,
    ) as auth:
        assert (await auth.login_by_username("bob", "Passw0rd!")).username == "bob"
        await mgmt.acl.update_default_application_access_policy(app_id, "DENY_ALL")
        await mgmt.acl.allow_access_application(app_id, "USER", [ada.id])
        assert (await auth.login_by_username("ada", "Passw0rd!")).id == ada.id
        with pytest.raises(PermissionDeniedError) as refused:
            await auth.login_by_username("bob", "Passw0rd!")
        assert refused.value.code == 1576
        await mgmt.roles.create("banned")
        await mgmt.users.add_roles([ada.id], ["banned"])
        await mgmt.acl.deny_access_application(app_id, "ROLE", ["banned"], namespace="default")
        with pytest.raises(PermissionDeniedError) as denied:
            await auth.login_by_username("ada", "Passw0rd!")
        assert denied.value.code == 1576
        await mgmt.acl.disable_application_access_policies(
            app_id, "ROLE", ["banned"], namespace="default"
        )
        assert (await auth.login_by_username("ada", "Passw0rd!")).id == ada.id


@ASYNCIO_ONLY
async def test_bad_acl_input_is_refused_before_sending(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    cases = [
        (lambda: mgmt.acl.is_allowed(42, "read", "books:1", "default"), "user_id"),
        (lambda: mgmt.acl.revoke_resource("default", "books:1", "USER"), "opts"),
        (lambda: mgmt.acl.authorize_resources("default", []), "opts"),
        (lambda: mgmt.acl.get_resource_by_code("default", None), "code"),
        (
            lambda: mgmt.acl.update_default_application_access_policy("app", "MAYBE"),
            "default_strategy",
        ),
        (lambda: mgmt.acl.programmatic_access_account_list("app", page="1"), "page"),
        (lambda: mgmt.acl.delete_namespace("pool", "7"), "id"),
    ]
    for call, parameter in cases:
        with pytest.raises(AuthingValidationError) as info:
            await call()
        assert info.value.parameter == parameter
