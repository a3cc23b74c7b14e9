"""Tenants (update, branding, members and administrators), external identity providers and
their connections, end to end: every change is seen by the later reads."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from aioauthing import (
    AlreadyExistsError,
    AuthingValidationError,
    ManagementClient,
    NotFoundError,
    models,
)
from aioauthing.emulator.settings import EmulatorSettings
from aioauthing.runtime.errors import InvalidInputError

pytestmark = pytest.mark.anyio

UNKNOWN = "000000000000000000000000"


@pytest.fixture
def anyio_backend() -> str:
    """The rules under test are the emulator's; the SDK calls are ordinary REST ones (the
    tenant calls of test_mgmt_apps_tenants run on trio too)."""
    return "asyncio"


async def test_tenant_update_config_members_and_admins(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt = authing_management_client
    ada = await mgmt.users.create(models.CreateUserInput(username="ada"))
    bob = await mgmt.users.create(models.CreateUserInput(username="bob"))
    shop = await mgmt.applications.create("Shop", "shop-t", [])
    tenant = await mgmt.tenants.create("Acme", authing_pool.app_id, logo="https://l/a.png")
    assert [a.id for a in tenant.apps] == [authing_pool.app_id]

    assert await mgmt.tenants.update(tenant.id, name="Acme 2", app_ids=f"{shop.id}") is True
    assert await mgmt.tenants.config(
        tenant.id,
        css=".a{}",
        sso_page_customization_settings=models.TenantSsoPageSettingsInput(hide_idp=True),
    )
    assert await mgmt.tenants.config(
        tenant.id,
        sso_page_customization_settings=models.TenantSsoPageSettingsInput(hide_social_login=True),
    )
    detail = await mgmt.tenants.detail(tenant.id)
    assert (detail.name, detail.logo, detail.css) == ("Acme 2", "https://l/a.png", ".a{}")
    assert detail.sso_page_customization_settings == {"hideIdp": True, "hideSocialLogin": True}
    assert [a.id for a in detail.apps] == [shop.id]
    with pytest.raises(NotFoundError) as no_app:
        await mgmt.tenants.update(tenant.id, app_ids=UNKNOWN)
    assert no_app.value.code == 2011
    with pytest.raises(NotFoundError) as no_tenant:
        await mgmt.tenants.update(UNKNOWN, name="x")
    assert no_tenant.value.code == 404

    added = await mgmt.tenants.add_members(tenant.id, [ada.id, bob.id])
    assert (added.id, [u.id for u in added.users]) == (tenant.id, [ada.id, bob.id])
    with pytest.raises(NotFoundError) as no_user:
        await mgmt.tenants.add_members(tenant.id, [UNKNOWN])
    assert no_user.value.code == 2004
    page = await mgmt.tenants.list_members(tenant.id, limit=1)
    assert page.list_total == 2 and len(page.list) == 1
    members = [m async for m in mgmt.tenants.iter_list_members(tenant.id, page_size=1)]
    assert [(m.user_id, m.tenant_id, m.is_admin, m.is_enabled) for m in members] == [
        (ada.id, tenant.id, False, True),
        (bob.id, tenant.id, False, True),
    ]
    assert members[0].user is not None and members[0].user.username == "ada"

    assert (await mgmt.tenants.set_admins(tenant.id, [ada.id])).code == 200
    assert (await mgmt.tenants.update_member(tenant.id, bob.id, False)).code == 200
    states = {
        m.user_id: (m.is_admin, m.is_enabled)
        for m in (await mgmt.tenants.list_members(tenant.id)).list
    }
    assert states == {ada.id: (True, True), bob.id: (False, False)}
    assert (await mgmt.tenants.remove_admin(tenant.id, ada.id)).code == 200
    assert (await mgmt.tenants.list_members(tenant.id)).list[0].is_admin is False
    with pytest.raises(NotFoundError) as not_member:
        await mgmt.tenants.set_admins(tenant.id, [shop.id])
    assert not_member.value.code == 404
    with pytest.raises(NotFoundError) as gone:
        await mgmt.tenants.list_members(UNKNOWN)
    assert gone.value.code == 404
    with pytest.raises(AuthingValidationError) as bad:
        await mgmt.tenants.add_members(tenant.id, "ada")
    assert bad.value.parameter == "user_ids"

    assert (await mgmt.tenants.remove_member(tenant.id, bob.id)).code == 200
    with pytest.raises(NotFoundError) as twice:
        await mgmt.tenants.remove_member(tenant.id, bob.id)
    assert twice.value.code == 404
    assert (await mgmt.tenants.delete(tenant.id)).code == 200
    assert (await mgmt.users.list_tenants(ada.id)).tenants == []


async def test_ext_idps_connections_and_their_states(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt = authing_management_client
    tenant = await mgmt.tenants.create("Acme", authing_pool.app_id)
    wechat = models.ExtIdpConnectionInput(
        type="wechat:pc",
        identifier="wechat-pc",
        display_name="WeChat",
        fields={"clientID": "id1", "clientSecret": "s3cr3t"},
    )
    idp = await mgmt.tenants.create_ext_idp("WeChat", "wechat", [wechat], tenant_id=tenant.id)
    assert (idp.name, idp.type, idp.tenant_id) == ("WeChat", "wechat", tenant.id)
    assert [(c.identifier, c.enabled, c.fields) for c in idp.connections] == [
        ("wechat-pc", True, {"clientID": "id1", "clientSecret": "s3cr3t"})
    ]
    assert "s3cr3t" not in repr(idp)
    own = await mgmt.tenants.create_ext_idp("OIDC", "oidc", [])
    assert [i.id for i in await mgmt.tenants.list_ext_idps(tenant.id)] == [idp.id]
    assert [i.id for i in await mgmt.tenants.list_ext_idps("")] == [own.id]
    with pytest.raises(NotFoundError) as no_tenant:
        await mgmt.tenants.create_ext_idp("X", "oidc", [], tenant_id=UNKNOWN)
    assert no_tenant.value.code == 404
    with pytest.raises(AlreadyExistsError) as dup:
        await mgmt.tenants.create_ext_idp("Y", "wechat", [wechat])
    assert dup.value.code == 409

    assert (await mgmt.tenants.check_ext_idp_connection_identifier_unique("oidc-1")).code == 200
    with pytest.raises(AlreadyExistsError) as taken:
        await mgmt.tenants.check_ext_idp_connection_identifier_unique("wechat-pc")
    assert taken.value.code == 409
    conn = await mgmt.tenants.create_ext_idp_connection(
        own.id, "oidc", "oidc-1", "Corp SSO", {"issuer": "https://i"}, user_match_fields=["email"]
    )
    assert (conn.ext_idp_id, conn.identifier, conn.user_match_fields) == (
        own.id,
        "oidc-1",
        ["email"],
    )
    with pytest.raises(AlreadyExistsError) as again:
        await mgmt.tenants.create_ext_idp_connection(own.id, "oidc", "oidc-1", "Z", {})
    assert again.value.code == 409
    with pytest.raises(NotFoundError) as no_idp:
        await mgmt.tenants.create_ext_idp_connection(UNKNOWN, "oidc", "oidc-2", "Z", {})
    assert no_idp.value.code == 404
    updated = await mgmt.tenants.update_ext_idp_connection(
        conn.id, "Corp", {"issuer": "https://j"}, logo="https://l/c.png"
    )
    assert updated.code == 200
    assert (await mgmt.tenants.update_ext_idp(own.id, "Corp OIDC")).code == 200
    detail = await mgmt.tenants.ext_idp_detail(own.id)
    assert detail.name == "Corp OIDC"
    assert [(c.display_name, c.fields, c.logo) for c in detail.connections] == [
        ("Corp", {"issuer": "https://j"}, "https://l/c.png")
    ]

    # States: pool-wide (the detail), per tenant (the tenant's list), per application.
    pc = idp.connections[0].id
    await mgmt.tenants.change_ext_idp_connection_state(pc, False, tenant_id=tenant.id)
    listed = await mgmt.tenants.list_ext_idps(tenant.id)
    assert [c.enabled for c in listed[0].connections] == [False]
    assert [c.enabled for c in (await mgmt.tenants.ext_idp_detail(idp.id)).connections] == [True]
    await mgmt.tenants.batch_change_ext_idp_connection_state(own.id, False)
    assert [c.enabled for c in (await mgmt.tenants.ext_idp_detail(own.id)).connections] == [False]
    await mgmt.tenants.change_ext_idp_connection_state(conn.id, True, app_id=authing_pool.app_id)
    with pytest.raises(NotFoundError) as no_app:
        await mgmt.tenants.change_ext_idp_connection_state(conn.id, True, app_id=UNKNOWN)
    assert no_app.value.code == 2011
    with pytest.raises(NotFoundError) as no_conn:
        await mgmt.tenants.change_ext_idp_connection_state(UNKNOWN, True)
    assert no_conn.value.code == 404

    assert (await mgmt.tenants.delete_ext_idp_connection(conn.id)).code == 200
    assert (await mgmt.tenants.ext_idp_detail(own.id)).connections == []
    assert (await mgmt.tenants.delete_ext_idp(own.id)).code == 200
    with pytest.raises(NotFoundError) as deleted:
        await mgmt.tenants.ext_idp_detail(own.id)
    assert deleted.value.code == 404
    # Deleting the tenant takes its identity providers and their connections.
    await mgmt.tenants.delete(tenant.id)
    with pytest.raises(NotFoundError):
        await mgmt.tenants.ext_idp_detail(idp.id)
    assert (await mgmt.tenants.check_ext_idp_connection_identifier_unique("wechat-pc")).code == 200


async def test_batch_insert_resources_all_or_nothing(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    read = models.ResourceActionInput(name="books:read")
    books = models.BulkResourceInput(code="books", type="DATA", actions=[read])
    shelf = models.BulkResourceInput(code="shelf", type="API", actions=[], api_identifier="/s")
    assert (await mgmt.tenants.batch_insert_resources([books, shelf])).code == 200
    listed = await mgmt.acl.list_resources("default")
    assert sorted(r.code for r in listed.list) == ["books", "shelf"]
    again = models.BulkResourceInput(code="maps", type="DATA", actions=[])
    with pytest.raises(AlreadyExistsError) as taken:
        await mgmt.tenants.batch_insert_resources([again, books])
    assert taken.value.code == 2026
    assert (await mgmt.acl.list_resources("default")).total_count == 2
    with pytest.raises(NotFoundError) as no_group:
        await mgmt.tenants.batch_insert_resources(
            [models.BulkResourceInput(code="x", type="DATA", actions=[], namespace="nope")]
        )
    assert no_group.value.code == 404


async def test_bad_input_is_refused_before_sending(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    calls = [
        ("name", mgmt.tenants.update(UNKNOWN, name="")),
        ("is_enabled", mgmt.tenants.update_member(UNKNOWN, UNKNOWN, "yes")),
        ("connections", mgmt.tenants.create_ext_idp("x", "oidc", "not-a-list")),
        ("enabled", mgmt.tenants.change_ext_idp_connection_state(UNKNOWN, None)),
        ("bulk", mgmt.tenants.batch_insert_resources([])),
    ]
    for parameter, call in calls:
        with pytest.raises(AuthingValidationError) as refused:
            await call
        assert refused.value.parameter == parameter
    # Object parameters take any JSON value on the client; the service wants a mapping.
    with pytest.raises(InvalidInputError) as not_mapping:
        await mgmt.tenants.create_ext_idp_connection(UNKNOWN, "oidc", "i", "d", "f")
    assert not_mapping.value.code == 400


@pytest.fixture
def other_pool(authing_emulator: Any) -> EmulatorSettings:
    """A second fresh pool on the same emulator."""
    answer = httpx.post(f"{authing_emulator.url}/__emulator__/pools", json={}, timeout=10)
    return EmulatorSettings.from_dict(answer.raise_for_status().json())


async def test_another_pools_ids_are_not_found(
    authing_management_client: Any, authing_pool: Any, other_pool: EmulatorSettings
) -> None:
    mgmt = authing_management_client
    tenant = await mgmt.tenants.create("Acme", authing_pool.app_id)
    user = await mgmt.users.create(models.CreateUserInput(username="ada"))
    idp = await mgmt.tenants.create_ext_idp(
        "OIDC",
        "oidc",
        [models.ExtIdpConnectionInput(type="oidc", identifier="c1", display_name="C", fields={})],
    )
    other = other_pool
    async with ManagementClient(
        other.user_pool_id, other.secret, host=other.host, public_key=other.public_key
    ) as theirs:
        for code, call in (
            (404, theirs.tenants.detail(tenant.id)),
            (404, theirs.tenants.add_members(tenant.id, [user.id])),
            (404, theirs.tenants.ext_idp_detail(idp.id)),
            (404, theirs.tenants.delete_ext_idp_connection(idp.connections[0].id)),
            (2011, theirs.tenants.create("Beta", authing_pool.app_id)),  # not their application
        ):
            with pytest.raises(NotFoundError) as unknown:
                await call
            assert unknown.value.code == code
        # Identifiers are unique per pool: the other pool may use c1.
        assert (await theirs.tenants.check_ext_idp_connection_identifier_unique("c1")).code == 200
    assert (await mgmt.tenants.detail(tenant.id)).id == tenant.id
