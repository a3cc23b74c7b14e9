"""What every part of the spec loader shares: key sets, names, the error-collecting walker and
the loader's state (one :class:`LoaderState`, extended by one mixin per spec kind)."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from codegen.errors import SpecError
from codegen.ir import (
    ApiDef,
    EnumDef,
    ErrorDef,
    FieldDef,
    GraphQLDef,
    LocalDef,
    ModelDef,
    OperationDef,
    RestDef,
)
from codegen.typeref import TypeRef

ROOTS = ("Query", "Mutation")
VALIDATORS = ("email", "phone", "non_empty", "items_non_empty")
CLIENT_OPTIONS = ("app_id", "protocol", "redirect_uri")
"""Client options a REST parameter may default to (``client: app_id``)."""
CLIENT_AUTH_ENDPOINTS = ("token", "introspection", "revocation")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PY_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_FIELD_CALL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*$")
_ARG = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*\$([A-Za-z_][A-Za-z0-9_]*)\s*$")
_PATH_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

FILE_KEYS = {"api", "scalars", "enums", "models", "operations", "errors", "families", "local"}
LOCAL_KEYS = {"title", "docs", "call", "summary", "wire", "client"}
API_KEYS = {"client", "class", "attribute", "doc", "base"}
MODEL_KEYS = {"doc", "kind", "graphql", "fields", "record", "writes"}
ENUM_KEYS = {"doc", "values", "graphql"}
FIELD_KEYS = {
    "type", "doc", "python", "args", "select", "required", "secret", "udv", "server", "default",
}  # fmt: skip
UDV_ROLES = ("key", "type", "value", "target")
OP_KEYS = {
    "title", "docs", "summary", "description", "auth", "idempotent", "graphql", "rest",
    "params", "returns", "errors", "paginate", "internal", "notes", "session", "emulate",
}  # fmt: skip
GRAPHQL_KEYS = {"operation", "field", "include", "variables"}
REST_KEYS = {"method", "path", "response", "host", "body", "client_auth"}
PARAM_KEYS = {
    "type", "doc", "wire", "in", "required", "default", "value", "secret", "encrypt",
    "validate", "max_items", "chunk", "nullable", "choices", "client", "udv", "missing", "view",
    "unsent",
}  # fmt: skip
VIEW_OPTIONS = ("user_id", "app_id")
"""What a per-user view fills a left-out parameter with (``view: user_id``)."""
RETURNS_KEYS = {"type", "from"}
PAGINATE_KEYS = {"page", "limit", "items", "total"}
DOC_SDKS = {"go", "android", "python", "js"}
ERROR_KEYS = {"name", "family", "message", "en", "variants"}
VARIANT_KEYS = {"message", "en"}
_ERROR_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def snake_case(name: str) -> str:
    """``userPoolId`` -> ``user_pool_id``; ``lastIP`` -> ``last_ip``; keywords get a ``_``."""
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()
    return s + "_" if keyword.iskeyword(s) else s


def upper_snake(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()


class _Walker:
    """Collects errors while walking one file; :meth:`at` tracks the key path."""

    def __init__(self, file: str, errors: list[SpecError]) -> None:
        self.file = file
        self.errors = errors
        self.stack: list[str] = []

    @contextmanager
    def at(self, *keys: str) -> Iterator[None]:
        depth = len(self.stack)
        self.stack.extend(keys)
        try:
            yield
        finally:
            del self.stack[depth:]

    @property
    def path(self) -> str:
        return ".".join(self.stack)

    def error(self, problem: str, *extra: str) -> None:
        path = ".".join([*self.stack, *extra])
        self.errors.append(SpecError(self.file, path, problem))

    def mapping(
        self, value: Any, allowed: set[str] | None = None, *, int_keys: bool = False
    ) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(f"expected a mapping, got {type(value).__name__}")
            return {}
        for key in value:
            if not isinstance(key, int if int_keys else str):
                self.error(f"keys must be strings, got {key!r}")
        if allowed is not None:
            for key in sorted(set(map(str, value)) - allowed):
                self.error(f"unknown key (allowed: {', '.join(sorted(allowed))})", key)
        return cast(dict[str, Any], value)

    def text(self, value: Any, key: str, *, required: bool = False) -> str:
        if value is None:
            if required:
                self.error("is required", key)
            return ""
        if not isinstance(value, str):
            self.error(f"expected a string, got {type(value).__name__}", key)
            return ""
        return value.strip()

    def boolean(self, value: Any, key: str, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error("expected true or false", key)
            return default
        return value

    def typeref(self, value: Any, key: str) -> TypeRef | None:
        if not isinstance(value, str):
            self.error("expected a GraphQL type such as String! or [User!]", key)
            return None
        try:
            return TypeRef.parse(value)
        except ValueError as exc:
            self.error(str(exc), key)
            return None


class LoaderState:
    """The loader's state; :mod:`codegen.spec_models`, :mod:`codegen.spec_operations`,
    :mod:`codegen.spec_params` and :mod:`codegen.spec_wire` add the methods of each spec kind."""

    root: Path
    errors: list[SpecError]
    scalars: dict[str, str]
    enums: dict[str, EnumDef]
    models: dict[str, ModelDef]
    roots: dict[str, dict[str, FieldDef]]
    root_sources: dict[str, set[str]]
    raw_ops: list[tuple[_Walker, str, dict[str, Any], ApiDef | None]]
    apis: dict[str, ApiDef]
    errors_table: dict[int, ErrorDef]
    error_names: set[str]
    families: dict[str, str]
    files: list[str]
    local: list[LocalDef]
    type_sources: dict[str, str]

    if TYPE_CHECKING:  # methods one spec kind calls on another

        def _known(self, ref: TypeRef) -> bool: ...

        def _graphql(self, w: _Walker, spec: dict[str, Any]) -> GraphQLDef | None: ...

        def _rest(self, w: _Walker, spec: dict[str, Any]) -> RestDef | None: ...

        def _params(self, w: _Walker, op: OperationDef, raw: dict[str, Any]) -> None: ...

        def _wire_type(
            self, w: _Walker, variables: dict[str, TypeRef], wire: tuple[str, ...]
        ) -> TypeRef | None: ...

        def _wire_doc(self, op: OperationDef, wire: tuple[str, ...]) -> str: ...
