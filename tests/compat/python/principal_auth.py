"""The official Python client: principal (real-name) authentication (``python run.py principal_auth``)."""

from __future__ import annotations

from harness import management_client, step, unique

EXPECTED_STEPS = [
    "principal_auth.users.create_for_principal",
    "principal_auth.authenticate_refused",
    "principal_auth.authenticate",
    "principal_auth.detail",
]


def flow(s: dict) -> None:
    mgmt = management_client(s)
    tag = unique("")

    person = step(
        "principal_auth.users.create_for_principal",
        lambda: mgmt.users.create({"username": f"principal_{tag}"}),
        lambda u: u["id"],
    )

    step(
        "principal_auth.authenticate_refused",
        lambda: mgmt.principalAuth.authenticate(
            person["id"], "P", "Ada", "11010519491231002X", "4111111111111112"
        ),
        lambda r: r["code"] == 400,
    )

    step(
        "principal_auth.authenticate",
        lambda: mgmt.principalAuth.authenticate(
            person["id"], "P", "Ada", "11010519491231002X", "4111111111111111"
        ),
        lambda r: r["code"] == 200,
    )

    step(
        "principal_auth.detail",
        lambda: mgmt.principalAuth.detail(person["id"]),
        lambda r: (
            r["code"] == 200
            and (r["data"]["userId"], r["data"]["principalType"]) == (person["id"], "P")
        ),
    )
