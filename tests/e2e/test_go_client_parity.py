"""The rest of Go's authentication client (LogoutByToken, UnLinkAccount, the SAML authorize URL,
the management CheckLoginStatusByToken) and what Authing's JS client expects of the emulator
(the full Identity type, the ``user`` query without an id)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from aioauthing.runtime.clients import AuthenticationClient
from aioauthing.runtime.crypto import PasswordEncryptor
from aioauthing.runtime.errors import AuthingError, NotLoggedInError

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """The rules under test are the emulator's; the SDK calls are ordinary ones (test_qrcode and
    the other e2e modules run them on trio too)."""
    return "asyncio"


async def graphql(pool: Any, query: str, token: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            f"{pool.host}/graphql/v2",
            json={"query": query, "variables": variables},
            headers={
                "x-authing-userpool-id": pool.user_pool_id,
                **({"authorization": f"Bearer {token}"} if token else {}),
            },
        )
    answer: dict[str, Any] = response.json()
    return answer


async def management_token(pool: Any) -> str:
    answer = await graphql(
        pool,
        "query($p: String!, $s: String!) { accessToken(userPoolId: $p, secret: $s) { accessToken } }",
        "",
        p=pool.user_pool_id,
        s=pool.secret,
    )
    token: str = answer["data"]["accessToken"]["accessToken"]
    return token


async def test_logout_by_token_and_login_status_by_token(
    authing_client: Any, authing_management_client: Any
) -> None:
    auth, mgmt = authing_client, authing_management_client
    await auth.register_by_email("go-logout@example.com", "pw-123456")
    user = await auth.login_by_email("go-logout@example.com", "pw-123456")
    status = await mgmt.users.check_login_status_by_token(user.token)
    assert status is not None and status.status is True and status.code == 200
    assert (await auth.logout_by_token(user.token)).code == 200
    status = await mgmt.users.check_login_status_by_token(user.token)
    assert status is not None and status.status is False and status.code == 2206
    with pytest.raises(NotLoggedInError):
        await auth.as_user(user.token).get_current_user()


async def test_unlink_account_drops_one_providers_identities(
    authing_client: Any, authing_management_client: Any, authing_pool: Any
) -> None:
    auth, mgmt = authing_client, authing_management_client
    created = await graphql(
        authing_pool,
        "mutation($u: CreateUserInput!, $i: CreateUserIdentityInput) "
        "{ createUser(userInfo: $u, identity: $i) { id } }",
        await management_token(authing_pool),
        u={
            "email": "go-unlink@example.com",
            "password": PasswordEncryptor(authing_pool.public_key).encrypt("pw-123456"),
        },
        i={"provider": "github", "userIdInIdp": "gh-42", "isSocial": True},
    )
    assert "errors" not in created, created
    user_id = created["data"]["createUser"]["id"]
    user = await auth.login_by_email("go-unlink@example.com", "pw-123456")
    [before] = await mgmt.users.batch_get([user_id])
    assert [i.provider for i in before.identities or []] == ["github"]
    assert before.identities[0].ext_idp_id is None  # the schema's field, now on the model
    assert (await auth.unlink_account(user.token, "github")).code == 200
    [after] = await mgmt.users.batch_get([user_id])
    assert after.identities == []
    with pytest.raises(AuthingError) as again:
        await auth.unlink_account(user.token, "github")
    assert again.value.code == 400


async def test_user_query_without_id_is_the_token_user(
    authing_client: Any, authing_pool: Any
) -> None:
    auth = authing_client
    await auth.register_by_email("go-me@example.com", "pw-123456")
    user = await auth.login_by_email("go-me@example.com", "pw-123456")
    answer = await graphql(
        authing_pool,
        "query { user { id email identities { extIdpId accessToken refreshToken userInfoInIdp } } }",
        user.token,
    )
    assert "errors" not in answer, answer
    assert answer["data"]["user"]["id"] == user.id
    assert answer["data"]["user"]["email"] == "go-me@example.com"


def test_saml_authorize_url() -> None:
    auth = AuthenticationClient("app-1", app_host="https://my.authing.cn", protocol="saml")
    assert auth.build_authorize_url() == "https://my.authing.cn/api/v2/saml-idp/app-1"
