"""The official Python client: the registration whitelist (``python run.py white_list``)."""

from __future__ import annotations

import requests
from harness import PASSWORD, authentication_client, expect_code, management_client, step, unique

EXPECTED_STEPS = [
    "white_list.add",
    "white_list.list",
    "white_list.enable_white_list",
    "white_list.register_not_whitelisted",
    "white_list.register_whitelisted",
    "white_list.disable_white_list",
    "white_list.remove",
    "white_list.enable_white_list.Email",
    "white_list.register_email_not_whitelisted",
    "white_list.register_username_while_email_on",
    "white_list.enable_white_list.Phone",
    "white_list.register_phone_not_whitelisted",
    "white_list.disable_white_list.Email",
    "white_list.register_email_after_disable",
    "white_list.disable_white_list.Phone",
    "white_list.register_phone_after_disable",
]

# The official client spells the types USERNAME, Email and Phone. enable/disable turn them into
# the pool settings' switches (emailEnabled, phoneEnabled); list/add/remove send them as the
# GraphQL WhitelistType, whose values are USERNAME, EMAIL and PHONE, so the client's own
# list/add/remove of "Email"/"Phone" fail schema validation (on the real service too): the
# per-type flow below switches those lists on while they are empty.


def _sms_code(s: dict, phone: str) -> str:
    answer = requests.get(
        f"{s['host']}/__emulator__/outbox",
        params={"pool": s["user_pool_id"], "channel": "sms", "phone": phone},
        timeout=10,
    )
    answer.raise_for_status()
    return [m["code"] for m in answer.json()["messages"] if m.get("code")][-1]


def flow(s: dict) -> None:
    mgmt = management_client(s)
    auth = authentication_client(s)
    listed, stranger, password = unique("listed_"), unique("stranger_"), PASSWORD

    step(
        "white_list.add",
        lambda: mgmt.whiteList.add("USERNAME", [listed]),
        lambda r: [e["value"] for e in r] == [listed],
    )

    step(
        "white_list.list",
        lambda: mgmt.whiteList.list("USERNAME"),
        lambda r: listed in [e["value"] for e in r],
    )

    step(
        "white_list.enable_white_list",
        lambda: mgmt.whiteList.enable_white_list("USERNAME"),
        lambda p: p["whitelist"]["usernameEnabled"] is True,
    )

    expect_code(
        "white_list.register_not_whitelisted",
        lambda: auth.register_by_username(stranger, password),
        2031,
    )

    step(
        "white_list.register_whitelisted",
        lambda: auth.register_by_username(listed, password),
        lambda u: u["username"] == listed,
    )

    step(
        "white_list.disable_white_list",
        lambda: mgmt.whiteList.disable_white_list("USERNAME"),
        lambda p: p["whitelist"]["usernameEnabled"] is False,
    )

    step(
        "white_list.remove",
        lambda: mgmt.whiteList.remove("USERNAME", [listed]),
        lambda r: [e["value"] for e in r] == [listed],
    )

    email = f"{unique('wl-')}@example.com"
    step(
        "white_list.enable_white_list.Email",
        lambda: mgmt.whiteList.enable_white_list("Email"),
        lambda p: (
            p["whitelist"]["emailEnabled"] is True and p["whitelist"]["usernameEnabled"] is False
        ),
    )
    expect_code(
        "white_list.register_email_not_whitelisted",
        lambda: auth.register_by_email(email, password),
        2031,
    )
    step(
        "white_list.register_username_while_email_on",
        lambda: auth.register_by_username(stranger, password),
        lambda u: u["username"] == stranger,
    )
    phone = "139" + f"{int(unique('')[:7], 16) % 100_000_000:08d}"
    step(
        "white_list.enable_white_list.Phone",
        lambda: mgmt.whiteList.enable_white_list("Phone"),
        lambda p: p["whitelist"]["phoneEnabled"] is True and p["whitelist"]["emailEnabled"] is True,
    )
    auth.send_sms_code(phone)
    expect_code(
        "white_list.register_phone_not_whitelisted",
        lambda: auth.register_by_phone_code(phone, _sms_code(s, phone), password),
        2031,
    )
    step(
        "white_list.disable_white_list.Email",
        lambda: mgmt.whiteList.disable_white_list("Email"),
        lambda p: (
            p["whitelist"]["emailEnabled"] is False and p["whitelist"]["phoneEnabled"] is True
        ),
    )
    step(
        "white_list.register_email_after_disable",
        lambda: auth.register_by_email(email, password),
        lambda u: u["email"] == email,
    )
    step(
        "white_list.disable_white_list.Phone",
        lambda: mgmt.whiteList.disable_white_list("Phone"),
        lambda p: p["whitelist"]["phoneEnabled"] is False,
    )
    auth.send_sms_code(phone)
    step(
        "white_list.register_phone_after_disable",
        lambda: auth.register_by_phone_code(phone, _sms_code(s, phone), password),
        lambda u: u["phone"] == phone,
    )
