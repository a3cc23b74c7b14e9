"""AD login goes to the websocket host ``ws.{parent domain}``; everything else to the API host."""

from __future__ import annotations

import httpx
import pytest

from aioauthing.runtime.clients import AuthenticationClient
from aioauthing.runtime.hosts import websocket_host_for

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("https://core.authing.cn", "https://ws.authing.cn"),
        ("https://core.authing.cn/", "https://ws.authing.cn"),
        ("https://core.us.authing.co", "https://ws.us.authing.co"),
        ("http://auth.corp.example:8443", "http://ws.corp.example:8443"),
        ("http://127.0.0.1:8800", "http://127.0.0.1:8800"),
        ("http://[::1]:8800", "http://[::1]:8800"),
        ("http://localhost:8800", "http://localhost:8800"),
        ("https://example.com", "https://example.com"),
    ],
)
def test_websocket_host_replaces_the_first_label(host: str, expected: str) -> None:
    assert websocket_host_for(host) == expected


def _recording_client(seen: list[httpx.URL]) -> httpx.AsyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(
            200,
            json={
                "code": 200,
                "message": "ok",
                "data": {"id": "u1", "arn": "arn:u1", "userPoolId": "pool-1"},
            },
        )

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


async def test_login_by_ad_goes_to_the_websocket_host_and_ldap_to_the_api_host() -> None:
    seen: list[httpx.URL] = []
    async with AuthenticationClient(
        "app-1", host="https://core.authing.cn", http_client=_recording_client(seen)
    ) as auth:
        await auth.login_by_ad("alice", "pw")
        await auth.login_by_ldap("alice", "pw")
    assert [str(u) for u in seen] == [
        "https://ws.authing.cn/api/v2/ad/verify-user",
        "https://core.authing.cn/api/v2/ldap/verify-user",
    ]


async def test_websocket_host_option_overrides_the_derivation() -> None:
    seen: list[httpx.URL] = []
    async with AuthenticationClient(
        "app-1",
        host="https://core.authing.cn",
        app_host="https://my-app.authing.cn",
        websocket_host="https://ad-gateway.example.org/",
        http_client=_recording_client(seen),
    ) as auth:
        await auth.login_by_ad("alice", "pw")
        await auth.login_by_ldap("alice", "pw")
    assert [str(u) for u in seen] == [
        "https://ad-gateway.example.org/api/v2/ad/verify-user",
        "https://my-app.authing.cn/api/v2/ldap/verify-user",
    ]
