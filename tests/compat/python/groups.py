"""The official Python client: groups, their members and resources (``python run.py groups``)."""

from __future__ import annotations

from authing.v2.common.codegen import QUERY
from harness import expect_code, management_client, step, unique

EXPECTED_STEPS = [
    "groups.create",
    "groups.detail",
    "groups.update",
    "groups.list",
    "groups.add_users",
    "groups.list_users",
    "groups.remove_users",
    "groups.list_authorized_resources",
    "groups.add_users.unknown_group",
    "groups.delete",
    "groups.delete_many",
]


def flow(s: dict) -> None:
    mgmt = management_client(s)
    code, other = unique("staff_"), unique("guests_")

    step(
        "groups.create",
        lambda: mgmt.groups.create(code, "Staff", "everyone on staff"),
        lambda g: (g["code"], g["name"], g["description"]) == (code, "Staff", "everyone on staff"),
    )
    mgmt.groups.create(other, "Guests")
    step(
        "groups.detail",
        lambda: mgmt.groups.detail(code),
        lambda g: g["code"] == code and g["name"] == "Staff",
    )
    step(
        "groups.update",
        lambda: mgmt.groups.update(code, name="Staff members"),
        lambda g: g["code"] == code and g["name"] == "Staff members",
    )
    step(
        "groups.list",
        lambda: mgmt.groups.list(page=1, limit=100),
        lambda p: {code, other} <= {g["code"] for g in p["list"]} and p["totalCount"] >= 2,
    )

    user = mgmt.users.create({"username": unique("ada_"), "password": "Passw0rd!"})
    step(
        "groups.add_users",
        lambda: mgmt.groups.add_users(code, [user["id"]]),
        lambda r: r["code"] == 200,
    )
    step(
        "groups.list_users",
        lambda: mgmt.groups.list_users(code),
        lambda p: p["totalCount"] == 1 and p["list"][0]["id"] == user["id"],
    )
    step(
        "groups.remove_users",
        lambda: mgmt.groups.remove_users(code, [user["id"]]),
        lambda r: r["code"] == 200 and mgmt.groups.list_users(code)["totalCount"] == 0,
    )

    # Set-up through the client's own transport: its authorize_resource sends no resourceType.
    mgmt.graphqlClient.request(
        query=QUERY["authorizeResource"],
        params={
            "namespace": "default",
            "resource": "/api/orders",
            "resourceType": "API",
            "opts": [{"targetType": "GROUP", "targetIdentifier": code, "actions": ["GET"]}],
        },
        token=mgmt.tokenProvider.getAccessToken(),
    )
    step(
        "groups.list_authorized_resources",
        lambda: mgmt.groups.list_authorized_resources(code, "default"),
        lambda p: (
            p["totalCount"] == 1
            and p["list"] == [{"code": "/api/orders", "type": "API", "actions": ["GET"]}]
        ),
    )
    expect_code(
        "groups.add_users.unknown_group",
        lambda: mgmt.groups.add_users(unique("nobody_"), [user["id"]]),
        404,
    )

    step(
        "groups.delete",
        lambda: mgmt.groups.delete(code),
        lambda r: r["code"] == 200 and mgmt.groups.detail(code) is None,
    )
    step(
        "groups.delete_many",
        lambda: mgmt.groups.delete_many([other]),
        lambda r: r["code"] == 200 and mgmt.groups.detail(other) is None,
    )
