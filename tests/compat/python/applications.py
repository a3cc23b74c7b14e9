"""The official Python client: applications (``python run.py applications``): every
``mgmt.applications`` method, their results checked field by field."""

from __future__ import annotations

from harness import (
    PASSWORD,
    authentication_client,
    expect_code,
    management_client,
    step,
    unique,
)

EXPECTED_STEPS = [
    "applications.create",
    "applications.list",
    "applications.find_by_id",
    "applications.refresh_application_secret",
    "applications.create_agreement",
    "applications.create_agreement.second",
    "applications.list_agreement",
    "applications.modify_agreement",
    "applications.sort_agreement",
    "applications.list_agreement.sorted",
    "applications.delete_agreement",
    "applications.list_agreement.after_delete",
    "applications.modify_agreement.deleted",
    "applications.active_users.none",
    "applications.active_users",
    "applications.create_resource",
    "applications.list_resources",
    "applications.update_resource",
    "applications.delete_resource",
    "applications.list_resources.after_delete",
    "applications.get_access_policies.none",
    "applications.get_access_policies",
    "applications.delete",
    "applications.find_deleted",
    "applications.list_agreement.unknown_app",
]


def flow(s: dict) -> None:
    mgmt = management_client(s)
    auth = authentication_client(s)
    tag = unique("")

    app = step(
        "applications.create",
        lambda: mgmt.applications.create("Shop", "shop-" + tag, ["https://shop.example/cb"]),
        lambda a: (
            a["id"]
            and a["identifier"] == "shop-" + tag
            and a["redirectUris"] == ["https://shop.example/cb"]
            and a["secret"]
            and a["isDefault"] is False
        ),
    )

    step(
        "applications.list",
        lambda: mgmt.applications.list(page=1, limit=10),
        lambda d: [a["id"] for a in d["list"]] == [s["app_id"], app["id"]],
    )

    step(
        "applications.find_by_id",
        lambda: mgmt.applications.find_by_id(app["id"]),
        lambda a: (
            (a["name"], a["secret"], a["userPoolId"]) == ("Shop", app["secret"], s["user_pool_id"])
        ),
    )

    step(
        "applications.refresh_application_secret",
        lambda: mgmt.applications.refresh_application_secret(app["id"]),
        lambda r: r["code"] == 200 and r["data"]["secret"] not in ("", app["secret"]),
    )

    # Agreements (the official client answers the whole envelope).
    terms = step(
        "applications.create_agreement",
        lambda: mgmt.applications.create_agreement(app["id"], "Terms " + tag),
        lambda r: (
            r["code"] == 200
            and (r["data"]["title"], r["data"]["lang"], r["data"]["required"])
            == ("Terms " + tag, "zh-CN", True)
            and (r["data"]["appId"], r["data"]["order"]) == (app["id"], 0)
            and isinstance(r["data"]["id"], int)
        ),
    )["data"]
    privacy = step(
        "applications.create_agreement.second",
        lambda: mgmt.applications.create_agreement(
            app["id"], "Privacy", required=False, lang="en-US"
        ),
        lambda r: (
            (r["data"]["lang"], r["data"]["required"], r["data"]["order"]) == ("en-US", False, 1)
        ),
    )["data"]
    step(
        "applications.list_agreement",
        lambda: mgmt.applications.list_agreement(app["id"]),
        lambda r: (
            r["data"]["totalCount"] == 2
            and [a["id"] for a in r["data"]["list"]] == [terms["id"], privacy["id"]]
        ),
    )
    step(
        "applications.modify_agreement",
        lambda: mgmt.applications.modify_agreement(
            app["id"], privacy["id"], "Privacy v2", required=False, lang="en-US"
        ),
        lambda r: (
            (r["data"]["title"], r["data"]["required"], r["data"]["lang"])
            == ("Privacy v2", False, "en-US")
        ),
    )
    step(
        "applications.sort_agreement",
        lambda: mgmt.applications.sort_agreement(app["id"], [privacy["id"], terms["id"]]),
        lambda r: r["code"] == 200,
    )
    step(
        "applications.list_agreement.sorted",
        lambda: mgmt.applications.list_agreement(app["id"]),
        lambda r: (
            [(a["id"], a["order"]) for a in r["data"]["list"]]
            == [(privacy["id"], 0), (terms["id"], 1)]
        ),
    )
    step(
        "applications.delete_agreement",
        lambda: mgmt.applications.delete_agreement(app["id"], privacy["id"]),
        lambda r: r["code"] == 200,
    )
    step(
        "applications.list_agreement.after_delete",
        lambda: mgmt.applications.list_agreement(app["id"]),
        lambda r: [(a["id"], a["order"]) for a in r["data"]["list"]] == [(terms["id"], 0)],
    )
    step(
        "applications.modify_agreement.deleted",
        lambda: mgmt.applications.modify_agreement(app["id"], privacy["id"], "x"),
        lambda r: r["code"] == 404,
    )

    # Active users: the users who signed in to the (default) application.
    step(
        "applications.active_users.none",
        lambda: mgmt.applications.active_users(s["app_id"]),
        lambda r: r["code"] == 200 and r["data"]["totalCount"] == 0,
    )
    email = f"active-{tag}@example.com"
    user = auth.register_by_email(email, PASSWORD)
    auth.login_by_email(email, PASSWORD)
    step(
        "applications.active_users",
        lambda: mgmt.applications.active_users(s["app_id"], page=1, limit=10),
        lambda r: [(u["id"], u["email"]) for u in r["data"]["list"]] == [(user["id"], email)],
    )

    # Resources of the application (its permission group, code = the application's id).
    step(
        "applications.create_resource",
        lambda: mgmt.applications.create_resource(
            app["id"],
            "books",
            "DATA",
            [{"name": "books:read", "description": "Read"}],
            description="Books",
        ),
        lambda r: (
            (r["code"], r["description"], [a["name"] for a in r["actions"]])
            == ("books", "Books", ["books:read"])
        ),
    )
    step(
        "applications.list_resources",
        lambda: mgmt.applications.list_resources(app["id"]),
        lambda r: [x["code"] for x in r["list"]] == ["books"] and r["totalCount"] == 1,
    )

    step(
        "applications.update_resource",
        lambda: mgmt.applications.update_resource(
            app["id"],
            "books",
            "DATA",
            [{"name": "books:write", "description": "Write"}],
            description="All books",
        ),
        lambda r: (
            (r["description"], [a["name"] for a in r["actions"]]) == ("All books", ["books:write"])
        ),
    )
    step(
        "applications.delete_resource",
        lambda: mgmt.applications.delete_resource(app["id"], "books"),
        lambda r: r is True,
    )
    step(
        "applications.list_resources.after_delete",
        lambda: mgmt.applications.list_resources(app["id"]),
        lambda r: r["list"] == [] and r["totalCount"] == 0,
    )

    # Access rules of the application (made with the acl client, read with applications').
    step(
        "applications.get_access_policies.none",
        lambda: mgmt.applications.get_access_policies(app["id"]),
        lambda r: r["totalCount"] == 0 and r["list"] == [],
    )
    mgmt.acl.allow_access_application(app["id"], "USER", [user["id"]], app["id"], False)
    step(
        "applications.get_access_policies",
        lambda: mgmt.applications.get_access_policies(app["id"], page=1, limit=10),
        lambda r: (
            r["totalCount"] == 1
            and (r["list"][0]["code"], r["list"][0]["targetType"], r["list"][0]["targetIdentifier"])
            == ("ALLOW", "USER", user["id"])
        ),
    )

    step("applications.delete", lambda: mgmt.applications.delete(app["id"]), lambda r: r is True)

    expect_code("applications.find_deleted", lambda: mgmt.applications.find_by_id(app["id"]), 2011)
    step(
        "applications.list_agreement.unknown_app",
        lambda: mgmt.applications.list_agreement(app["id"]),
        lambda r: r["code"] == 2011,
    )
