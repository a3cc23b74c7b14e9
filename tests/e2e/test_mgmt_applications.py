"""Applications beyond create/find/delete: agreements, active users, tenants of an application,
its type, and its resources and roles (its permission group)."""

from __future__ import annotations

from typing import Any

import pytest

from aioauthing import AuthingValidationError, NotFoundError, models
from aioauthing.runtime.errors import InvalidInputError

pytestmark = pytest.mark.anyio

UNKNOWN_APP = "000000000000000000000000"


async def test_agreements_create_list_modify_sort_delete(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt, app_id = authing_management_client, authing_pool.app_id
    terms = await mgmt.applications.create_agreement(app_id, "I accept the <a>terms</a>")
    assert (terms.app_id, terms.lang, terms.required, terms.order) == (app_id, "zh-CN", True, 0)
    privacy = await mgmt.applications.create_agreement(
        app_id, "Privacy", required=False, lang="en-US"
    )
    assert (privacy.lang, privacy.required, privacy.order) == ("en-US", False, 1)
    assert privacy.id != terms.id and privacy.user_pool_id == authing_pool.user_pool_id

    listed = await mgmt.applications.list_agreement(app_id)
    assert (listed.total_count, [a.id for a in listed.list]) == (2, [terms.id, privacy.id])

    changed = await mgmt.applications.modify_agreement(app_id, privacy.id, "Privacy v2")
    assert (changed.title, changed.lang, changed.required) == ("Privacy v2", "en-US", False)
    changed = await mgmt.applications.modify_agreement(
        app_id, privacy.id, "Privacy v3", required=True
    )
    assert changed.required is True

    assert (await mgmt.applications.sort_agreement(app_id, [privacy.id, terms.id])).code == 200
    order = [(a.id, a.order) for a in (await mgmt.applications.list_agreement(app_id)).list]
    assert order == [(privacy.id, 0), (terms.id, 1)]
    with pytest.raises(InvalidInputError) as partial:  # every agreement, once each
        await mgmt.applications.sort_agreement(app_id, [terms.id])
    assert partial.value.code == 400

    assert (await mgmt.applications.delete_agreement(app_id, privacy.id)).code == 200
    left = await mgmt.applications.list_agreement(app_id)
    assert [(a.id, a.order) for a in left.list] == [(terms.id, 0)]
    with pytest.raises(NotFoundError) as gone:
        await mgmt.applications.modify_agreement(app_id, privacy.id, "x")
    assert gone.value.code == 404
    with pytest.raises(NotFoundError) as no_app:
        await mgmt.applications.list_agreement(UNKNOWN_APP)
    assert no_app.value.code == 2011
    with pytest.raises(AuthingValidationError) as bad_lang:
        await mgmt.applications.create_agreement(app_id, "x", lang="fr-FR")
    assert bad_lang.value.parameter == "lang"

    # Another application's agreements are its own.
    other = await mgmt.applications.create("Other", "other-agreements", ["https://o.example/cb"])
    assert (await mgmt.applications.list_agreement(other.id)).total_count == 0
    with pytest.raises(NotFoundError) as foreign:
        await mgmt.applications.delete_agreement(other.id, terms.id)
    assert foreign.value.code == 404


async def test_active_users_are_the_users_who_signed_in_to_the_app(
    authing_management_client: Any, authing_client: Any, authing_pool: Any
) -> None:
    mgmt, auth, app_id = authing_management_client, authing_client, authing_pool.app_id
    assert (await mgmt.applications.active_users(app_id)).total_count == 0
    ada = await auth.register_by_email("ada@apps.org", "pw123456")
    bob = await auth.register_by_email("bob@apps.org", "pw123456")
    await mgmt.users.create(models.CreateUserInput(username="never", password="pw123456"))
    assert (await mgmt.applications.active_users(app_id)).total_count == 0  # registered only
    await auth.login_by_email("ada@apps.org", "pw123456")
    await auth.login_by_email("bob@apps.org", "pw123456")
    await auth.login_by_email("ada@apps.org", "pw123456")
    active = await mgmt.applications.active_users(app_id)
    assert (active.total_count, [u.id for u in active.list]) == (2, [ada.id, bob.id])
    second = await mgmt.applications.active_users(app_id, page=2, limit=1)
    assert [u.id for u in second.list] == [bob.id]
    assert [u.email async for u in mgmt.applications.iter_active_users(app_id, page_size=1)] == [
        "ada@apps.org",
        "bob@apps.org",
    ]
    other = await mgmt.applications.create("Quiet", "quiet-app", ["https://q.example/cb"])
    assert (await mgmt.applications.active_users(other.id)).total_count == 0
    with pytest.raises(NotFoundError) as unknown:
        await mgmt.applications.active_users(UNKNOWN_APP)
    assert unknown.value.code == 2011


async def test_tenants_and_type(authing_management_client: Any, authing_pool: Any) -> None:
    mgmt, app_id = authing_management_client, authing_pool.app_id
    empty = await mgmt.applications.application_tenants(app_id)
    assert (empty.id, empty.tenants) == (app_id, [])
    tenant = await mgmt.tenants.create("Acme", app_id)
    found = await mgmt.applications.application_tenants(app_id)
    assert [(t.id, t.name) for t in found.tenants] == [(tenant.id, "Acme")]
    shop = await mgmt.applications.create("Shop", "shop-tenants", ["https://s.example/cb"])
    both = await mgmt.tenants.create("Both", f"{app_id},{shop.id}")
    of_shop = await mgmt.applications.application_tenants(shop.id)
    assert (of_shop.id, of_shop.domain, [t.id for t in of_shop.tenants]) == (
        shop.id,
        "shop-tenants",
        [both.id],
    )
    assert [t.id for t in (await mgmt.applications.application_tenants(app_id)).tenants] == [
        tenant.id,
        both.id,
    ]
    assert found.domain == (await mgmt.applications.find_by_id(app_id)).identifier
    with pytest.raises(NotFoundError) as unknown:
        await mgmt.applications.application_tenants(UNKNOWN_APP)
    assert unknown.value.code == 2011

    assert (await mgmt.applications.find_by_id(app_id)).app_type == "INDIVIDUAL"
    changed = await mgmt.applications.change_application_type(app_id, "BOTH")
    assert changed.app_type == "BOTH"
    assert (await mgmt.applications.find_by_id(app_id)).app_type == "BOTH"
    with pytest.raises(AuthingValidationError) as bad:
        await mgmt.applications.change_application_type(app_id, "SOLO")
    assert bad.value.parameter == "type"

    app = await mgmt.applications.create("Typed", "typed-app", ["https://t.example/cb"])
    tenant_app = await mgmt.applications.change_application_type(app.id, "Tenant")
    assert (tenant_app.app_type, tenant_app.secret) == ("Tenant", app.secret)
    assert (await mgmt.applications.find_by_id(app_id)).app_type == "BOTH"


async def test_resources_and_roles_of_an_application(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt, app_id = authing_management_client, authing_pool.app_id
    user = await mgmt.users.create(models.CreateUserInput(username="reader", password="pw123456"))
    books = await mgmt.applications.create_resource(
        app_id, "books", "DATA", actions=[models.ResourceActionInput(name="books:read")]
    )
    assert (books.code, [a.name for a in books.actions or []]) == ("books", ["books:read"])
    listed = await mgmt.applications.list_resources(app_id)
    assert [r.code for r in listed.list] == ["books"]
    assert (await mgmt.acl.list_resources(app_id)).total_count == 1  # the same permission group
    shop = await mgmt.applications.create("Shop", "shop-resources", ["https://s.example/cb"])
    groups = (await mgmt.acl.list_namespaces(authing_pool.user_pool_id)).list
    assert [(g.code, g.application_id) for g in groups] == [(shop.id, shop.id)]
    await mgmt.applications.create_resource(shop.id, "carts", "API")
    assert [r.code for r in (await mgmt.applications.list_resources(shop.id)).list] == ["carts"]

    role = await mgmt.applications.create_role(app_id, "librarian", description="Lends books")
    assert (role.code, role.namespace, role.description) == ("librarian", app_id, "Lends books")
    assert (await mgmt.applications.find_role(app_id, "librarian")).description == "Lends books"
    assert (await mgmt.applications.find_role(app_id, "nobody")) is None
    updated = await mgmt.applications.update_role(app_id, "librarian", description="Keeps books")
    assert updated.description == "Keeps books"
    assert (await mgmt.applications.add_users_to_role(app_id, "librarian", [user.id])).code == 200
    holders = await mgmt.applications.get_users_by_role_code(app_id, "librarian")
    assert [u.id for u in holders.list] == [user.id]
    assert [r.code for r in (await mgmt.applications.get_roles(app_id)).list] == ["librarian"]
    assert (await mgmt.roles.list(namespace="default")).total_count == 0
    await mgmt.acl.authorize_resource(
        app_id,
        "books",
        "DATA",
        [
            models.AuthorizeResourceOpt(
                target_type="ROLE", target_identifier="librarian", actions=["books:read"]
            )
        ],
    )
    granted = await mgmt.applications.list_authorized_resources_by_role(app_id, "librarian")
    assert [(r.code, r.actions) for r in granted.list] == [("books", ["books:read"])]
    removed = await mgmt.applications.remove_users_from_role(app_id, "librarian", [user.id])
    assert removed.code == 200
    assert (await mgmt.applications.get_users_by_role_code(app_id, "librarian")).total_count == 0
    await mgmt.applications.create_role(app_id, "clerk")
    assert (await mgmt.applications.delete_role(app_id, "clerk")).code == 200
    assert (await mgmt.applications.delete_roles(app_id, ["librarian"])).code == 200
    assert (await mgmt.applications.get_roles(app_id)).total_count == 0
    with pytest.raises(AuthingValidationError) as bad:
        await mgmt.applications.add_users_to_role(app_id, "librarian", "not-a-list")
    assert bad.value.parameter == "user_ids"


async def test_resource_update_delete_and_access_policies_of_an_application(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt = authing_management_client
    app = await mgmt.applications.create("Vault", "vault-app", ["https://v.example/cb"])
    user = await mgmt.users.create(models.CreateUserInput(username="keeper", password="pw123456"))
    await mgmt.applications.create_resource(app.id, "safe", "DATA", description="Safe")
    changed = await mgmt.applications.update_resource(
        app.id,
        "safe",
        description="Big safe",
        actions=[models.UpdateResourceActionInput(name="safe:open")],
    )
    assert (changed.description, [a.name for a in changed.actions or []]) == (
        "Big safe",
        ["safe:open"],
    )
    assert (await mgmt.applications.delete_resource(app.id, "safe")).code == 200
    assert (await mgmt.applications.list_resources(app.id)).total_count == 0
    with pytest.raises(NotFoundError) as gone:
        await mgmt.applications.delete_resource(app.id, "safe")
    assert gone.value.code == 404

    assert (await mgmt.applications.get_access_policies(app.id)).total_count == 0
    await mgmt.acl.deny_access_application(app.id, "USER", [user.id])
    rules = await mgmt.applications.get_access_policies(app.id, page=1, limit=5)
    assert [(r.code, r.target_identifier, r.enabled) for r in rules.list] == [
        ("DENY", user.id, True)
    ]
    with pytest.raises(NotFoundError) as unknown:
        await mgmt.applications.get_access_policies(UNKNOWN_APP)
    assert unknown.value.code == 2011
    strategy = await mgmt.acl.update_default_application_access_policy(app.id, "DENY_ALL")
    assert strategy.permission_strategy is not None
    assert strategy.permission_strategy.default_strategy == "DENY_ALL"
    typed = await mgmt.applications.change_application_type(app.id, "Tenant")
    assert typed.app_type == "Tenant"
    assert typed.permission_strategy is not None
    assert typed.permission_strategy.default_strategy == "DENY_ALL"  # kept by a type change
