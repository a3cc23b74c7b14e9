"""The official Python client's users module against the emulator (``python run.py users``).

Every method of ``authing.v2.management.users`` (authing==4.5.18) with a wire is called and its
result checked. ``get_udf_value_batch`` is broken in the official client itself: it sends the
variable ``targetId`` where its own document declares ``$targetIds: [String!]!``, so the service
rejects the document; the step expects that error.
"""

from __future__ import annotations

from authing.v2.common.codegen import QUERY
from harness import (
    PASSWORD,
    authentication_client,
    expect_code,
    expect_error,
    management_client,
    step,
    unique,
)

UNKNOWN = "000000000000000000000000"

EXPECTED_STEPS = [
    "users.access_token",
    "users.create",
    "users.list",
    "users.search",
    "users.find",
    "users.update",
    "users.detail",
    "users.create.second",
    "users.exists",
    "users.exists.missing",
    "users.batch_get",
    "users.batch",
    "users.detail.unknown",
    "users.refresh_token",
    "users.check_login_status",
    "users.kick",
    "users.check_login_status.after_kick",
    "users.kick.unknown",
    "users.logout",
    "users.logout.unknown",
    "users.add_roles",
    "users.list_roles",
    "users.has_role",
    "users.remove_roles",
    "users.list_roles.after_remove",
    "users.list_roles.unknown",
    "users.add_group",
    "users.list_groups",
    "users.remove_group",
    "users.list_groups.unknown",
    "users.add_policies",
    "users.list_policies",
    "users.remove_policies",
    "users.set_udv",
    "users.list_udv",
    "users.set_udf_value",
    "users.get_udf_value",
    "users.set_udf_value_batch",
    "users.get_udf_value_batch.broken",
    "users.remove_udv",
    "users.remove_udf_value",
    "users.list_org",
    "users.list_department",
    "users.list_authorized_resources",
    "users.check_resource_permission_batch",
    "users.list_authorized_resources_of_resource_kind",
    "users.list_user_actions",
    "users.send_first_login_verify_email",
    "users.list_archived_users",
    "users.delete",
    "users.list_after_delete",
    "users.delete_many",
]


def _by_key(values):
    return {v["key"]: v["value"] for v in values}


