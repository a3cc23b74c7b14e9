"""Applications and tenants end to end, and a user's tenants."""

from __future__ import annotations

from typing import Any

import pytest

from aioauthing import (
    AlreadyExistsError,
    AuthenticationClient,
    AuthingError,
    NotFoundError,
    OAuthError,
    PermissionDeniedError,
    models,
)

pytestmark = pytest.mark.anyio


async def test_applications_list_and_detail(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt = authing_management_client
    listed = await mgmt.applications.list()
    assert listed.total_count == 1 and listed.list[0].id == authing_pool.app_id
    assert listed.list[0].secret is None  # only the detail carries the secret
    assert [a.id async for a in mgmt.applications.iter_list(page_size=5)] == [authing_pool.app_id]
    detail = await mgmt.applications.find_by_id(authing_pool.app_id)
    assert (detail.id, detail.user_pool_id) == (authing_pool.app_id, authing_pool.user_pool_id)
    assert detail.secret == authing_pool.app_secret
    assert "authorization_code" in detail.oidc_config["grant_types"]
    with pytest.raises(NotFoundError) as info:
        await mgmt.applications.find_by_id("000000000000000000000000")
    assert info.value.code == 2011


async def test_tenants_members_and_a_users_tenants(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt = authing_management_client
    ada = await mgmt.users.create(models.CreateUserInput(username="ada", email="ada@x.org"))
    bob = await mgmt.users.create(models.CreateUserInput(username="bob"))
    tenant = await mgmt.tenants.create("Acme", authing_pool.app_id, description="first")
    other = await mgmt.tenants.create("Beta", authing_pool.app_id)
    assert (tenant.name, tenant.description, tenant.user_pool_id) == (
        "Acme",
        "first",
        authing_pool.user_pool_id,
    )
    with pytest.raises(NotFoundError):
        await mgmt.tenants.create("Bad", "000000000000000000000000")

    detail = await mgmt.tenants.detail(tenant.id)
    assert [a.id for a in detail.apps] == [authing_pool.app_id]
    assert (await mgmt.tenants.list()).total_count == 2
    assert [t.name async for t in mgmt.tenants.iter_list(page_size=1)] == ["Acme", "Beta"]

    await mgmt.tenants.add_members(tenant.id, [ada.id, bob.id])
    await mgmt.tenants.add_members(other.id, [ada.id])
    with pytest.raises(NotFoundError):
        await mgmt.tenants.add_members(tenant.id, ["000000000000000000000000"])
    members = await mgmt.tenants.list_members(tenant.id)
    assert members.list_total == 2
    assert {m.user.id for m in members.list if m.user} == {ada.id, bob.id}

    mine = await mgmt.users.list_tenants(ada.id)
    assert (mine.id, mine.email) == (ada.id, "ada@x.org")
    assert {t.name for t in mine.tenants} == {"Acme", "Beta"}

    removed = await mgmt.tenants.remove_member(tenant.id, bob.id)
    assert removed.code == 200
    assert (await mgmt.users.list_tenants(bob.id)).tenants == []
    await mgmt.tenants.delete(other.id)
    assert [t.name for t in (await mgmt.users.list_tenants(ada.id)).tenants] == ["Acme"]
    with pytest.raises(AuthingError) as info:
        await mgmt.tenants.detail(other.id)
    assert info.value.code == 404
    with pytest.raises(NotFoundError):
        await mgmt.users.list_tenants("000000000000000000000000")


async def test_applications_create_find_delete_and_refresh_secret(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt = authing_management_client
    app = await mgmt.applications.create("Shop", "shop", ["https://shop.example/cb"])
    assert (app.name, app.identifier, app.redirect_uris) == (
        "Shop",
        "shop",
        ["https://shop.example/cb"],
    )
    assert app.secret and app.is_default is False
    with pytest.raises(AlreadyExistsError) as taken:
        await mgmt.applications.create("Shop 2", "shop", [])
    assert taken.value.code == 2039
    listed = await mgmt.applications.list()
    assert [a.id for a in listed.list] == [authing_pool.app_id, app.id]
    assert (await mgmt.applications.find_by_id(app.id)).secret == app.secret
    renewed = await mgmt.applications.refresh_application_secret(app.id)
    assert renewed.secret and renewed.secret != app.secret
    assert (await mgmt.applications.delete(app.id)).code == 200
    with pytest.raises(NotFoundError) as gone:
        await mgmt.applications.find_by_id(app.id)
    assert gone.value.code == 2011
    with pytest.raises(PermissionDeniedError) as kept:
        await mgmt.applications.delete(authing_pool.app_id)
    assert kept.value.code == 1001

    # The default application's secret is the client secret of OAuth client authentication.
    def client(secret: str) -> AuthenticationClient:
        return AuthenticationClient(
            authing_pool.app_id,
            host=authing_pool.host,
            user_pool_id=authing_pool.user_pool_id,
            public_key=authing_pool.public_key,
            app_secret=secret,
        )

    old = client(authing_pool.app_secret)
    assert (await old.introspect_token("not-a-token")).active is False
    fresh = await mgmt.applications.refresh_application_secret(authing_pool.app_id)
    assert fresh.secret and fresh.secret != authing_pool.app_secret
    with pytest.raises(OAuthError) as refused:
        await old.introspect_token("not-a-token")
    assert refused.value.error == "invalid_client"
    new = client(fresh.secret)
    assert (await new.introspect_token("not-a-token")).active is False
    await old.aclose()
    await new.aclose()
