"""Variables the official clients declare but never send are not sent (route-level, respx)."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from aioauthing import ManagementClient

pytestmark = pytest.mark.anyio

HOST = "https://core.authing.cn"
OK = {"code": 200, "message": "ok"}


@pytest.mark.parametrize(
    ("call", "field", "sent"),
    [
        (
            lambda m: m.roles.add_users(["r1"], user_ids=["u1"]),
            "assignRole",
            {"roleCodes", "userIds"},
        ),
        (
            lambda m: m.roles.remove_users(["r1"], user_ids=["u1"]),
            "revokeRole",
            {"roleCodes", "userIds"},
        ),
        (lambda m: m.users.add_roles(["u1"], ["r1"]), "assignRole", {"roleCodes", "userIds"}),
        (lambda m: m.users.remove_roles(["u1"], ["r1"]), "revokeRole", {"roleCodes", "userIds"}),
        (
            lambda m: m.users.add_policies(["u1"], policies=["p1"]),
            "addPolicyAssignments",
            {"policies", "targetType", "targetIdentifiers"},
        ),
    ],
    ids=[
        "roles.assign",
        "roles.revoke",
        "users.add_roles",
        "users.remove_roles",
        "users.add_policies",
    ],
)
async def test_only_the_variables_official_clients_send(call, field: str, sent: set[str]) -> None:
    with respx.mock(assert_all_called=True) as mock:
        mock.post(f"{HOST}/graphql/v2").mock(
            side_effect=lambda request: httpx.Response(
                200,
                json={"data": {"accessToken": {"accessToken": "t", "exp": 4102444800}}}
                if b"accessToken(" in request.content
                else {"data": {field: OK}},
            )
        )
        async with ManagementClient("pool-1", "secret-1", host=HOST) as mgmt:
            await call(mgmt)
        sent_request = json.loads(mock.calls[-1].request.content)
    assert set(sent_request["variables"]) == sent
    assert "$roleCode" in sent_request["query"] or field == "addPolicyAssignments"  # still declared
