"""The official Python client: the registration whitelist (``python run.py white_list``)."""

from __future__ import annotations

from harness import PASSWORD, authentication_client, expect_code, management_client, step, unique

EXPECTED_STEPS = [
    "white_list.add",
    "white_list.list",
    "white_list.enable_white_list",
    "white_list.register_not_whitelisted",
    "white_list.register_whitelisted",
    "white_list.disable_white_list",
    "white_list.remove",
]


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
