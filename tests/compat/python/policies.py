"""The official Python client: policies and their assignments (``python run.py policies``)."""

from __future__ import annotations

from harness import expect_code, management_client, step, unique

EXPECTED_STEPS = [
    "policies.create",
    "policies.create.duplicate",
    "policies.detail",
    "policies.update",
    "policies.list",
    "policies.add_assignments",
    "policies.list_assignments",
    "policies.disable_assignment",
    "policies.enable_assignment",
    "policies.enable_assignment.unknown",
    "policies.remove_assignments",
    "policies.delete",
    "policies.delete_many",
    "policies.detail.deleted",
]

READ = {"resource": "books:*", "actions": ["books:read"], "effect": "ALLOW"}
DENY = {"resource": "books:1", "actions": ["books:delete"], "effect": "DENY"}


def flow(s: dict) -> None:
    mgmt = management_client(s)
    code, other, role = unique("readers_"), unique("writers_"), unique("editor_")

    step(
        "policies.create",
        lambda: mgmt.policies.create(code, [READ], description="read books"),
        lambda p: (
            p["code"] == code
            and p["namespace"] == "default"
            and p["isDefault"] is False
            and p["description"] == "read books"
            and p["statements"][0]["resource"] == "books:*"
            and p["statements"][0]["actions"] == ["books:read"]
            and p["statements"][0]["effect"] == "ALLOW"
            and p["assignmentsCount"] == 0
        ),
    )
    expect_code("policies.create.duplicate", lambda: mgmt.policies.create(code, [READ]), 2026)
    mgmt.policies.create(other, [DENY])
    step(
        "policies.detail",
        lambda: mgmt.policies.detail(code),
        lambda p: p["code"] == code and p["statements"][0]["actions"] == ["books:read"],
    )
    step(
        "policies.update",
        lambda: mgmt.policies.update(code, [READ, DENY], description="read, not delete"),
        lambda p: (
            p["description"] == "read, not delete"
            and [st["effect"] for st in p["statements"]] == ["ALLOW", "DENY"]
        ),
    )
    step(
        "policies.list",
        lambda: mgmt.policies.list(page=1, limit=100),
        lambda p: {code, other} <= {x["code"] for x in p["list"]} and p["totalCount"] >= 2,
    )

    mgmt.roles.create(role)
    step(
        "policies.add_assignments",
        lambda: mgmt.policies.add_assignments([code, other], "ROLE", [role]),
        lambda r: r["code"] == 200 and r["message"] == "授权成功",
    )
    step(
        "policies.list_assignments",
        lambda: mgmt.policies.list_assignments(code),
        lambda p: (
            p["totalCount"] == 1
            and p["list"] == [{"code": code, "targetType": "ROLE", "targetIdentifier": role}]
        ),
    )
    step(
        "policies.disable_assignment",
        lambda: mgmt.policies.disable_assignment(code, "ROLE", role),
        lambda r: r["code"] == 200 and r["message"] == "禁用成功",
    )
    step(
        "policies.enable_assignment",
        lambda: mgmt.policies.enable_assignment(code, "ROLE", role, namespace="default"),
        lambda r: r["code"] == 200 and r["message"] == "启用成功",
    )
    expect_code(
        "policies.enable_assignment.unknown",
        lambda: mgmt.policies.enable_assignment(code, "ROLE", unique("nobody_")),
        404,
    )
    step(
        "policies.remove_assignments",
        lambda: mgmt.policies.remove_assignments([code], "ROLE", [role]),
        lambda r: r["code"] == 200 and mgmt.policies.list_assignments(code)["totalCount"] == 0,
    )
    step(
        "policies.delete",
        lambda: mgmt.policies.delete(code),
        lambda r: r["code"] == 200,
    )
    step(
        "policies.delete_many",
        lambda: mgmt.policies.delete_many([other]),
        lambda r: r["code"] == 200,
    )
    step(
        "policies.detail.deleted",
        lambda: mgmt.policies.detail(code),
        lambda p: p is None,
    )
