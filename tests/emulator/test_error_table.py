"""The emulator answers every error with the spec's code and text (``spec/errors.yaml``).

Walks the emulator's sources for every error name it can raise, checks each one is a spec name
(no numeric codes, no messages of its own) and that the code and text it puts on the wire are the
spec's; then sends real requests for a few of them and compares the answers with the YAML.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml

from aioauthing.emulator.errors import AuthingBizError
from aioauthing.emulator.middleware import STATUS_ERRORS
from aioauthing.generated.emulator import RECORDS
from aioauthing.generated.errors import ERRORS_BY_NAME

ROOT = Path(__file__).resolve().parents[2]
EMULATOR = ROOT / "src" / "aioauthing" / "emulator"
RAISERS = {"biz", "AuthingBizError", "error_payload", "error_body", "_answer"}
_NAME = re.compile(r"^[A-Z][A-Z0-9_]+$")


def _spec_table() -> dict[str, tuple[int, str, str]]:
    """name -> (code, message, English), read straight from the YAML (not from generated code)."""
    raw = yaml.safe_load((ROOT / "spec" / "errors.yaml").read_text(encoding="utf-8"))
    table: dict[str, tuple[int, str, str]] = {}
    for code, entry in raw["errors"].items():
        table[entry["name"]] = (code, entry["message"], entry["en"])
        for name, variant in (entry.get("variants") or {}).items():
            table[name] = (code, variant["message"], variant.get("en", entry["en"]))
    return table


SPEC = _spec_table()


def _raised_names() -> dict[str, str]:
    """Every error name the emulator's code can answer -> where it first appears."""
    found: dict[str, str] = {}
    for path in sorted(EMULATOR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and _NAME.match(value) and value in ERRORS_BY_NAME:
                found.setdefault(value, f"{path.relative_to(ROOT)}:{node.lineno}")
    for name in STATUS_ERRORS.values():
        found.setdefault(name, "middleware.STATUS_ERRORS")
    for model, record in RECORDS.items():  # the generic handlers raise these
        for name in (record["not_found"], *record["unique"].values()):
            found.setdefault(name, f"generated.emulator.RECORDS[{model!r}]")
    return found


RAISED = _raised_names()


def test_no_numeric_codes_or_own_messages() -> None:
    """Every raise names a spec error: never a number, never a message of its own."""
    bad = []
    for path in sorted(EMULATOR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called not in RAISERS:
                continue
            first = node.args[0]
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if isinstance(first, ast.Constant) and not isinstance(first.value, str):
                bad.append(f"{where}: numeric error {first.value!r}")
            elif isinstance(first, ast.Constant) and first.value not in SPEC:
                bad.append(f"{where}: {first.value!r} is not a spec error name")
            if called == "biz" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                bad.append(f"{where}: a message of its own ({node.args[1].value!r})")
    assert not bad, "\n".join(bad)
    assert len(RAISED) > 40  # the walk found the raisers (a broken walk must not pass)


@pytest.mark.parametrize("name", sorted(RAISED))
def test_answered_text_is_the_specs(name: str) -> None:
    code, message, english = SPEC[name]
    fields = {f: f"<{f}>" for _t, f, _s, _c in string.Formatter().parse(message) if f}
    error = AuthingBizError(name, **fields)
    assert error.payload() == {"code": code, "message": message.format(**fields), "data": None}
    assert error.english == english.format(**fields), RAISED[name]


def test_wire_answers_carry_the_spec_texts(wire: Any) -> None:
    token = wire.management_token()
    host = wire.settings.host

    def error(query: str, variables: dict[str, Any], token: str | None) -> Any:
        return wire.gql(query, variables, token)["errors"][0]["message"]

    cases = {
        "USER_NOT_FOUND": error(
            "mutation d($id: String!) { deleteUser(id: $id) { code } }", {"id": "x" * 24}, token
        ),
        "GROUP_NOT_FOUND": error(
            "mutation a($c: String) { addUserToGroup(userIds: [], code: $c) { code } }",
            {"c": "nope"},
            token,
        ),
        "NOT_LOGGED_IN": error("query { users { totalCount } }", {}, None),
        "NOT_FOUND": wire.client.get(f"{host}/api/v2/no-such-path").json(),
        "METHOD_NOT_ALLOWED": wire.client.delete(f"{host}/api/v2/users/me").json(),
    }
    for name, answer in cases.items():
        code, message, _english = SPEC[name]
        assert (answer["code"], answer["message"]) == (code, message), (name, answer)
    english = wire.client.post(
        f"{host}/graphql/v2",
        json={"query": 'mutation a { addUserToGroup(userIds: [], code: "nope") { code } }'},
        headers={**wire.headers(token), "x-authing-lang": "en-US"},
    ).json()["errors"][0]["message"]
    assert english["message"] == SPEC["GROUP_NOT_FOUND"][2], english
