"""The official Python client's core authentication methods (``python run.py auth_core``)."""

from __future__ import annotations

import uuid

from harness import authentication_client, expect_error, step

EXPECTED_STEPS = [
    "auth_core.register_by_email",
    "auth_core.register_by_username",
    "auth_core.login_by_email",
    "auth_core.login_by_username",
    "auth_core.login_by_email_again",
    "auth_core.get_current_user",
    "auth_core.update_profile",
    "auth_core.check_login_status",
    "auth_core.logout",
    "auth_core.check_login_status_after_logout",
    "auth_core.old_token_rejected",
]


def flow(s: dict) -> None:
    auth = authentication_client(s)
    tag = uuid.uuid4().hex[:8]
    email = f"auth-{tag}@example.com"
    username = f"auth_{tag}"
    password = "Passw0rd!"

    step(
        "auth_core.register_by_email",
        lambda: auth.register_by_email(email, password),
        lambda u: u["id"] and u["email"] == email,
    )
    step(
        "auth_core.register_by_username",
        lambda: auth.register_by_username(username, password),
        lambda u: u["id"] and u["username"] == username,
    )
    user = step(
        "auth_core.login_by_email",
        lambda: auth.login_by_email(email, password),
        lambda u: u["email"] == email and u["token"],
    )
    step(
        "auth_core.login_by_username",
        lambda: auth.login_by_username(username, password),
        lambda u: u["username"] == username and u["token"],
    )
    # continue as the e-mail user
    auth.clear_current_user()
    user = step(
        "auth_core.login_by_email_again",
        lambda: auth.login_by_email(email, password),
        lambda u: u["email"] == email and u["token"],
    )
    token = user["token"]
    step(
        "auth_core.get_current_user",
        lambda: auth.get_current_user(),
        lambda u: u["id"] == user["id"] and u["email"] == email,
    )
    step(
        "auth_core.update_profile",
        lambda: auth.update_profile({"nickname": "Nick " + tag}),
        lambda u: u["id"] == user["id"] and u["nickname"] == "Nick " + tag,
    )
    step(
        "auth_core.check_login_status",
        lambda: auth.check_login_status(token),
        lambda r: r["status"] is True and r["code"] == 200,
    )
    step("auth_core.logout", auth.logout, lambda r: r is True)
    step(
        "auth_core.check_login_status_after_logout",
        lambda: auth.check_login_status(token),
        lambda r: r["status"] is False,
    )
    expect_error(
        "auth_core.old_token_rejected", lambda: authentication_client(s).get_current_user(token)
    )
