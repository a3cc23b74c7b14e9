"""The official Python client's ACL module: permission groups, resources, grants and their
evaluation, programmatic access accounts, application access rules (``python run.py acl``)."""

from __future__ import annotations

from harness import PASSWORD, expect_code, management_client, step, unique

EXPECTED_STEPS = [
    "acl.create_namespace",
    "acl.list_namespaces",
    "acl.update_namespace",
    "acl.create_resource",
    "acl.list_resources",
    "acl.get_resource_by_id",
    "acl.get_resource_by_code",
    "acl.update_resource",
    "acl.authorize_resource",
    "acl.is_allowed",
    "acl.is_allowed.other_action",
    "acl.list_authorized_resources",
    "acl.get_authorized_targets",
    "acl.allow.role",
    "acl.is_allowed.role_wildcard",
    "acl.allow.group_of_node",
    "acl.is_allowed.parent_node",
    "acl.is_allowed.deny_policy",
    "acl.revoke_resource",
    "acl.is_allowed.after_revoke",
    "acl.is_allowed.unknown_user",
    "acl.delete_resource",
    "acl.get_resource_by_code.deleted",
    "acl.delete_namespace",
    "acl.update_namespace.deleted",
    "acl.create_programmatic_access_account",
    "acl.programmatic_access_account_list",
    "acl.client_credentials",
    "acl.disable_programmatic_access_account",
    "acl.client_credentials.disabled",
    "acl.enable_programmatic_access_account",
    "acl.refresh_programmatic_access_account_secret",
    "acl.client_credentials.old_secret",
    "acl.client_credentials.new_secret",
    "acl.delete_programmatic_access_account",
    "acl.client_credentials.deleted",
    "acl.allow_access_application",
    "acl.deny_access_application",
    "acl.disable_application_access_policies",
    "acl.enable_application_access_policies",
    "acl.delete_application_access_policies",
    "acl.update_default_application_access_policy",
    "acl.allow_access_application.unknown_app",
]


def _token(s: dict, key: str, secret: str) -> dict:
    import requests

    answer = requests.post(
        f"{s['host']}/oidc/token",
        data={
            "client_id": key,
            "client_secret": secret,
            "grant_type": "client_credentials",
            "scope": "read",
        },
        timeout=10,
    )
    return answer.json()


