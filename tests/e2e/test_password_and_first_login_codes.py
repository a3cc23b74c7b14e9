"""Error codes as the real service answers them: a wrong old password is 2006 on GraphQL
``updatePassword`` and 1320011 on Android's REST ``/api/v2/password/update``;
``sendFirstLoginVerifyEmail`` is a management call that knows the pool's applications."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from aioauthing import InvalidCredentialsError, NotFoundError, models
from aioauthing.runtime.crypto import PasswordEncryptor

pytestmark = pytest.mark.anyio

SEND = (
    "mutation sendFirstLoginVerifyEmail($userId: String!, $appId: String!) "
    "{ sendFirstLoginVerifyEmail(userId: $userId, appId: $appId) { code message } }"
)


async def _signed_in(auth: Any) -> Any:
    await auth.register_by_username("kim", "kim-pass-1")
    return await auth.login_by_username("kim", "kim-pass-1")


def _headers(pool: Any, token: str | None) -> dict[str, str]:
    headers = {"x-authing-userpool-id": pool.user_pool_id}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return headers


async def test_graphql_update_password_with_a_wrong_old_password_is_2006(
    authing_client: Any,
) -> None:
    user = await _signed_in(authing_client)
    me = authing_client.as_user(user.token)
    with pytest.raises(InvalidCredentialsError) as info:
        await me.update_password("kim-pass-2", old_password="not-my-password")
    assert info.value.code == 2006
    assert (await me.update_password("kim-pass-2", old_password="kim-pass-1")).id == user.id


async def test_rest_password_update_with_a_wrong_old_password_is_1320011(
    authing_client: Any, authing_pool: Any
) -> None:
    user = await _signed_in(authing_client)
    rsa = PasswordEncryptor(authing_pool.public_key)
    async with httpx.AsyncClient(base_url=authing_pool.host, timeout=10) as http:

        async def update(old: str) -> Any:
            body = {"newPassword": rsa.encrypt("kim-pass-2"), "oldPassword": rsa.encrypt(old)}
            answer = await http.post(
                "/api/v2/password/update", json=body, headers=_headers(authing_pool, user.token)
            )
            return answer.json()

        wrong = await update("not-my-password")
        assert wrong["code"] == 1320011
        done = await update("kim-pass-1")
    assert done["code"] == 200 and done["data"]["id"] == user.id
    assert (await authing_client.login_by_username("kim", "kim-pass-2")).id == user.id


async def test_first_login_email_needs_a_known_app_and_the_management_token(
    authing_client: Any, authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt = authing_management_client
    bob = await mgmt.users.create(models.CreateUserInput(email="bob@example.com"))
    with pytest.raises(NotFoundError) as info:
        await mgmt.users.send_first_login_verify_email(bob.id, "0" * 24)
    assert info.value.code == 2011
    with pytest.raises(NotFoundError) as missing:
        await mgmt.users.send_first_login_verify_email("0" * 24, authing_pool.app_id)
    assert missing.value.code == 2004
    assert (await mgmt.users.send_first_login_verify_email(bob.id, authing_pool.app_id)).code == 200

    user = await _signed_in(authing_client)
    variables = {"userId": bob.id, "appId": authing_pool.app_id}
    async with httpx.AsyncClient(base_url=authing_pool.host, timeout=10) as http:
        codes = []
        for token in (user.token, None):
            answer = await http.post(
                "/graphql/v2",
                json={"query": SEND, "variables": variables},
                headers=_headers(authing_pool, token),
            )
            codes.append(answer.json()["errors"][0]["message"]["code"])
    assert codes == [1001, 2020]  # a user token is not enough; no token is not logged in
