"""The official Python client: the audit log records what admins do (``python run.py audit_log``)."""

from __future__ import annotations

from harness import management_client, step, unique

EXPECTED_STEPS = [
    "audit_log.users.create",
    "audit_log.userPool.update",
    "audit_log.applications.create",
    "audit_log.applications.delete",
    "audit_log.list_audit_logs",
]


def flow(s: dict) -> None:
    mgmt = management_client(s)
    tag = unique("")
    person = step(
        "audit_log.users.create",
        lambda: mgmt.users.create({"username": f"audited_{tag}"}),
        lambda u: u["id"],
    )
    step(
        "audit_log.userPool.update",
        lambda: mgmt.userPool.update({"registerDisabled": False}),
        lambda p: p["registerDisabled"] is False,
    )
    app = step(
        "audit_log.applications.create",
        lambda: mgmt.applications.create("Audited", "audited-" + tag, ["https://a.example/cb"]),
        lambda a: a["id"],
    )
    step(
        "audit_log.applications.delete",
        lambda: mgmt.applications.delete(app["id"]),
        lambda r: r is True,
    )
    step(
        "audit_log.list_audit_logs",
        mgmt.auditLog.list_audit_logs,
        lambda r: (
            r["code"] == 200
            and [e["eventType"] for e in r["data"]["list"][:4]]
            == [
                "DELETE /api/v2/applications/{appId}",
                "POST /api/v2/applications",
                "updateUserpool",
                "createUser",
            ]
            and r["data"]["list"][3]["eventDetails"] == {"id": person["id"]}
            and r["data"]["totalCount"] == 4
        ),
    )
