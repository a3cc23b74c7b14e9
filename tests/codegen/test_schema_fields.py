"""Every GraphQL model of the spec carries every field of the matching type of Authing's V2
schema, with its type: official clients (Authing's JS SDK selects ``Identity.extIdpId``) send
documents built for the full schema, and the emulator serves the SDL the spec emits.

``schema_fields.txt`` is the project's copy of the schema's field lists (made once with
``make_schema_fields.py``); ``Query`` and ``Mutation`` may be served in part.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graphql import GraphQLInputObjectType, GraphQLObjectType, build_schema

HERE = Path(__file__).parent
SDL = HERE.parent.parent / "src" / "aioauthing" / "generated" / "schema.graphql"
ROOTS = ("Query", "Mutation")


def reference() -> dict[str, dict[str, str]]:
    types: dict[str, dict[str, str]] = {}
    for line in (HERE / "schema_fields.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, *fields = line.split()
        types[name] = dict(f.split(":", 1) for f in fields)
    return types


def emitted() -> dict[str, dict[str, str]]:
    schema = build_schema(SDL.read_text(encoding="utf-8"))
    return {
        name: {f: str(kind.fields[f].type) for f in kind.fields}
        for name, kind in schema.type_map.items()
        if not name.startswith("__")
        and isinstance(kind, GraphQLObjectType | GraphQLInputObjectType)
    }


REFERENCE = reference()
EMITTED = emitted()


def test_the_field_lists_are_there() -> None:
    assert {"User", "Identity", "Query", "Mutation"} <= set(REFERENCE)
    assert REFERENCE["Identity"]["extIdpId"] == "String"


@pytest.mark.parametrize("name", sorted(EMITTED))
def test_emitted_type_matches_the_schema(name: str) -> None:
    assert name in REFERENCE, f"{name} is not a type of Authing's V2 schema"
    ours, theirs = EMITTED[name], REFERENCE[name]
    wrong = {f: (t, theirs.get(f)) for f, t in ours.items() if theirs.get(f) != t}
    assert wrong == {}, f"{name}: fields not in the schema or of another type (ours, schema)"
    if name not in ROOTS:
        missing = sorted(set(theirs) - set(ours))
        assert missing == [], f"the spec's {name} lacks fields of the schema: {missing}"
