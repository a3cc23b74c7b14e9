"""Loading the served SDL and wiring registered resolvers onto it."""

from __future__ import annotations

import dataclasses
import importlib.resources
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema, build_schema

from .audit import audited
from .errors import biz
from .registry import Resolver

__all__ = ["SCHEMA_ENV", "SchemaReport", "build_schema_with_resolvers", "load_sdl"]

SCHEMA_ENV = "AIOAUTHING_EMULATOR_SCHEMA"
"""Environment variable naming an SDL file to serve instead of the generated one."""


def load_sdl(path: Path | None = None) -> str:
    """The SDL to serve: ``path``, else ``$AIOAUTHING_EMULATOR_SCHEMA``, else the generated one."""
    chosen = path or (Path(os.environ[SCHEMA_ENV]) if os.environ.get(SCHEMA_ENV) else None)
    if chosen is not None:
        return chosen.read_text(encoding="utf-8")
    try:
        resource = importlib.resources.files("aioauthing.generated").joinpath("schema.graphql")
        return resource.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise RuntimeError(
            "aioauthing/generated/schema.graphql is missing: run the code generator, "
            f"or point {SCHEMA_ENV} at an SDL file"
        ) from exc


@dataclasses.dataclass(slots=True, frozen=True)
class SchemaReport:
    """Which registry entries were wired, and which root fields have no resolver."""

    wired: tuple[str, ...]
    unused: tuple[str, ...]
    """Registry entries whose field the served schema does not have."""
    missing: tuple[str, ...]
    """Query/Mutation fields of the schema without a registered resolver."""


def _wrap(fn: Resolver) -> Any:
    def resolve(parent: Any, info: GraphQLResolveInfo[Any], /, **args: Any) -> Any:
        return fn(info.context, parent, args)

    resolve.__name__ = getattr(fn, "__name__", "resolve")
    resolve.registered = fn  # type: ignore[attr-defined]  # called directly by query plans
    return resolve


def _not_implemented(name: str) -> Any:
    def resolve(parent: Any, info: GraphQLResolveInfo[Any], /, **args: Any) -> Any:
        raise biz("NOT_IMPLEMENTED", field=name)

    return resolve


def build_schema_with_resolvers(
    sdl: str, resolvers: Mapping[str, Resolver]
) -> tuple[GraphQLSchema, SchemaReport]:
    schema = build_schema(sdl)
    wired: list[str] = []
    unused: list[str] = []
    for name, fn in sorted(resolvers.items()):
        type_name, _, field_name = name.partition(".")
        gql_type = schema.get_type(type_name)
        if isinstance(gql_type, GraphQLObjectType) and field_name in gql_type.fields:
            if type_name == "Mutation":  # administrators' changes go to the audit log
                fn = audited(fn, field_name)
            gql_type.fields[field_name].resolve = _wrap(fn)
            wired.append(name)
        else:
            unused.append(name)
    missing = [
        f"{root.name}.{field}"
        for root in (schema.query_type, schema.mutation_type)
        if root is not None
        for field in root.fields
        if f"{root.name}.{field}" not in resolvers
    ]
    for name in missing:  # an error answer instead of a null for a non-null field
        type_name, _, field_name = name.partition(".")
        root = schema.get_type(type_name)
        assert isinstance(root, GraphQLObjectType)
        root.fields[field_name].resolve = _not_implemented(name)
    return schema, SchemaReport(tuple(wired), tuple(unused), tuple(sorted(missing)))