def flow(s: dict) -> None:
    mgmt = management_client(s)
    auth = authentication_client(s)
    tag = unique("")
    email = f"mgmt-{tag}@example.com"
    username = f"mgmt_{tag}"

    step(
        "users.access_token", mgmt.tokenProvider.getAccessToken, lambda t: isinstance(t, str) and t
    )
    user = step(
        "users.create",
        lambda: mgmt.users.create({"email": email, "username": username, "password": PASSWORD}),
        lambda u: u["id"] and u["email"] == email and u["username"] == username,
    )
    uid = user["id"]
    step(
        "users.list",
        lambda: mgmt.users.list(page=1, limit=10),
        lambda d: d["totalCount"] >= 1 and any(u["id"] == uid for u in d["list"]),
    )
    step(
        "users.search",
        lambda: mgmt.users.search(username),
        lambda d: d["totalCount"] >= 1 and any(u["id"] == uid for u in d["list"]),
    )
    step(
        "users.find",
        lambda: mgmt.users.find(email=email),
        lambda u: u and u["id"] == uid,
    )
    step(
        "users.update",
        lambda: mgmt.users.update(uid, {"nickname": "Nick " + tag}),
        lambda u: u["id"] == uid and u["nickname"] == "Nick " + tag,
    )
    step(
        "users.detail",
        lambda: mgmt.users.detail(uid),
        lambda u: u["id"] == uid and u["nickname"] == "Nick " + tag,
    )
    other = step(
        "users.create.second",
        lambda: mgmt.users.create(
            {"username": f"{username}_b", "password": PASSWORD}, custom_data=None
        ),
        lambda u: u["username"] == f"{username}_b" and u["status"] == "Activated",
    )
    step("users.exists", lambda: mgmt.users.exists(username=username), lambda r: r is True)
    step(
        "users.exists.missing",
        lambda: mgmt.users.exists(email=f"nobody-{tag}@example.com"),
        lambda r: r is False,
    )
    step(
        "users.batch_get",
        lambda: mgmt.users.batch_get([username, f"{username}_b"], query_field="username"),
        lambda users: [u["id"] for u in users] == [uid, other["id"]],
    )
    step(
        "users.batch",
        lambda: mgmt.users.batch([other["id"], uid]),
        lambda users: [u["username"] for u in users] == [f"{username}_b", username],
    )
    # detail() returns the envelope's data without looking at its code: None for 2004.
    step("users.detail.unknown", lambda: mgmt.users.detail(UNKNOWN), lambda u: u is None)

    # Sessions: a login makes the user logged in; kick and logout end it.
    step(
        "users.refresh_token",
        lambda: mgmt.users.refresh_token(uid),
        lambda t: t["token"] and t["exp"] > t["iat"],
    )
    auth.login_by_email(email, PASSWORD)
    step(
        "users.check_login_status",
        lambda: mgmt.users.check_login_status(uid, app_id=s["app_id"]),
        lambda r: r["code"] == 200 and r["data"]["isLogin"] is True,
    )
    step("users.kick", lambda: mgmt.users.kick([uid]), lambda ok: ok is True)
    step(
        "users.check_login_status.after_kick",
        lambda: mgmt.users.check_login_status(uid),
        lambda r: r["data"]["isLogin"] is False and r["data"]["user"]["id"] == uid,
    )
    step("users.kick.unknown", lambda: mgmt.users.kick([UNKNOWN]), lambda ok: ok is False)
    auth.login_by_email(email, PASSWORD)
    step(
        "users.logout",
        lambda: mgmt.users.logout(uid, app_id=s["app_id"]),
        lambda r: r["code"] == 200 and r["message"] == "退出成功",
    )
    step(
        "users.logout.unknown",
        lambda: mgmt.users.logout(UNKNOWN),
        lambda r: r["code"] == 2004,
    )

    # Roles, groups and policies of the user.
    role = unique("role_")
    mgmt.roles.create(role, description="Role " + tag)
    step(
        "users.add_roles",
        lambda: mgmt.users.add_roles(uid, [role]),
        lambda r: r["code"] == 200,
    )
    step(
        "users.list_roles",
        lambda: mgmt.users.list_roles(uid),
        lambda r: r["totalCount"] == 1 and r["list"][0]["code"] == role,
    )
    step("users.has_role", lambda: mgmt.users.has_role(uid, role), lambda r: r is True)
    step(
        "users.remove_roles",
        lambda: mgmt.users.remove_roles(uid, [role]),
        lambda r: r["code"] == 200,
    )
    step(
        "users.list_roles.after_remove",
        lambda: mgmt.users.list_roles(uid),
        lambda r: r["totalCount"] == 0 and r["list"] == [],
    )
    expect_code("users.list_roles.unknown", lambda: mgmt.users.list_roles(UNKNOWN), 2004)
    group = unique("group_")
    mgmt.groups.create(group, "Group " + tag)
    step(
        "users.add_group",
        lambda: mgmt.users.add_group(uid, group),
        lambda r: r["code"] == 200,
    )
    step(
        "users.list_groups",
        lambda: mgmt.users.list_groups(uid),
        lambda r: r["totalCount"] == 1 and r["list"][0]["code"] == group,
    )
    step(
        "users.remove_group",
        lambda: mgmt.users.remove_group(uid, group),
        lambda r: r["code"] == 200,
    )
    expect_code("users.list_groups.unknown", lambda: mgmt.users.list_groups(UNKNOWN), 2004)
    policy = unique("policy_")
    statement = {"resource": "books:*", "actions": ["books:read"], "effect": "ALLOW"}
    mgmt.policies.create(policy, [statement])
    step(
        "users.add_policies",
        lambda: mgmt.users.add_policies(uid, [policy]),
        lambda r: r["code"] == 200,
    )
    step(
        "users.list_policies",
        lambda: mgmt.users.list_policies(uid),
        lambda r: (
            r["totalCount"] == 1
            and r["list"][0]["code"] == policy
            and r["list"][0]["targetIdentifier"] == uid
        ),
    )
    step(
        "users.remove_policies",
        lambda: mgmt.users.remove_policies(uid, [policy]),
        lambda r: r["code"] == 200,
    )

    # Custom data (user-defined fields).
    mgmt.udf.set("USER", "school", "STRING", "School")
    mgmt.udf.set("USER", "age", "NUMBER", "Age")
    step(
        "users.set_udv",
        lambda: mgmt.users.set_udv(uid, "school", "MIT"),
        lambda values: (
            _by_key(values) == {"school": '"MIT"'} or _by_key(values) == {"school": "MIT"}
        ),
    )
    step(
        "users.list_udv",
        lambda: mgmt.users.list_udv(uid),
        lambda values: [(v["key"], v["dataType"]) for v in values] == [("school", "STRING")],
    )
    step(
        "users.set_udf_value",
        lambda: mgmt.users.set_udf_value(uid, {"age": 42}),
        lambda r: r is True,
    )
    step(
        "users.get_udf_value",
        lambda: mgmt.users.get_udf_value(uid),
        lambda d: d == {"school": "MIT", "age": 42},
    )
    step(
        "users.set_udf_value_batch",
        lambda: mgmt.users.set_udf_value_batch({other["id"]: {"age": 7}}),
        lambda r: r is True,
    )
    expect_error(
        "users.get_udf_value_batch.broken",
        lambda: mgmt.users.get_udf_value_batch([uid, other["id"]]),
    )
    step(
        "users.remove_udv",
        lambda: mgmt.users.remove_udv(uid, "school"),
        lambda values: [v["key"] for v in values] == ["age"],
    )
    step(
        "users.remove_udf_value",
        lambda: mgmt.users.remove_udf_value(uid, "age"),
        lambda r: r is None and mgmt.users.get_udf_value(uid) == {},
    )

    # Organisation and authorization.
    org = mgmt.org.create("Org " + tag, code=unique("org_"))
    mgmt.org.add_members(org["rootNode"]["id"], [uid])
    step(
        "users.list_org",
        lambda: mgmt.users.list_org(uid),
        lambda paths: (
            len(paths) == 1
            and paths[0][0]["type"] == "org"
            and paths[0][0]["id"] == org["id"]
            and paths[0][-1]["id"] == org["rootNode"]["id"]
        ),
    )
    step(
        "users.list_department",
        lambda: mgmt.users.list_department(uid),
        lambda r: (
            r["departments"]["totalCount"] == 1
            and r["departments"]["list"][0]["department"]["id"] == org["rootNode"]["id"]
        ),
    )
    # Set-up through the official client's own GraphQL client, with the resource type: the
    # acl module is exercised by its own flow.
    for resource, actions in (("books:1", ["books:read"]), ("books:*", ["books:edit"])):
        mgmt.graphqlClient.request(
            query=QUERY["authorizeResource"],
            params={
                "namespace": "default",
                "resource": resource,
                "resourceType": "DATA",
                "opts": [{"targetType": "USER", "targetIdentifier": uid, "actions": actions}],
            },
            token=mgmt.tokenProvider.getAccessToken(),
        )
    step(
        "users.list_authorized_resources",
        lambda: mgmt.users.list_authorized_resources(uid, namespace="default"),
        lambda r: (
            r["totalCount"] == 2
            and {(i["code"], tuple(i["actions"])) for i in r["list"]}
            == {("books:1", ("books:read",)), ("books:*", ("books:edit",))}
        ),
    )
    step(
        "users.check_resource_permission_batch",
        lambda: mgmt.users.check_resource_permission_batch(uid, "default", ["books:1", "books:2"]),
        lambda found: (
            [(r["code"], sorted(r["actions"])) for r in found]
            == [("books:1", ["books:edit", "books:read"]), ("books:2", ["books:edit"])]
        ),
    )
    step(
        "users.list_authorized_resources_of_resource_kind",
        lambda: mgmt.users.list_authorized_resources_of_resource_kind(uid, "default", "books"),
        lambda items: sorted(i["code"] for i in items) == ["books:*", "books:1"],
    )
    step(
        "users.list_user_actions",
        lambda: mgmt.users.list_user_actions(operation_name="login"),
        lambda d: d["totalCount"] >= 2 and all(e["userId"] == uid for e in d["list"]),
    )
    step(
        "users.send_first_login_verify_email",
        lambda: mgmt.users.send_first_login_verify_email(s["app_id"], uid),
        lambda r: r["code"] == 200,
    )
    step(
        "users.list_archived_users",
        lambda: mgmt.users.list_archived_users(),
        lambda d: d["totalCount"] == 0 and d["list"] == [],
    )
    step(
        "users.delete",
        lambda: mgmt.users.delete(uid),
        lambda r: r["code"] == 200,
    )
    step(
        "users.list_after_delete",
        lambda: mgmt.users.list(page=1, limit=50),
        lambda d: all(u["id"] != uid for u in d["list"]),
    )
    step(
        "users.delete_many",
        lambda: mgmt.users.delete_many([other["id"]]),
        lambda r: r["code"] == 200 and mgmt.users.exists(username=f"{username}_b") is False,
    )