def flow(s: dict) -> None:
    from authing.v2.authentication import AuthenticationClient, AuthenticationClientOptions

    mgmt = management_client(s)
    acl = mgmt.acl
    tag = unique("")
    ns_code, ns2 = f"lib{tag}", f"store{tag}"
    ada = mgmt.users.create({"username": f"ada{tag}", "password": PASSWORD})
    bob = mgmt.users.create({"username": f"bob{tag}", "password": PASSWORD})

    ns = step(
        "acl.create_namespace",
        lambda: acl.create_namespace(ns_code, "Library", description="books"),
        lambda r: r["code"] == ns_code and r["name"] == "Library" and isinstance(r["id"], int),
    )
    step(
        "acl.list_namespaces",
        lambda: acl.list_namespaces(page=1, limit=50),
        lambda r: ns_code in [n["code"] for n in r["list"]] and r["total"] >= 1,
    )
    step(
        "acl.update_namespace",
        lambda: acl.update_namespace(ns["id"], name="Store", code=ns2, description="shop"),
        lambda r: (
            (r["id"], r["code"], r["name"], r["description"]) == (ns["id"], ns2, "Store", "shop")
        ),
    )
    actions = [{"name": "books:read", "description": "Read"}]
    books = step(
        "acl.create_resource",
        lambda: acl.create_resource(ns2, "books", "DATA", actions, description="all books"),
        lambda r: r["code"] == "books" and r["type"] == "DATA" and r["namespaceId"] == ns["id"],
    )
    step(
        "acl.list_resources",
        lambda: acl.list_resources(ns2),
        lambda r: r["totalCount"] == 1 and r["list"][0]["id"] == books["id"],
    )
    step(
        "acl.get_resource_by_id",
        lambda: acl.get_resource_by_id(books["id"]),
        lambda r: r["code"] == 200 and r["data"]["code"] == "books",
    )
    step(
        "acl.get_resource_by_code",
        lambda: acl.get_resource_by_code(ns2, "books"),
        lambda r: r["code"] == 200 and r["data"]["id"] == books["id"],
    )
    step(
        "acl.update_resource",
        lambda: acl.update_resource(
            ns2, "books", actions=[{"name": "books:edit", "description": "Edit"}], description="d2"
        ),
        lambda r: r["description"] == "d2" and [a["name"] for a in r["actions"]] == ["books:edit"],
    )
    # the official client sends no resourceType here
    step(
        "acl.authorize_resource",
        lambda: acl.authorize_resource(
            ns2,
            "books:1",
            [{"targetType": "USER", "targetIdentifier": ada["id"], "actions": ["books:read"]}],
        ),
        lambda r: r is True,
    )
    step(
        "acl.is_allowed",
        lambda: acl.is_allowed(ada["id"], "books:read", "books:1", ns2),
        lambda r: r is True,
    )
    step(
        "acl.is_allowed.other_action",
        lambda: acl.is_allowed(ada["id"], "books:delete", "books:1", ns2),
        lambda r: r is False,
    )
    step(
        "acl.list_authorized_resources",
        lambda: acl.list_authorized_resources(ns2, "USER", ada["id"]),
        lambda r: (
            r["totalCount"] == 1
            and (r["list"][0]["code"], r["list"][0]["actions"]) == ("books:1", ["books:read"])
        ),
    )
    step(
        "acl.get_authorized_targets",
        lambda: acl.get_authorized_targets(
            ns2, "DATA", "books:1", actions={"op": "OR", "list": ["books:read"]}
        ),
        lambda r: (
            r["totalCount"] == 1
            and (r["list"][0]["targetType"], r["list"][0]["targetIdentifier"])
            == ("USER", ada["id"])
        ),
    )
    mgmt.roles.create(f"reader{tag}", namespace=ns2)
    mgmt.roles.add_users(f"reader{tag}", [bob["id"]], namespace=ns2)
    step(
        "acl.allow.role",
        lambda: acl.allow("books:*", "books:*", ns2, role=f"reader{tag}"),
        lambda r: r["code"] == 200,
    )
    step(
        "acl.is_allowed.role_wildcard",
        lambda: acl.is_allowed(bob["id"], "books:list", "books:42", ns2),
        lambda r: r is True,
    )
    org = mgmt.org.create(f"Acme{tag}", code=f"acme{tag}")
    root_id = org["rootNode"]["id"]
    child = mgmt.org.add_node(org["id"], "Sales", root_id, code=f"sales{tag}")
    child_id = next(n["id"] for n in child["nodes"] if n["code"] == f"sales{tag}")
    mgmt.org.add_members(child_id, [ada["id"]])
    # policies of the official Python client live in the default permission group
    step(
        "acl.allow.group_of_node",
        lambda: acl.authorize_resource(
            "default",
            "orders:*",
            [{"targetType": "ORG", "targetIdentifier": root_id, "actions": ["orders:read"]}],
        ),
        lambda r: r is True,
    )
    step(
        "acl.is_allowed.parent_node",
        lambda: acl.is_allowed(ada["id"], "orders:read", "orders:9", "default"),
        lambda r: r is True,
    )
    # a DENY policy assigned to the user wins over the grant its org node gives
    mgmt.policies.create(
        f"deny{tag}", [{"resource": "orders:9", "actions": ["orders:read"], "effect": "DENY"}]
    )
    mgmt.policies.add_assignments([f"deny{tag}"], "USER", [ada["id"]])
    step(
        "acl.is_allowed.deny_policy",
        lambda: (
            acl.is_allowed(ada["id"], "orders:read", "orders:9", "default"),
            acl.is_allowed(ada["id"], "orders:read", "orders:8", "default"),
        ),
        lambda r: r == (False, True),
    )
    step(
        "acl.revoke_resource",
        lambda: acl.revoke_resource(
            ns2, "books:1", [{"targetType": "USER", "targetIdentifier": ada["id"]}]
        ),
        lambda r: r is True,
    )
    step(
        "acl.is_allowed.after_revoke",
        lambda: acl.is_allowed(ada["id"], "books:read", "books:1", ns2),
        lambda r: r is False,
    )
    expect_code(
        "acl.is_allowed.unknown_user",
        lambda: acl.is_allowed("0" * 24, "books:read", "books:1", ns2),
        2004,
    )
    step("acl.delete_resource", lambda: acl.delete_resource(ns2, "books"), lambda r: r is True)
    step(
        "acl.get_resource_by_code.deleted",
        lambda: acl.get_resource_by_code(ns2, "books"),
        lambda r: r["code"] == 404 and r["message"] == "资源不存在",
    )
    step("acl.delete_namespace", lambda: acl.delete_namespace(ns["id"]), lambda r: r is True)
    expect_code(
        "acl.update_namespace.deleted", lambda: acl.update_namespace(ns["id"], name="x"), 404
    )

    app_id = s["app_id"]
    account = step(
        "acl.create_programmatic_access_account",
        lambda: acl.create_programmatic_access_account(app_id, remark="ci", token_lifetime=300),
        lambda r: (
            r["code"] == 200
            and (
                r["data"]["appId"],
                r["data"]["remarks"],
                r["data"]["tokenLifetime"],
                r["data"]["enabled"],
            )
            == (app_id, "ci", 300, True)
        ),
    )["data"]
    step(
        "acl.programmatic_access_account_list",
        lambda: acl.programmatic_access_account_list(app_id, page=1, limit=50),
        lambda r: account["id"] in [a["id"] for a in r["data"]["list"]],
    )
    auth = AuthenticationClient(
        AuthenticationClientOptions(
            app_id=app_id, app_host=s["host"], user_pool_id=s["user_pool_id"]
        )
    )
    step(
        "acl.client_credentials",
        lambda: auth.get_access_token_by_client_credentials(
            "read", account["id"], account["secret"]
        ),
        lambda r: r.get("access_token") and r.get("token_type") == "Bearer",
    )
    step(
        "acl.disable_programmatic_access_account",
        lambda: acl.disable_programmatic_access_account(account["id"]),
        lambda r: r["code"] == 200 and r["data"]["enabled"] is False,
    )
    step(
        "acl.client_credentials.disabled",
        lambda: _token(s, account["id"], account["secret"]),
        lambda r: r.get("error") == "invalid_client",
    )
    step(
        "acl.enable_programmatic_access_account",
        lambda: acl.enable_programmatic_access_account(account["id"]),
        lambda r: r["code"] == 200 and r["data"]["enabled"] is True,
    )
    fresh = step(
        "acl.refresh_programmatic_access_account_secret",
        lambda: acl.refresh_programmatic_access_account_secret(account["id"], secret="n" * 32),
        lambda r: r["code"] == 200 and r["data"]["secret"] == "n" * 32,
    )["data"]
    step(
        "acl.client_credentials.old_secret",
        lambda: _token(s, account["id"], account["secret"]),
        lambda r: r.get("error") == "invalid_client",
    )
    step(
        "acl.client_credentials.new_secret",
        lambda: _token(s, account["id"], fresh["secret"]),
        lambda r: bool(r.get("access_token")),
    )
    step(
        "acl.delete_programmatic_access_account",
        lambda: acl.delete_programmatic_access_account(account["id"]),
        lambda r: r["code"] == 200,
    )
    step(
        "acl.client_credentials.deleted",
        lambda: _token(s, account["id"], fresh["secret"]),
        lambda r: r.get("error") == "invalid_client",
    )

    def rules() -> dict:
        answer = mgmt.applications.get_access_policies(app_id)
        return {r["targetIdentifier"]: (r["code"], r["enabled"]) for r in answer["list"]}

    step(
        "acl.allow_access_application",
        lambda: (acl.allow_access_application(app_id, "USER", [ada["id"]], None, False), rules()),
        lambda r: r[0]["code"] == 200 and r[1].get(ada["id"]) == ("ALLOW", True),
    )
    step(
        "acl.deny_access_application",
        lambda: (acl.deny_access_application(app_id, "USER", [bob["id"]], None, False), rules()),
        lambda r: r[0]["code"] == 200 and r[1].get(bob["id"]) == ("DENY", True),
    )
    step(
        "acl.disable_application_access_policies",
        lambda: (
            acl.disable_application_access_policies(app_id, "USER", [bob["id"]], None, False),
            rules(),
        ),
        lambda r: r[0]["code"] == 200 and r[1].get(bob["id"]) == ("DENY", False),
    )
    step(
        "acl.enable_application_access_policies",
        lambda: (
            acl.enable_application_access_policies(app_id, "USER", [bob["id"]], None, False),
            rules(),
        ),
        lambda r: r[0]["code"] == 200 and r[1].get(bob["id"]) == ("DENY", True),
    )
    step(
        "acl.delete_application_access_policies",
        lambda: (
            acl.delete_application_access_policies(app_id, "USER", [bob["id"]], None, False),
            rules(),
        ),
        lambda r: r[0]["code"] == 200 and bob["id"] not in r[1] and ada["id"] in r[1],
    )
    step(
        "acl.update_default_application_access_policy",
        lambda: acl.update_default_application_access_policy(app_id, "DENY_ALL"),
        lambda r: (
            r["code"] == 200 and r["data"]["permissionStrategy"]["defaultStrategy"] == "DENY_ALL"
        ),
    )
    step(
        "acl.allow_access_application.unknown_app",
        lambda: acl.allow_access_application("0" * 24, "USER", [ada["id"]], None, False),
        lambda r: r["code"] == 2011,
    )
