"""The official Python client: roles, their users, policies, resources and custom data
(``python run.py roles``)."""

from __future__ import annotations

from authing.v2.common.codegen import QUERY
from harness import expect_code, management_client, step, unique

EXPECTED_STEPS = [
    "roles.create",
    "roles.detail",
    "roles.find_by_code",
    "roles.update",
    "roles.list",
    "roles.add_users",
    "roles.list_users",
    "roles.remove_users",
    "roles.add_policies",
    "roles.list_policies",
    "roles.remove_policies",
    "roles.add_policies.unknown_role",
    "roles.list_authorized_resources",
    "roles.set_udf_value",
    "roles.get_udf_value",
    "roles.get_specific_udf_value",
    "roles.set_udf_value_batch",
    "roles.get_udf_value_batch",
    "roles.remove_udf_value",
    "roles.get_udf_value.unknown_role",
    "roles.delete",
    "roles.delete_many",
]


def flow(s: dict) -> None:
    mgmt = management_client(s)
    code, other = unique("editor_"), unique("viewer_")
    policy, level = unique("readers_"), unique("level_")

    role = step(
        "roles.create",
        lambda: mgmt.roles.create(code, description="edits"),
        lambda r: r["code"] == code and r["description"] == "edits" and r["id"],
    )
    second = mgmt.roles.create(other)
    step(
        "roles.detail",
        lambda: mgmt.roles.detail(code),
        lambda r: r["id"] == role["id"] and r["namespace"] == "default",
    )
    step(
        "roles.find_by_code",
        lambda: mgmt.roles.find_by_code(code),
        lambda r: r["code"] == code and r["description"] == "edits",
    )
    step(
        "roles.update",
        lambda: mgmt.roles.update(code, description="edits books"),
        lambda r: r["code"] == code and r["description"] == "edits books",
    )
    step(
        "roles.list",
        lambda: mgmt.roles.list(page=1, limit=100),
        lambda p: {code, other} <= {r["code"] for r in p["list"]} and p["totalCount"] >= 2,
    )

    user = mgmt.users.create({"username": unique("ada_"), "password": "Passw0rd!"})
    step(
        "roles.add_users",
        lambda: mgmt.roles.add_users(code, [user["id"]]),
        lambda r: r["code"] == 200,
    )
    step(
        "roles.list_users",
        lambda: mgmt.roles.list_users(code),
        lambda p: p["totalCount"] == 1 and p["list"][0]["id"] == user["id"],
    )
    step(
        "roles.remove_users",
        lambda: mgmt.roles.remove_users(code, [user["id"]]),
        lambda r: r["code"] == 200 and mgmt.roles.list_users(code)["totalCount"] == 0,
    )

    mgmt.policies.create(policy, [{"resource": "books:*", "actions": ["books:read"]}])
    step(
        "roles.add_policies",
        lambda: mgmt.roles.add_policies(code, [policy]),
        lambda r: r["code"] == 200 and r["message"] == "授权成功",
    )
    step(
        "roles.list_policies",
        lambda: mgmt.roles.list_policies(code),
        lambda p: (
            p["totalCount"] == 1
            and p["list"][0] == {"code": policy, "targetType": "ROLE", "targetIdentifier": code}
        ),
    )
    step(
        "roles.remove_policies",
        lambda: mgmt.roles.remove_policies(code, [policy]),
        lambda r: r["code"] == 200 and mgmt.roles.list_policies(code)["totalCount"] == 0,
    )
    expect_code(
        "roles.add_policies.unknown_role",
        lambda: mgmt.roles.add_policies(unique("nobody_"), [policy]),
        404,
    )

    # Set-up through the client's own transport: its authorize_resource sends no resourceType.
    mgmt.graphqlClient.request(
        query=QUERY["authorizeResource"],
        params={
            "namespace": "default",
            "resource": "books",
            "resourceType": "DATA",
            "opts": [{"targetType": "ROLE", "targetIdentifier": code, "actions": ["books:read"]}],
        },
        token=mgmt.tokenProvider.getAccessToken(),
    )
    step(
        "roles.list_authorized_resources",
        lambda: mgmt.roles.list_authorized_resources(code, "default"),
        lambda p: (
            p["totalCount"] == 1
            and p["list"] == [{"code": "books", "type": "DATA", "actions": ["books:read"]}]
        ),
    )

    mgmt.udf.set("ROLE", level, "NUMBER", "Level")
    step(
        "roles.set_udf_value",
        lambda: mgmt.roles.set_udf_value(role["id"], {level: 3}),
        lambda r: r is True,
    )
    step(
        "roles.get_udf_value",
        lambda: mgmt.roles.get_udf_value(role["id"]),
        lambda d: d == {level: 3},
    )
    step(
        "roles.get_specific_udf_value",
        lambda: mgmt.roles.get_specific_udf_value(role["id"], level),
        lambda v: v == 3,
    )
    step(
        "roles.set_udf_value_batch",
        lambda: mgmt.roles.set_udf_value_batch({second["id"]: {level: 7}}),
        lambda r: r is True,
    )
    step(
        "roles.get_udf_value_batch",
        lambda: mgmt.roles.get_udf_value_batch([role["id"], second["id"]]),
        lambda d: d == {role["id"]: {level: 3}, second["id"]: {level: 7}},
    )
    step(
        "roles.remove_udf_value",
        lambda: mgmt.roles.remove_udf_value(role["id"], level),
        lambda r: r is True and mgmt.roles.get_udf_value(role["id"]) == {},
    )
    expect_code(
        "roles.get_udf_value.unknown_role",
        lambda: mgmt.roles.get_udf_value("000000000000000000000000"),
        404,
    )

    step(
        "roles.delete",
        lambda: mgmt.roles.delete(code),
        lambda r: r["code"] == 200 and mgmt.roles.detail(code) is None,
    )
    step(
        "roles.delete_many",
        lambda: mgmt.roles.delete_many([other]),
        lambda r: r["code"] == 200 and mgmt.roles.detail(other) is None,
    )
