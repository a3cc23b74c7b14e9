"""The official Python client: applications (``python run.py applications``)."""

from __future__ import annotations

from harness import expect_code, management_client, step, unique

EXPECTED_STEPS = [
    "applications.create",
    "applications.list",
    "applications.find_by_id",
    "applications.refresh_application_secret",
    "applications.delete",
    "applications.find_deleted",
]


def flow(s: dict) -> None:
    mgmt = management_client(s)
    tag = unique("")

    app = step(
        "applications.create",
        lambda: mgmt.applications.create("Shop", "shop-" + tag, ["https://shop.example/cb"]),
        lambda a: a["id"] and a["identifier"] == "shop-" + tag and a["secret"],
    )

    step(
        "applications.list",
        lambda: mgmt.applications.list(page=1, limit=10),
        lambda d: [a["id"] for a in d["list"]] == [s["app_id"], app["id"]],
    )

    step(
        "applications.find_by_id",
        lambda: mgmt.applications.find_by_id(app["id"]),
        lambda a: (a["name"], a["secret"]) == ("Shop", app["secret"]),
    )

    step(
        "applications.refresh_application_secret",
        lambda: mgmt.applications.refresh_application_secret(app["id"]),
        lambda r: r["code"] == 200 and r["data"]["secret"] not in ("", app["secret"]),
    )

    step("applications.delete", lambda: mgmt.applications.delete(app["id"]), lambda r: r is True)

    expect_code("applications.find_deleted", lambda: mgmt.applications.find_by_id(app["id"]), 2011)
