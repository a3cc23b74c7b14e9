"""The official Python client: the user pool's settings and environment variables (issue 14) (``python run.py user_pool``)."""

from __future__ import annotations

from harness import PASSWORD, authentication_client, expect_code, management_client, step, unique

EXPECTED_STEPS = [
    "user_pool.detail",
    "user_pool.add_env",
    "user_pool.list_env",
    "user_pool.remove_env",
    "user_pool.list_env_after_remove",
    "user_pool.update_register_disabled",
    "user_pool.register_disabled",
    "user_pool.update_login_require_email_verified",
    "user_pool.register_after_reopen",
    "user_pool.login_unverified_email",
    "user_pool.update_restore",
]


def flow(s: dict) -> None:
    mgmt = management_client(s)
    auth = authentication_client(s)
    tag = unique("")
    email, password = f"unverified-{tag}@example.com", PASSWORD

    step(
        "user_pool.detail",
        mgmt.userPool.detail,
        lambda r: (
            r["code"] == 200
            and r["data"]["id"] == s["user_pool_id"]
            and r["data"]["registerDisabled"] is False
        ),
    )

    step(
        "user_pool.add_env",
        lambda: mgmt.userPool.add_env("LEVEL_" + tag, "3"),
        lambda r: (
            r["code"] == 200 and (r["data"]["key"], r["data"]["value"]) == ("LEVEL_" + tag, "3")
        ),
    )

    step(
        "user_pool.list_env",
        mgmt.userPool.list_env,
        lambda r: {e["key"]: e["value"] for e in r["data"]}.get("LEVEL_" + tag) == "3",
    )

    step(
        "user_pool.remove_env",
        lambda: mgmt.userPool.remove_env("LEVEL_" + tag),
        lambda r: r["code"] == 200,
    )

    step(
        "user_pool.list_env_after_remove",
        mgmt.userPool.list_env,
        lambda r: all(e["key"] != "LEVEL_" + tag for e in r["data"]),
    )

    step(
        "user_pool.update_register_disabled",
        lambda: mgmt.userPool.update({"registerDisabled": True}),
        lambda p: p["registerDisabled"] is True,
    )

    expect_code(
        "user_pool.register_disabled", lambda: auth.register_by_email(email, password), 2031
    )

    step(
        "user_pool.update_login_require_email_verified",
        lambda: mgmt.userPool.update(
            {"registerDisabled": False, "loginRequireEmailVerified": True}
        ),
        lambda p: p["registerDisabled"] is False and p["loginRequireEmailVerified"] is True,
    )

    step(
        "user_pool.register_after_reopen",
        lambda: auth.register_by_email(email, password),
        lambda u: u["email"] == email and u["emailVerified"] is False,
    )

    expect_code(
        "user_pool.login_unverified_email", lambda: auth.login_by_email(email, password), 2042
    )

    step(
        "user_pool.update_restore",
        lambda: mgmt.userPool.update({"loginRequireEmailVerified": False}),
        lambda p: p["loginRequireEmailVerified"] is False,
    )
