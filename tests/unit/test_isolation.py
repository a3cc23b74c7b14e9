"""Nothing crosses between users or between a client's calls: cookies, discovered keys.

These are the runtime's route-level tests: respx mocks the HTTP layer of any httpx client (our own
pool included), and each test asserts on the requests a route saw.
"""

from __future__ import annotations

import base64
import json

import anyio
import httpx
import pytest
import respx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from aioauthing import AuthenticationClient
from aioauthing.runtime.errors import AuthingValidationError

pytestmark = pytest.mark.anyio

HOST = "https://idp.example.test"
CLOUD = "https://core.authing.cn"
USER = {"id": "u1", "arn": "arn:cn:authing:pool-1:user:u1", "userPoolId": "pool-1"}


def _envelope(data: object) -> httpx.Response:
    return httpx.Response(200, json={"code": 200, "message": "ok", "data": data})


@pytest.mark.parametrize("own_pool", [True, False], ids=["own-pool", "caller-pool"])
async def test_a_cookie_set_on_one_users_answer_is_never_sent_on_another_call(
    own_pool: bool,
) -> None:
    with respx.mock(assert_all_called=True) as mock:
        me = mock.get(f"{HOST}/api/v2/users/me").mock(
            side_effect=[
                httpx.Response(
                    200,
                    json={"code": 200, "message": "ok", "data": USER},
                    headers={"set-cookie": "authing_session=alice-session; Path=/"},
                ),
                _envelope(USER),
            ]
        )
        http = None if own_pool else httpx.AsyncClient()
        auth = AuthenticationClient("app-1", host=HOST, http_client=http, public_key=_pem())
        await auth.as_user("alice-token").get_current_user()
        await auth.as_user("bob-token").get_current_user()
        await auth.aclose()
        if http is not None:
            await http.aclose()
    first, second = (call.request for call in me.calls)
    assert first.headers["authorization"] == "Bearer alice-token"
    assert second.headers["authorization"] == "Bearer bob-token"
    assert "cookie" not in second.headers


_KEY = rsa.generate_private_key(public_exponent=65537, key_size=1024)


def _pem() -> str:
    return (
        _KEY.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _login_answer(request: httpx.Request) -> httpx.Response:
    sent = json.loads(request.content)["variables"]["input"]["password"]
    plain = _KEY.decrypt(base64.b64decode(sent), padding.PKCS1v15()).decode()
    assert plain == "s3cret"
    return httpx.Response(200, json={"data": {"loginByEmail": {**USER, "token": "t"}}})


async def test_key_is_discovered_once_from_a_private_host_and_used() -> None:
    with respx.mock(assert_all_called=True) as mock:
        well_known = mock.get(f"{HOST}/api/v2/.well-known").mock(
            return_value=_envelope({"publicKey": _pem()})
        )
        graphql = mock.post(f"{HOST}/graphql/v2").mock(side_effect=_login_answer)
        async with AuthenticationClient("app-1", host=HOST) as auth:
            async with anyio.create_task_group() as tg:
                for _ in range(10):
                    tg.start_soon(auth.login_by_email, "ada@example.com", "s3cret")
            await auth.login_by_email("ada@example.com", "s3cret")
    assert well_known.call_count == 1  # single flight, then cached for the client
    assert graphql.call_count == 11
    assert "authorization" not in well_known.calls[0].request.headers


async def test_a_failed_discovery_says_so_and_names_the_option() -> None:
    with respx.mock(assert_all_called=False) as mock:
        mock.get(f"{HOST}/api/v2/.well-known").mock(return_value=httpx.Response(404))
        graphql = mock.post(f"{HOST}/graphql/v2")  # must stay uncalled
        async with AuthenticationClient("app-1", host=HOST) as auth:
            with pytest.raises(AuthingValidationError) as info:
                await auth.login_by_email("ada@example.com", "s3cret")
    assert info.value.parameter == "public_key"
    assert "/api/v2/.well-known (HTTP 404)" in str(info.value)
    assert "public_key=" in str(info.value) and "--public-key" in str(info.value)
    assert "s3cret" not in str(info.value)
    assert graphql.call_count == 0  # nothing sent with a key that cannot be right


async def test_cloud_hosts_and_given_keys_are_never_discovered() -> None:
    with respx.mock(assert_all_called=False) as mock:
        well_known = mock.get(url__regex=r".*/api/v2/\.well-known")
        mock.post(url__regex=r".*/graphql/v2").mock(side_effect=_login_answer)
        async with AuthenticationClient("app-1", host=HOST, public_key=_pem()) as auth:
            await auth.login_by_email("ada@example.com", "s3cret")
        async with AuthenticationClient("app-1", app_host="https://my-app.authing.cn") as cloud:
            assert cloud.core.encryptor is not None  # the bundled key, no request
    assert well_known.call_count == 0
