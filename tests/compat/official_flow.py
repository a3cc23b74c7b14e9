"""Drive Authing's OFFICIAL Python client (``authing==4.5.18``) against the emulator.

Run under the interpreter of a virtualenv that has ``authing==4.5.18`` installed (never ours):

    AIOAUTHING_COMPAT_SETTINGS='{"host": ..., "user_pool_id": ..., ...}' python official_flow.py

The settings (the ``authing_pool`` fixture's fields) come as JSON in the environment variable
``AIOAUTHING_COMPAT_SETTINGS`` or as the first argument. On success the script prints ONE JSON
line ``{"ok": true, "steps": [...], "timings_ms": {...}}``; on the first failing step it prints
``{"ok": false, "step": ..., "error": ...}`` and exits with status 1.

The official client is used unchanged: it introspects the schema before every GraphQL call and
validates its documents against it (gql 2 / graphql-core 2), so a missing type, field or
argument in the emulator's schema fails the step with a validation error naming it.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
import uuid

from authing.v2.authentication import AuthenticationClient, AuthenticationClientOptions
from authing.v2.exceptions import AuthingException
from authing.v2.management import ManagementClient, ManagementClientOptions

STEPS: list[str] = []
TIMINGS: dict[str, float] = {}


class StepFailed(Exception):
    def __init__(self, step: str, error: str) -> None:
        super().__init__(f"{step}: {error}")
        self.step = step
        self.error = error


def step(name, fn, check):
    """Run ``fn()``, time it, then ``check(result)`` must be truthy (or raise)."""
    start = time.perf_counter()
    try:
        result = fn()
    except Exception as exc:
        raise StepFailed(name, f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}") from exc
    finally:
        TIMINGS[name] = round((time.perf_counter() - start) * 1000, 2)
    try:
        ok = check(result)
    except Exception as exc:
        ok = False
        detail = f"{type(exc).__name__}: {exc}"
    else:
        detail = ""
    if not ok:
        raise StepFailed(name, f"unexpected result {result!r} {detail}".strip())
    STEPS.append(name)
    return result


def expect_error(name, fn):
    """``fn()`` must raise (the official client raises ``AuthingException`` on errors)."""
    start = time.perf_counter()
    try:
        result = fn()
    except AuthingException as exc:
        TIMINGS[name] = round((time.perf_counter() - start) * 1000, 2)
        STEPS.append(name)
        return exc
    except Exception as exc:
        TIMINGS[name] = round((time.perf_counter() - start) * 1000, 2)
        raise StepFailed(
            name, f"expected AuthingException, got {type(exc).__name__}: {exc}"
        ) from exc
    TIMINGS[name] = round((time.perf_counter() - start) * 1000, 2)
    raise StepFailed(name, f"expected an error, got {result!r}")


def load_settings() -> dict:
    raw = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("AIOAUTHING_COMPAT_SETTINGS")
    if not raw:
        raise SystemExit(
            "pass the emulator settings as JSON (argv[1] or AIOAUTHING_COMPAT_SETTINGS)"
        )
    return json.loads(raw)


def management_flow(s: dict) -> None:
    mgmt = ManagementClient(
        ManagementClientOptions(
            user_pool_id=s["user_pool_id"],
            secret=s["secret"],
            host=s["host"],
            enc_public_key=s["public_key"],
        )
    )
    tag = uuid.uuid4().hex[:8]
    email = f"mgmt-{tag}@example.com"
    username = f"mgmt_{tag}"

    step("mgmt.access_token", mgmt.tokenProvider.getAccessToken, lambda t: isinstance(t, str) and t)
    user = step(
        "mgmt.users.create",
        lambda: mgmt.users.create({"email": email, "username": username, "password": "Passw0rd!"}),
        lambda u: u["id"] and u["email"] == email and u["username"] == username,
    )
    uid = user["id"]
    step(
        "mgmt.users.list",
        lambda: mgmt.users.list(page=1, limit=10),
        lambda d: d["totalCount"] >= 1 and any(u["id"] == uid for u in d["list"]),
    )
    step(
        "mgmt.users.search",
        lambda: mgmt.users.search(username),
        lambda d: d["totalCount"] >= 1 and any(u["id"] == uid for u in d["list"]),
    )
    step(
        "mgmt.users.find",
        lambda: mgmt.users.find(email=email),
        lambda u: u and u["id"] == uid,
    )
    step(
        "mgmt.users.update",
        lambda: mgmt.users.update(uid, {"nickname": "Nick " + tag}),
        lambda u: u["id"] == uid and u["nickname"] == "Nick " + tag,
    )
    step(
        "mgmt.users.detail",
        lambda: mgmt.users.detail(uid),
        lambda u: u["id"] == uid and u["nickname"] == "Nick " + tag,
    )
    step(
        "mgmt.users.delete",
        lambda: mgmt.users.delete(uid),
        lambda r: r["code"] == 200,
    )
    step(
        "mgmt.users.list_after_delete",
        lambda: mgmt.users.list(page=1, limit=50),
        lambda d: all(u["id"] != uid for u in d["list"]),
    )


def authentication_flow(s: dict) -> None:
    def new_client() -> AuthenticationClient:
        return AuthenticationClient(
            AuthenticationClientOptions(
                app_id=s["app_id"],
                app_host=s["host"],
                user_pool_id=s["user_pool_id"],
                enc_public_key=s["public_key"],
            )
        )

    auth = new_client()
    tag = uuid.uuid4().hex[:8]
    email = f"auth-{tag}@example.com"
    username = f"auth_{tag}"
    password = "Passw0rd!"

    step(
        "auth.register_by_email",
        lambda: auth.register_by_email(email, password),
        lambda u: u["id"] and u["email"] == email,
    )
    step(
        "auth.register_by_username",
        lambda: auth.register_by_username(username, password),
        lambda u: u["id"] and u["username"] == username,
    )
    user = step(
        "auth.login_by_email",
        lambda: auth.login_by_email(email, password),
        lambda u: u["email"] == email and u["token"],
    )
    step(
        "auth.login_by_username",
        lambda: auth.login_by_username(username, password),
        lambda u: u["username"] == username and u["token"],
    )
    # continue as the e-mail user
    auth.clear_current_user()
    user = step(
        "auth.login_by_email_again",
        lambda: auth.login_by_email(email, password),
        lambda u: u["email"] == email and u["token"],
    )
    token = user["token"]
    step(
        "auth.get_current_user",
        lambda: auth.get_current_user(),
        lambda u: u["id"] == user["id"] and u["email"] == email,
    )
    step(
        "auth.update_profile",
        lambda: auth.update_profile({"nickname": "Nick " + tag}),
        lambda u: u["id"] == user["id"] and u["nickname"] == "Nick " + tag,
    )
    step(
        "auth.check_login_status",
        lambda: auth.check_login_status(token),
        lambda r: r["status"] is True and r["code"] == 200,
    )
    step("auth.logout", auth.logout, lambda r: r is True)
    step(
        "auth.check_login_status_after_logout",
        lambda: auth.check_login_status(token),
        lambda r: r["status"] is False,
    )
    expect_error("auth.old_token_rejected", lambda: new_client().get_current_user(token))


def expect_code(name, fn, code):
    """``fn()`` must raise ``AuthingException`` with business code ``code``."""
    exc = expect_error(name, fn)
    if exc.code != code:
        STEPS.pop()
        raise StepFailed(name, f"expected code {code}, got {exc.code}: {exc.message}")
    return exc


def pool_admin_flow(s: dict) -> None:
    """User pool settings, env variables, the username whitelist and the audit log (issue 14)."""
    mgmt = ManagementClient(
        ManagementClientOptions(
            user_pool_id=s["user_pool_id"],
            secret=s["secret"],
            host=s["host"],
            enc_public_key=s["public_key"],
        )
    )
    auth = AuthenticationClient(
        AuthenticationClientOptions(
            app_id=s["app_id"],
            app_host=s["host"],
            user_pool_id=s["user_pool_id"],
            enc_public_key=s["public_key"],
        )
    )
    tag = uuid.uuid4().hex[:8]
    listed, stranger, email = f"listed_{tag}", f"stranger_{tag}", f"unverified-{tag}@example.com"
    password = "Passw0rd!"

    step(
        "pool.userPool.detail",
        mgmt.userPool.detail,
        lambda r: (
            r["code"] == 200
            and r["data"]["id"] == s["user_pool_id"]
            and r["data"]["registerDisabled"] is False
        ),
    )
    step(
        "pool.userPool.add_env",
        lambda: mgmt.userPool.add_env("LEVEL_" + tag, "3"),
        lambda r: (
            r["code"] == 200 and (r["data"]["key"], r["data"]["value"]) == ("LEVEL_" + tag, "3")
        ),
    )
    step(
        "pool.userPool.list_env",
        mgmt.userPool.list_env,
        lambda r: {e["key"]: e["value"] for e in r["data"]}.get("LEVEL_" + tag) == "3",
    )
    step(
        "pool.userPool.remove_env",
        lambda: mgmt.userPool.remove_env("LEVEL_" + tag),
        lambda r: r["code"] == 200,
    )
    step(
        "pool.userPool.list_env_after_remove",
        mgmt.userPool.list_env,
        lambda r: all(e["key"] != "LEVEL_" + tag for e in r["data"]),
    )
    step(
        "pool.whiteList.add",
        lambda: mgmt.whiteList.add("USERNAME", [listed]),
        lambda r: [e["value"] for e in r] == [listed],
    )
    step(
        "pool.whiteList.list",
        lambda: mgmt.whiteList.list("USERNAME"),
        lambda r: listed in [e["value"] for e in r],
    )
    step(
        "pool.whiteList.enable_white_list",
        lambda: mgmt.whiteList.enable_white_list("USERNAME"),
        lambda p: p["whitelist"]["usernameEnabled"] is True,
    )
    expect_code(
        "pool.register_not_whitelisted", lambda: auth.register_by_username(stranger, password), 2031
    )
    step(
        "pool.register_whitelisted",
        lambda: auth.register_by_username(listed, password),
        lambda u: u["username"] == listed,
    )
    step(
        "pool.whiteList.disable_white_list",
        lambda: mgmt.whiteList.disable_white_list("USERNAME"),
        lambda p: p["whitelist"]["usernameEnabled"] is False,
    )
    step(
        "pool.whiteList.remove",
        lambda: mgmt.whiteList.remove("USERNAME", [listed]),
        lambda r: [e["value"] for e in r] == [listed],
    )
    step(
        "pool.userPool.update_register_disabled",
        lambda: mgmt.userPool.update({"registerDisabled": True}),
        lambda p: p["registerDisabled"] is True,
    )
    expect_code("pool.register_disabled", lambda: auth.register_by_email(email, password), 2031)
    step(
        "pool.userPool.update_login_require_email_verified",
        lambda: mgmt.userPool.update(
            {"registerDisabled": False, "loginRequireEmailVerified": True}
        ),
        lambda p: p["registerDisabled"] is False and p["loginRequireEmailVerified"] is True,
    )
    step(
        "pool.register_after_reopen",
        lambda: auth.register_by_email(email, password),
        lambda u: u["email"] == email and u["emailVerified"] is False,
    )
    expect_code("pool.login_unverified_email", lambda: auth.login_by_email(email, password), 2042)
    step(
        "pool.userPool.update_restore",
        lambda: mgmt.userPool.update({"loginRequireEmailVerified": False}),
        lambda p: p["loginRequireEmailVerified"] is False,
    )
    person = step(
        "pool.users.create_for_principal",
        lambda: mgmt.users.create({"username": f"principal_{tag}"}),
        lambda u: u["id"],
    )
    step(
        "pool.principalAuth.authenticate_refused",
        lambda: mgmt.principalAuth.authenticate(
            person["id"], "P", "Ada", "11010519491231002X", "4111111111111112"
        ),
        lambda r: r["code"] == 400,
    )
    step(
        "pool.principalAuth.authenticate",
        lambda: mgmt.principalAuth.authenticate(
            person["id"], "P", "Ada", "11010519491231002X", "4111111111111111"
        ),
        lambda r: r["code"] == 200,
    )
    step(
        "pool.principalAuth.detail",
        lambda: mgmt.principalAuth.detail(person["id"]),
        lambda r: (
            r["code"] == 200
            and (r["data"]["userId"], r["data"]["principalType"]) == (person["id"], "P")
        ),
    )
    app = step(
        "pool.applications.create",
        lambda: mgmt.applications.create("Shop", "shop-" + tag, ["https://shop.example/cb"]),
        lambda a: a["id"] and a["identifier"] == "shop-" + tag and a["secret"],
    )
    step(
        "pool.applications.list",
        lambda: mgmt.applications.list(page=1, limit=10),
        lambda d: [a["id"] for a in d["list"]] == [s["app_id"], app["id"]],
    )
    step(
        "pool.applications.find_by_id",
        lambda: mgmt.applications.find_by_id(app["id"]),
        lambda a: (a["name"], a["secret"]) == ("Shop", app["secret"]),
    )
    step(
        "pool.applications.refresh_application_secret",
        lambda: mgmt.applications.refresh_application_secret(app["id"]),
        lambda r: r["code"] == 200 and r["data"]["secret"] not in ("", app["secret"]),
    )
    step(
        "pool.applications.delete", lambda: mgmt.applications.delete(app["id"]), lambda r: r is True
    )
    expect_code(
        "pool.applications.find_deleted", lambda: mgmt.applications.find_by_id(app["id"]), 2011
    )
    step(
        "pool.auditLog.list_audit_logs",
        mgmt.auditLog.list_audit_logs,
        lambda r: (
            r["code"] == 200
            and [e["eventType"] for e in r["data"]["list"][:6]]
            == [
                "DELETE /api/v2/applications/{appId}",
                "PATCH /api/v2/application/{appId}/refresh-secret",
                "POST /api/v2/applications",
                "POST /api/v2/users/{userId}/management/principal_authentication",
                "createUser",
                "updateUserpool",
            ]
            and r["data"]["list"][4]["eventDetails"] == {"id": person["id"]}
            and r["data"]["totalCount"] >= 17
        ),
    )


def main() -> int:
    settings = load_settings()
    total = time.perf_counter()
    try:
        management_flow(settings)
        authentication_flow(settings)
        pool_admin_flow(settings)
    except StepFailed as failure:
        print(
            json.dumps(
                {
                    "ok": False,
                    "step": failure.step,
                    "error": failure.error,
                    "passed": STEPS,
                    "timings_ms": TIMINGS,
                }
            )
        )
        return 1
    print(
        json.dumps(
            {
                "ok": True,
                "steps": STEPS,
                "timings_ms": TIMINGS,
                "total_ms": round((time.perf_counter() - total) * 1000, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
