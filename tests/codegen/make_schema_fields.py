"""Write ``schema_fields.txt``: the object and input types of Authing's V2 GraphQL schema with
their fields and types, one type per line (``Type field:Type field:Type ...``).

Run once when the reference schema changes (the test never reads the reference itself)::

    python tests/codegen/make_schema_fields.py path/to/authing-v2-schema.graphql
"""

from __future__ import annotations

import sys
from pathlib import Path

from graphql import GraphQLInputObjectType, GraphQLObjectType, build_schema

OUT = Path(__file__).with_name("schema_fields.txt")


def field_lines(sdl: str) -> list[str]:
    schema = build_schema(sdl)
    lines = []
    for name in sorted(schema.type_map):
        kind = schema.type_map[name]
        if name.startswith("__") or not isinstance(
            kind, GraphQLObjectType | GraphQLInputObjectType
        ):
            continue
        fields = " ".join(f"{f}:{kind.fields[f].type}" for f in kind.fields)
        lines.append(f"{name} {fields}")
    return lines


def main() -> None:
    reference = Path(sys.argv[1])
    lines = field_lines(reference.read_text(encoding="utf-8"))
    header = f"# Fields of Authing's V2 GraphQL schema (from {reference.name}; regenerate with {Path(__file__).name})"
    OUT.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
