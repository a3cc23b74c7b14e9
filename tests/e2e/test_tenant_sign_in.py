"""Signing in to a tenant (``AuthenticationClient(tenant_id=...)``, the JS client's ``tenantId``
option: header ``x-authing-app-tenant-id``): only enabled members of a tenant that holds the
application get a token; a disabled membership answers 2120008, as does no membership."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from aioauthing import (
    AccountStateError,
    AuthenticationClient,
    AuthingValidationError,
    InvalidCredentialsError,
    NotFoundError,
    PermissionDeniedError,
    models,
)

pytestmark = pytest.mark.anyio

UNKNOWN = "000000000000000000000000"
SignIn = Callable[[str | None], AbstractAsyncContextManager[AuthenticationClient]]


@pytest.fixture
def anyio_backend() -> str:
    """The rule under test is the emulator's; the header path is the runtime's (unit-tested)."""
    return "asyncio"


@pytest.fixture
def tenant_client(authing_pool: Any) -> SignIn:
    @asynccontextmanager
    async def client(tenant_id: str | None) -> AsyncIterator[AuthenticationClient]:
        async with AuthenticationClient(
            authing_pool.app_id,
            host=authing_pool.host,
            user_pool_id=authing_pool.user_pool_id,
            public_key=authing_pool.public_key,
            strict=True,
            tenant_id=tenant_id,
        ) as auth:
            yield auth

    return client


async def test_a_disabled_membership_blocks_sign_in_to_that_tenant_only(
    authing_management_client: Any, authing_pool: Any, tenant_client: SignIn
) -> None:
    mgmt = authing_management_client
    ada = await mgmt.users.create(models.CreateUserInput(username="ada", password="ada-pass-1"))
    bob = await mgmt.users.create(models.CreateUserInput(username="bob", password="bob-pass-1"))
    tenant = await mgmt.tenants.create("Acme", authing_pool.app_id)
    await mgmt.tenants.add_members(tenant.id, [ada.id])

    async with tenant_client(tenant.id) as auth:
        signed_in = await auth.login_by_username("ada", "ada-pass-1")
        assert signed_in is not None and signed_in.id == ada.id and signed_in.token
        # Not a member: the same code as a suspended member (the service does not tell them apart).
        with pytest.raises(AccountStateError) as stranger:
            await auth.login_by_username("bob", "bob-pass-1")
        assert stranger.value.code == 2120008

        await mgmt.tenants.update_member(tenant.id, ada.id, False)
        with pytest.raises(AccountStateError) as suspended:
            await auth.login_by_username("ada", "ada-pass-1")
        assert suspended.value.code == 2120008
        assert "ada-pass-1" not in str(suspended.value)
        # The check comes after the password: a wrong one is still just a wrong password.
        with pytest.raises(InvalidCredentialsError) as wrong:
            await auth.login_by_username("ada", "not-her-password")
        assert wrong.value.code == 2333

    # Without a tenant the pool's sign-in is unchanged for both users.
    async with tenant_client(None) as auth:
        plain = await auth.login_by_username("ada", "ada-pass-1")
        assert plain is not None and plain.id == ada.id
        other = await auth.login_by_username("bob", "bob-pass-1")
        assert other is not None and other.id == bob.id

    await mgmt.tenants.update_member(tenant.id, ada.id, True)
    async with tenant_client(tenant.id) as auth:
        again = await auth.login_by_username("ada", "ada-pass-1")
        assert again is not None and again.id == ada.id


async def test_sign_in_to_a_tenant_without_the_app_or_an_unknown_tenant_is_refused(
    authing_management_client: Any, authing_pool: Any, tenant_client: SignIn
) -> None:
    mgmt = authing_management_client
    ada = await mgmt.users.create(models.CreateUserInput(username="ada", password="ada-pass-1"))
    shop = await mgmt.applications.create("Shop", "shop-tenant-signin", [])
    elsewhere = await mgmt.tenants.create("Elsewhere", shop.id)
    await mgmt.tenants.add_members(elsewhere.id, [ada.id])

    async with tenant_client(elsewhere.id) as auth:
        with pytest.raises(PermissionDeniedError) as not_this_app:
            await auth.login_by_username("ada", "ada-pass-1")
        assert not_this_app.value.code == 2130010
    async with tenant_client(UNKNOWN) as auth:
        with pytest.raises(InvalidCredentialsError) as unknown:
            await auth.login_by_email("nobody@example.com", "x-pass-1")
        assert unknown.value.code == 2333  # the account is checked first
        await mgmt.users.update(ada.id, models.UpdateUserInput(email="ada@example.com"))
        with pytest.raises(NotFoundError) as no_tenant:
            await auth.login_by_email("ada@example.com", "ada-pass-1")
        assert no_tenant.value.code == 404 and no_tenant.value.message == "租户不存在"


async def test_an_empty_tenant_id_is_refused_before_anything_is_sent(authing_pool: Any) -> None:
    with pytest.raises(AuthingValidationError) as info:
        AuthenticationClient(authing_pool.app_id, host=authing_pool.host, tenant_id="")
    assert info.value.parameter == "tenant_id"


async def test_the_tenant_header_is_sent_on_every_request(authing_pool: Any) -> None:
    seen: list[str | None] = []

    async def record(request: httpx.Request) -> None:
        seen.append(request.headers.get("x-authing-app-tenant-id"))

    async with (
        httpx.AsyncClient(event_hooks={"request": [record]}) as http,
        AuthenticationClient(
            authing_pool.app_id,
            host=authing_pool.host,
            user_pool_id=authing_pool.user_pool_id,
            public_key=authing_pool.public_key,
            tenant_id="tenant-42",
            http_client=http,
        ) as auth,
    ):
        with pytest.raises(InvalidCredentialsError):
            await auth.login_by_username("nobody", "x-pass-1")
        await auth.check_password_strength("Str0ng-enough-pass")
    assert seen and set(seen) == {"tenant-42"}
