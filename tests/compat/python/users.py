"""The official Python client's users module against the emulator (``python run.py users``)."""

from __future__ import annotations

import uuid

from harness import management_client, step

EXPECTED_STEPS = [
    "users.access_token",
    "users.create",
    "users.list",
    "users.search",
    "users.find",
    "users.update",
    "users.detail",
    "users.delete",
    "users.list_after_delete",
]


def flow(s: dict) -> None:
    mgmt = management_client(s)
    tag = uuid.uuid4().hex[:8]
    email = f"mgmt-{tag}@example.com"
    username = f"mgmt_{tag}"

    step(
        "users.access_token", mgmt.tokenProvider.getAccessToken, lambda t: isinstance(t, str) and t
    )
    user = step(
        "users.create",
        lambda: mgmt.users.create({"email": email, "username": username, "password": "Passw0rd!"}),
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
