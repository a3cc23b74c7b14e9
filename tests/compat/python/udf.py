"""The official Python client: user-defined fields and values of any target type
(``python run.py udf``)."""

from __future__ import annotations

import json

from harness import expect_code, management_client, step, unique

EXPECTED_STEPS = [
    "udf.set",
    "udf.list",
    "udf.set_udf_value_batch",
    "udf.list_udf_value",
    "udf.set_udf_value_batch.wrong_type",
    "udf.list_udf_value.unknown_target",
    "udf.remove",
    "udf.list.after_remove",
]


def flow(s: dict) -> None:
    mgmt = management_client(s)
    key = unique("rank_")
    role = mgmt.roles.create(unique("editor_"))

    step(
        "udf.set",
        lambda: mgmt.udf.set("ROLE", key, "NUMBER", "Rank"),
        lambda f: (
            (f["targetType"], f["key"], f["dataType"], f["label"])
            == ("ROLE", key, "NUMBER", "Rank")
        ),
    )
    step(
        "udf.list",
        lambda: mgmt.udf.list("ROLE"),
        lambda fields: (
            [(f["key"], f["dataType"]) for f in fields if f["key"] == key] == [(key, "NUMBER")]
        ),
    )
    step(
        "udf.set_udf_value_batch",
        lambda: mgmt.udf.set_udf_value_batch(
            "ROLE", role["id"], [{"key": key, "value": json.dumps(3)}]
        ),
        lambda values: (
            [(v["key"], v["dataType"], v["value"]) for v in values] == [(key, "NUMBER", "3")]
        ),
    )
    step(
        "udf.list_udf_value",
        lambda: mgmt.udf.list_udf_value("ROLE", role["id"]),
        lambda values: [(v["key"], v["value"], v["label"]) for v in values] == [(key, "3", "Rank")],
    )
    expect_code(
        "udf.set_udf_value_batch.wrong_type",
        lambda: mgmt.udf.set_udf_value_batch(
            "ROLE", role["id"], [{"key": key, "value": json.dumps("high")}]
        ),
        400,
    )
    expect_code(
        "udf.list_udf_value.unknown_target",
        lambda: mgmt.udf.list_udf_value("ROLE", "000000000000000000000000"),
        404,
    )
    step(
        "udf.remove",
        lambda: mgmt.udf.remove("ROLE", key),
        lambda r: r["code"] == 200 and mgmt.udf.list_udf_value("ROLE", role["id"]) == [],
    )
    step(
        "udf.list.after_remove",
        lambda: mgmt.udf.list("ROLE"),
        lambda fields: key not in [f["key"] for f in fields],
    )
