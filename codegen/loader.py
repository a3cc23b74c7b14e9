"""Load ``spec/**/*.yaml`` into the IR, rejecting anything unknown, dangling or inconsistent.

Every problem is reported as a :class:`~codegen.errors.SpecError` naming the file and the key
path (``operations.login_by_email.params.email.wire``), so a maintainer can fix the spec without
reading this module. All problems of one pass are collected and raised together.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import yaml

from codegen.errors import SpecError, SpecErrors
from codegen.ir import (
    ApiDef,
    EnumDef,
    ErrorDef,
    FieldDef,
    GraphQLDef,
    LocalDef,
    ModelDef,
    OperationDef,
    PaginateDef,
    ParamDef,
    RestDef,
    ReturnsDef,
    Spec,
)
from codegen.typeref import SCALARS, TypeRef

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
LOCAL_KEYS = {"title", "docs", "call", "summary", "wire"}
API_KEYS = {"client", "class", "attribute", "doc", "base"}
MODEL_KEYS = {"doc", "kind", "graphql", "fields"}
ENUM_KEYS = {"doc", "values", "graphql"}
FIELD_KEYS = {"type", "doc", "python", "args", "select", "required", "secret", "udv"}
UDV_ROLES = ("key", "type", "value", "target")
OP_KEYS = {
    "title", "docs", "summary", "description", "auth", "idempotent", "graphql", "rest",
    "params", "returns", "errors", "paginate", "internal", "notes", "session",
}  # fmt: skip
GRAPHQL_KEYS = {"operation", "field", "include", "variables"}
REST_KEYS = {"method", "path", "response", "host", "body", "client_auth"}
PARAM_KEYS = {
    "type", "doc", "wire", "in", "required", "default", "value", "secret", "encrypt",
    "validate", "max_items", "chunk", "nullable", "choices", "client", "udv", "missing",
}  # fmt: skip
RETURNS_KEYS = {"type", "from"}
PAGINATE_KEYS = {"page", "limit", "items", "total"}
DOC_SDKS = {"go", "android", "python", "js"}
ERROR_KEYS = {"name", "family", "message", "en"}


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


def _field(w: _Walker, wire: str, raw: Any, *, input_model: bool) -> FieldDef | None:
    """``"String! | doc"`` or a mapping with ``type``, ``doc``, ``python``, ``args``, ``select``."""
    if not _IDENT.match(wire):
        w.error("is not a valid GraphQL field name")
        return None
    if isinstance(raw, str):
        type_text, _, doc = raw.partition("|")
        raw = {"type": type_text.strip(), "doc": doc.strip()}
    spec = w.mapping(raw, FIELD_KEYS)
    if not spec:
        return None
    ref = w.typeref(spec.get("type"), "type")
    if ref is None:
        return None
    args: dict[str, TypeRef] = {}
    with w.at("args"):
        for arg, arg_type in w.mapping(spec.get("args")).items():
            parsed = w.typeref(arg_type, arg)
            if parsed is not None:
                args[arg] = parsed
    if args and input_model:
        w.error("input fields cannot take arguments", "args")
    python = w.text(spec.get("python"), "python") or snake_case(wire)
    if not _PY_NAME.match(python) or keyword.iskeyword(python):
        w.error(f"{python!r} is not a usable Python attribute name", "python")
    select = w.boolean(spec.get("select"), "select", not args)
    if args and select:
        w.error("a field with arguments cannot be in the default selection", "select")
    required = spec.get("required")
    if required is not None and not isinstance(required, bool):
        w.error("expected true or false", "required")
        required = None
    udv = spec.get("udv", "")
    if udv and udv not in UDV_ROLES:
        w.error(f"must be one of {', '.join(UDV_ROLES)}", "udv")
        udv = ""
    if udv in ("key", "value") and (ref.name != "String" or ref.is_list):
        w.error(f"a custom data {udv} travels as a String", "udv")
    return FieldDef(
        wire=wire,
        type=ref,
        python=python,
        doc=w.text(spec.get("doc"), "doc"),
        args=args,
        select=select,
        in_python=not args,
        required=required,
        secret=w.boolean(spec.get("secret"), "secret", _looks_secret(wire, ref)),
        udv=udv,
    )


_SECRET_NAME = re.compile(r"(?:^|[a-z])(?:password|Password|token|Token|secret|Secret)$")


def _looks_secret(wire: str, ref: TypeRef) -> bool:
    """String fields named like ``password``, ``accessToken`` or ``secret`` stay out of reprs
    unless the spec says ``secret: false``."""
    return ref.name == "String" and not ref.is_list and bool(_SECRET_NAME.search(wire))


def _check_udv_roles(w: _Walker, kind: str, fields: dict[str, FieldDef]) -> None:
    """A model's ``udv`` roles: each at most once, a ``key`` with any other, and an output
    ``value`` or ``target`` needs the ``type`` it is read by."""
    roles: dict[str, str] = {}
    for wire, fdef in fields.items():
        if not fdef.udv:
            continue
        if fdef.udv in roles:
            w.error(f"udv: {fdef.udv} is already played by {roles[fdef.udv]}", wire, "udv")
        roles[fdef.udv] = wire
    if not roles:
        return
    if "key" not in roles:
        w.error("a model with udv roles needs a field with udv: key", "fields")
    if kind == "object" and "type" not in roles:
        w.error("an output model with udv roles needs a field with udv: type", "fields")
    if kind == "input" and ("type" in roles or "target" in roles):
        w.error("input models take only udv: key and udv: value", "fields")


class Loader:
    """Reads a spec directory. Use :func:`load_spec`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors: list[SpecError] = []
        self.scalars: dict[str, str] = {}
        self.enums: dict[str, EnumDef] = {}
        self.models: dict[str, ModelDef] = {}
        self.roots: dict[str, dict[str, FieldDef]] = {r: {} for r in ROOTS}
        self.root_sources: dict[str, set[str]] = {r: set() for r in ROOTS}
        self.raw_ops: list[tuple[_Walker, str, dict[str, Any], ApiDef | None]] = []
        self.apis: dict[str, ApiDef] = {}
        self.errors_table: dict[int, ErrorDef] = {}
        self.families: dict[str, str] = {}
        self.files: list[str] = []
        self.local: list[LocalDef] = []
        self.type_sources: dict[str, str] = {}

    # -- pass 1: declarations ------------------------------------------------------------
    def load(self) -> Spec:
        paths = sorted(p for p in self.root.rglob("*.yaml") if p.is_file())
        if not paths:
            raise SpecErrors([SpecError(str(self.root), "", "no *.yaml files found")])
        for path in paths:
            rel = path.relative_to(self.root).as_posix()
            self.files.append(rel)
            w = _Walker(rel, self.errors)
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                w.error(f"invalid YAML: {exc}")
                continue
            self._file(w, w.mapping(data, FILE_KEYS))
        self._check_types()
        operations = self._operations()
        if self.errors:
            raise SpecErrors(self.errors)
        return Spec(
            files=self.files,
            scalars=self.scalars,
            enums=self.enums,
            models=self.models,
            roots=self.roots,
            root_sources=self.root_sources,
            operations=operations,
            apis=self.apis,
            errors=self.errors_table,
            families=self.families,
            local=self.local,
        )

    def _declare(self, w: _Walker, name: str) -> bool:
        if not _IDENT.match(name) or not name[0].isupper():
            w.error("type names must be PascalCase identifiers")
            return False
        if name in SCALARS:
            w.error("clashes with a built-in GraphQL scalar")
            return False
        if name in self.type_sources:
            w.error(f"duplicate type name (first declared in {self.type_sources[name]})")
            return False
        self.type_sources[name] = w.file
        return True

    def _file(self, w: _Walker, data: dict[str, Any]) -> None:
        api: ApiDef | None = None
        if "api" in data:
            with w.at("api"):
                api = self._api(w, w.mapping(data["api"], API_KEYS))
        with w.at("scalars"):
            for name, doc in w.mapping(data.get("scalars")).items():
                with w.at(name):
                    if self._declare(w, name):
                        self.scalars[name] = w.text(doc, "") if doc else ""
        with w.at("enums"):
            for name, raw in w.mapping(data.get("enums")).items():
                with w.at(name):
                    self._enum(w, name, w.mapping(raw, ENUM_KEYS))
        with w.at("models"):
            for name, raw in w.mapping(data.get("models")).items():
                with w.at(name):
                    self._model(w, name, w.mapping(raw, MODEL_KEYS))
        with w.at("families"):
            for name, doc in w.mapping(data.get("families")).items():
                if not _IDENT.match(name) or not name.endswith("Error"):
                    w.error("family names are exception class names ending in 'Error'", name)
                self.families[name] = w.text(doc, name)
        with w.at("errors"):
            self._errors(w, data.get("errors"))
        with w.at("local"):
            for name, raw in w.mapping(data.get("local")).items():
                with w.at(name):
                    entry = w.mapping(raw, LOCAL_KEYS)
                    docs = {
                        sdk: [n] if isinstance(n, str) else list(n)
                        for sdk, n in w.mapping(entry.get("docs"), DOC_SDKS).items()
                    }
                    self.local.append(
                        LocalDef(
                            name=name,
                            title=w.text(entry.get("title"), "title", required=True),
                            docs=docs,
                            call=w.text(entry.get("call"), "call", required=True),
                            summary=w.text(entry.get("summary"), "summary", required=True),
                            source=w.file,
                            wire=w.text(entry.get("wire"), "wire"),
                        )
                    )
        with w.at("operations"):
            ops = w.mapping(data.get("operations"))
            if ops and api is None:
                w.error("a file with operations needs an 'api' section naming the class they join")
            for name, raw in ops.items():
                self.raw_ops.append((_Walker(w.file, self.errors), name, raw, api))

    def _api(self, w: _Walker, spec: dict[str, Any]) -> ApiDef | None:
        client = w.text(spec.get("client"), "client", required=True)
        if client not in ("authentication", "management"):
            w.error("must be 'authentication' or 'management'", "client")
            return None
        name = w.text(spec.get("class"), "class", required=True)
        attribute = w.text(spec.get("attribute"), "attribute") or None
        doc = w.text(spec.get("doc"), "doc")
        base = w.text(spec.get("base"), "base") or None
        if base is not None and not re.match(r"^[a-z_][a-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*$", base):
            w.error("write it as package.module:ClassName (a subclass of ApiBase)", "base")
            base = None
        if not name or not _IDENT.match(name):
            w.error("must be a Python class name", "class")
            return None
        if client == "management" and not attribute:
            w.error("management APIs need the client attribute they are reached by", "attribute")
        if attribute and not _PY_NAME.match(attribute):
            w.error("must be a lower-case Python name", "attribute")
        existing = self.apis.get(name)
        if existing is not None:
            if (existing.client, existing.attribute) != (client, attribute):
                w.error(f"class {name} is declared differently in {existing.sources[0]}", "class")
            existing.sources.append(w.file)
            existing.doc = existing.doc or doc
            return existing
        module = snake_case(name.removesuffix("Api").removesuffix("Apis"))
        api = ApiDef(name, client, attribute, doc, module, [w.file], base=base)  # type: ignore[arg-type]
        self.apis[name] = api
        return api

    def _enum(self, w: _Walker, name: str, spec: dict[str, Any]) -> None:
        if not self._declare(w, name):
            return
        raw_values = spec.get("values")
        values: dict[str, str] = {}
        if isinstance(raw_values, list):
            values = {str(v): "" for v in raw_values}
        elif isinstance(raw_values, dict):
            values = {str(k): str(v or "") for k, v in raw_values.items()}
        else:
            w.error("expected a list or mapping of values", "values")
        for value in values:
            if not _IDENT.match(value):
                w.error("enum values must be GraphQL names", "values", value)
        if not values:
            w.error("an enum needs at least one value", "values")
        self.enums[name] = EnumDef(
            name,
            w.text(spec.get("doc"), "doc", required=True),
            values,
            w.file,
            w.boolean(spec.get("graphql"), "graphql", True),
        )

    def _model(self, w: _Walker, name: str, spec: dict[str, Any]) -> None:
        fields_raw = spec.get("fields")
        if name in ROOTS:
            self.root_sources[name].add(w.file)
            with w.at("fields"):
                for wire, raw in w.mapping(fields_raw).items():
                    with w.at(wire):
                        if wire in self.roots[name]:
                            w.error(f"{name}.{wire} is declared twice")
                            continue
                        fdef = _field(w, wire, raw, input_model=False)
                        if fdef is not None:
                            fdef.select = False
                            self.roots[name][wire] = fdef
            return
        if not self._declare(w, name):
            return
        kind = spec.get("kind", "object")
        if kind not in ("object", "input"):
            w.error("must be 'object' or 'input'", "kind")
            kind = "object"
        fields: dict[str, FieldDef] = {}
        with w.at("fields"):
            mapping = w.mapping(fields_raw)
            if not mapping:
                w.error("a model needs at least one field")
            python_names: dict[str, str] = {}
            for wire, raw in mapping.items():
                with w.at(wire):
                    fdef = _field(w, wire, raw, input_model=kind == "input")
                    if fdef is None:
                        continue
                    if fdef.python in python_names:
                        w.error(
                            f"Python name {fdef.python!r} also used by {python_names[fdef.python]}"
                        )
                    python_names[fdef.python] = wire
                    fields[wire] = fdef
        _check_udv_roles(w, kind, fields)
        self.models[name] = ModelDef(
            name=name,
            kind=kind,
            doc=w.text(spec.get("doc"), "doc", required=True),
            fields=fields,
            graphql=w.boolean(spec.get("graphql"), "graphql", True),
            source=w.file,
        )

    def _errors(self, w: _Walker, raw: Any) -> None:
        for code, spec in w.mapping(raw, int_keys=True).items():
            with w.at(str(code)):
                if not isinstance(code, int):
                    w.error("error codes are integers")
                    continue
                if code in self.errors_table:
                    w.error("duplicate error code")
                    continue
                entry = w.mapping(spec, ERROR_KEYS)
                name = w.text(entry.get("name"), "name", required=True)
                if name and not re.match(r"^[A-Z][A-Z0-9_]*$", name):
                    w.error("error names are UPPER_SNAKE_CASE", "name")
                self.errors_table[code] = ErrorDef(
                    code=code,
                    name=name,
                    family=w.text(entry.get("family"), "family", required=True),
                    message=w.text(entry.get("message"), "message", required=True),
                    en=w.text(entry.get("en"), "en") if entry.get("en") is not None else "",
                )

    # -- pass 2: references between types -----------------------------------------------
    def _known(self, ref: TypeRef) -> bool:
        return (
            ref.name in SCALARS
            or ref.name in self.scalars
            or ref.name in self.enums
            or ref.name in self.models
        )

    def _check_types(self) -> None:
        for code, err in self.errors_table.items():
            if err.family and err.family not in self.families:
                w = _Walker("errors", self.errors)
                w.error(f"unknown family {err.family!r}", str(code), "family")
        for model in self.models.values():
            w = _Walker(model.source, self.errors)
            for fdef in model.fields.values():
                with w.at("models", model.name, "fields", fdef.wire):
                    self._check_field_type(w, fdef, model.kind, model.graphql)
        for root, fields in self.roots.items():
            for fdef in fields.values():
                w = _Walker(", ".join(sorted(self.root_sources[root])), self.errors)
                with w.at("models", root, "fields", fdef.wire):
                    self._check_field_type(w, fdef, "object", True)

    def _check_field_type(self, w: _Walker, fdef: FieldDef, kind: str, graphql: bool) -> None:
        if not self._known(fdef.type):
            w.error(f"unknown type {fdef.type.name!r}", "type")
            return
        target = self.models.get(fdef.type.name)
        if target is not None:
            if kind == "input" and target.kind != "input":
                w.error(
                    f"input fields must use input types, {target.name} is an object type", "type"
                )
            if kind == "object" and target.kind == "input":
                w.error(f"object fields cannot use input type {target.name}", "type")
            if graphql and not target.graphql:
                w.error(
                    f"{target.name} is REST-only (graphql: false) and cannot appear in the schema",
                    "type",
                )
        for arg, ref in fdef.args.items():
            if not self._known(ref):
                w.error(f"unknown type {ref.name!r}", "args", arg)
            elif ref.name in self.models and self.models[ref.name].kind != "input":
                w.error(
                    f"arguments must use input types, {ref.name} is an object type", "args", arg
                )

    # -- pass 3: operations --------------------------------------------------------------
    def _operations(self) -> list[OperationDef]:
        result: list[OperationDef] = []
        seen: dict[str, str] = {}
        for w, name, raw, api in self.raw_ops:
            with w.at("operations", name):
                if not _PY_NAME.match(name) or keyword.iskeyword(name):
                    w.error("operation names are lower_snake_case Python names")
                    continue
                if api is None:
                    continue
                key = f"{api.name}.{name}"
                if key in seen:
                    w.error(f"duplicate operation in {api.name} (also in {seen[key]})")
                    continue
                seen[key] = w.file
                op = self._operation(w, name, w.mapping(raw, OP_KEYS), api)
                if op is not None:
                    result.append(op)
                    if not op.internal:
                        api.operations.append(op)
        consts: dict[str, str] = {}
        for op in result:
            if op.const_name in consts:
                w = _Walker(op.source, self.errors)
                w.error(
                    f"descriptor name {op.const_name} clashes with {consts[op.const_name]}",
                    "operations",
                    op.name,
                )
            consts[op.const_name] = op.name
        self._resolve_missing(result)
        return result

    def _resolve_missing(self, operations: list[OperationDef]) -> None:
        """``missing: group.method``: the lookup must be a GraphQL batch read of models with ids."""
        by_call = {op.sdk_name: op for op in operations}
        for op in operations:
            for p in op.params:
                if not p.missing_lookup:
                    continue
                w = _Walker(op.source, self.errors)
                where = ("operations", op.name, "params", p.python, "missing")
                lookup = by_call.get(p.missing_lookup)
                if lookup is None or lookup.graphql is None:
                    w.error(f"{p.missing_lookup!r} is not a GraphQL operation of the spec", *where)
                    continue
                lists = [
                    q for q in lookup.params if q.required and q.type.is_list and not q.is_const
                ]
                ref = lookup.returns.type
                if not lists or ref is None or not ref.is_list or ref.name not in self.models:
                    w.error(
                        f"{p.missing_lookup} must take a list and return a list of models", *where
                    )
                    continue
                if "id" not in self.models[ref.name].fields:
                    w.error(f"{ref.name} has no id field to match", *where)
                    continue
                p.missing_op = lookup.const_name
                p.missing_wire = lists[0].wire[0]
                p.missing_chunk = lists[0].chunk or lists[0].max_items or 80

    def _operation(
        self, w: _Walker, name: str, spec: dict[str, Any], api: ApiDef
    ) -> OperationDef | None:
        auth = w.text(spec.get("auth"), "auth", required=True)
        if auth not in ("none", "user", "management", "client"):
            w.error("must be one of none, user, management, client", "auth")
            return None
        internal = w.boolean(spec.get("internal"), "internal", False)
        if api.client == "management" and auth != "management" and not internal:
            w.error("management APIs only hold operations with auth: management", "auth")
        if api.client == "authentication" and auth == "management":
            w.error("authentication APIs cannot use the management token", "auth")
        if "idempotent" not in spec:
            w.error("is required (true when sending the call twice is harmless)", "idempotent")
        docs: dict[str, list[str]] = {}
        with w.at("docs"):
            for sdk, names in w.mapping(spec.get("docs"), DOC_SDKS).items():
                docs[sdk] = [names] if isinstance(names, str) else [str(n) for n in names or []]
        if not internal and not w.text(spec.get("summary"), "summary"):
            w.error("is required: one line saying what the call does", "summary")
        has_gql, has_rest = "graphql" in spec, "rest" in spec
        if has_gql == has_rest:
            w.error("exactly one of 'graphql' or 'rest' is required")
            return None
        if api.client == "authentication" and not api.attribute:
            api_class = "UserApis" if auth == "user" else "AuthenticationApis"
        else:
            api_class = api.name
        prefix = api.attribute or ""
        op = OperationDef(
            name=name,
            title=w.text(spec.get("title"), "title", required=not internal),
            docs=docs,
            summary=w.text(spec.get("summary"), "summary"),
            description=w.text(spec.get("description"), "description"),
            auth=auth,  # type: ignore[arg-type]
            idempotent=w.boolean(spec.get("idempotent"), "idempotent", False),
            params=[],
            returns=ReturnsDef(None, "result"),
            errors=[],
            source=w.file,
            api_class=api_class,
            const_name=upper_snake(f"{prefix}_{name}" if prefix and not internal else name),
            sdk_name=f"{prefix}.{name}" if prefix else name,
            internal=internal,
            notes=w.text(spec.get("notes"), "notes"),
        )
        with w.at("errors"):
            codes = spec.get("errors") or []
            if not isinstance(codes, list):
                w.error("expected a list of Authing error codes")
                codes = []
            for code in codes:
                if code not in self.errors_table:
                    w.error(f"error code {code!r} is not in the error table (spec/errors.yaml)")
                else:
                    op.errors.append(code)
        if has_gql:
            with w.at("graphql"):
                op.graphql = self._graphql(w, w.mapping(spec["graphql"], GRAPHQL_KEYS))
        else:
            with w.at("rest"):
                op.rest = self._rest(w, w.mapping(spec["rest"], REST_KEYS))
        if op.graphql is None and op.rest is None:
            return None  # the wire form is unreadable; its problem is already reported
        if auth == "client":
            if op.rest is None:
                w.error("auth: client is for REST (OAuth 2.0) endpoints", "auth")
            elif op.rest.client_auth is None or op.rest.body != "form":
                w.error(
                    "auth: client needs rest.client_auth (token, introspection or revocation)"
                    " and rest.body: form",
                    "auth",
                )
        elif op.rest is not None and op.rest.client_auth is not None:
            w.error("only operations with auth: client take client_auth", "rest", "client_auth")
        with w.at("params"):
            self._params(w, op, w.mapping(spec.get("params")))
        if op.api_class == "UserApis" and any(
            p.location == "bearer" and p.required for p in op.params
        ):
            op.api_class = "AuthenticationApis"  # the call is given its token: not a view method
        with w.at("returns"):
            self._returns(w, op, spec.get("returns"))
        self._check_chunk(w, op)
        if "paginate" in spec:
            with w.at("paginate"):
                self._paginate(w, op, w.mapping(spec["paginate"], PAGINATE_KEYS))
        if "session" in spec:
            self._session(w, op, spec["session"], api)
        return op

    def _session(self, w: _Walker, op: OperationDef, value: Any, api: ApiDef) -> None:
        """``session``: how the operation changes the remembered user (remember mode)."""
        if value not in ("login", "renew", "end"):
            w.error("must be login, renew or end", "session")
            return
        if api.client != "authentication":
            w.error("only authentication operations change the remembered user", "session")
            return
        wanted = "none" if value == "login" else "user"
        given = any(p.location == "bearer" and p.required for p in op.params)
        if value == "login" and given:
            wanted = "user"  # finishing a login with a token it was given (an MFA token)
        if op.auth != wanted:
            w.error(f"session: {value} needs auth: {wanted}", "session")
            return
        ref = op.returns.type
        model = self.models.get(ref.name) if ref is not None else None
        if value != "end" and (
            model is None or ref is None or ref.is_list or "token" not in model.fields
        ):
            w.error(f"session: {value} needs a result model with a token field", "session")
            return
        op.session = value

    def _graphql(self, w: _Walker, spec: dict[str, Any]) -> GraphQLDef | None:
        header = w.text(spec.get("operation"), "operation", required=True).split()
        if (
            len(header) != 2
            or header[0] not in ("query", "mutation")
            or not _IDENT.match(header[1])
        ):
            w.error("write it as 'query name' or 'mutation name'", "operation")
            return None
        op_type, op_name = header
        root = "Query" if op_type == "query" else "Mutation"
        chain = w.text(spec.get("field"), "field", required=True)
        path: list[tuple[str, dict[str, str]]] = []
        variables: dict[str, TypeRef] = {}
        owner: dict[str, FieldDef] = self.roots[root]
        owner_name = root
        result: TypeRef | None = None
        for part in _split_chain(chain):
            m = _FIELD_CALL.match(part)
            if not m:
                w.error(
                    f"cannot read field call {part!r}; write it as name(arg: $var, ...)", "field"
                )
                return None
            fname, arg_text = m.group(1), m.group(2)
            fdef = owner.get(fname)
            if fdef is None:
                w.error(f"{owner_name} has no field {fname!r}", "field")
                return None
            bindings: dict[str, str] = {}
            for arg_part in filter(None, (a.strip() for a in (arg_text or "").split(","))):
                am = _ARG.match(arg_part)
                if not am:
                    w.error(
                        f"cannot read argument {arg_part!r}; write it as arg: $variable", "field"
                    )
                    return None
                arg, var = am.group(1), am.group(2)
                if arg not in fdef.args:
                    w.error(f"{owner_name}.{fname} has no argument {arg!r}", "field")
                    return None
                arg_type = fdef.args[arg]
                if var in variables and variables[var] != arg_type:
                    w.error(f"variable ${var} is used with two types", "field")
                variables[var] = arg_type
                bindings[arg] = var
            for arg, ref in fdef.args.items():
                if ref.non_null and arg not in bindings:
                    w.error(f"required argument {owner_name}.{fname}({arg}) is not bound", "field")
            path.append((fname, bindings))
            result = fdef.type
            target = self.models.get(fdef.type.name)
            owner = target.fields if target else {}
            owner_name = fdef.type.name
        with w.at("variables"):
            for var, text in w.mapping(spec.get("variables")).items():
                if var not in variables:
                    w.error("overrides the type of a variable the field call does not use", var)
                    continue
                override = w.typeref(text, var)
                if override is not None:
                    variables[var] = override
        include = spec.get("include") or []
        if not isinstance(include, list):
            w.error("expected a list of field names", "include")
            include = []
        gql = GraphQLDef(op_type, op_name, path, variables, tuple(map(str, include)), result=result)  # type: ignore[arg-type]
        if result is not None and result.name in self.models:
            for inc in gql.include:
                model = self.models[result.name]
                *outer, last = inc.split(".")
                for part in outer:
                    fdef = model.fields.get(part)
                    inner = self.models.get(fdef.type.name) if fdef else None
                    if inner is None:
                        w.error(f"{model.name} has no object field {part!r}", "include")
                        break
                    model = inner
                else:
                    if last not in model.fields:
                        w.error(f"{model.name} has no field {last!r}", "include")
        elif gql.include:
            w.error("include only applies when the result is an object type", "include")
        return gql

    def _rest(self, w: _Walker, spec: dict[str, Any]) -> RestDef | None:
        method = w.text(spec.get("method"), "method", required=True).upper()
        if method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            w.error("must be GET, POST, PUT, PATCH or DELETE", "method")
            return None
        path = w.text(spec.get("path"), "path", required=True)
        if not path.startswith("/"):
            w.error("must start with '/'", "path")
        response = spec.get("response", "envelope")
        if response not in ("envelope", "json", "text"):
            w.error("must be envelope, json or text", "response")
            response = "envelope"
        host = spec.get("host", "api")
        if host not in ("api", "websocket"):
            w.error("must be api or websocket", "host")
            host = "api"
        body = spec.get("body", "json")
        if body not in ("json", "form"):
            w.error("must be json or form", "body")
            body = "json"
        elif body == "form" and method not in ("POST", "PUT", "PATCH"):
            w.error(f"a {method} request carries no body", "body")
        client_auth = spec.get("client_auth")
        if client_auth is not None and client_auth not in CLIENT_AUTH_ENDPOINTS:
            w.error(f"must be one of {', '.join(CLIENT_AUTH_ENDPOINTS)}", "client_auth")
            client_auth = None
        return RestDef(method, path, response, host, body, client_auth)

    def _params(self, w: _Walker, op: OperationDef, raw: dict[str, Any]) -> None:
        used_vars: set[str] = set()
        for pname, pspec_raw in raw.items():
            with w.at(pname):
                if not _PY_NAME.match(pname) or keyword.iskeyword(pname):
                    w.error("parameter names are lower_snake_case Python names")
                    continue
                pspec = w.mapping(pspec_raw, PARAM_KEYS)
                param = self._param(w, op, pname, pspec)
                if param is None:
                    continue
                if param.location == "variable":
                    used_vars.add(param.wire[0])
                op.params.append(param)
        if op.graphql is not None:
            for var in op.graphql.variables:
                if var not in used_vars:
                    w.error(
                        f"variable ${var} of the field call has no parameter (add one with wire: {var})"
                    )
        if op.rest is not None:
            path_params = {p.wire[0] for p in op.params if p.location == "path"}
            for placeholder in _PATH_PARAM.findall(op.rest.path):
                if placeholder not in path_params:
                    w.error(f"path placeholder {{{placeholder}}} has no parameter with in: path")
            for p in op.params:
                if p.location == "path" and "{" + p.wire[0] + "}" not in op.rest.path:
                    w.error(
                        f"the path {op.rest.path!r} has no placeholder {{{p.wire[0]}}}", p.python
                    )
            if op.rest.method == "GET" and any(p.location in ("body", "file") for p in op.params):
                w.error("a GET request carries no body; use in: query")
        names = {p.python for p in op.params if not p.is_const}
        for p in op.params:
            if p.missing_match is not None:
                if p.missing_match not in names:
                    w.error(
                        f"{p.missing_match!r} is not a parameter of {op.name}", p.python, "missing"
                    )
                if "strict" in names:
                    w.error(
                        "missing: {match} adds a strict parameter; one exists", p.python, "missing"
                    )
        for p in op.params:
            if p.udv_key not in (None, "map") and p.udv_key not in names:
                w.error(f"udv: {p.udv_key!r} is not a parameter of {op.name}", p.python, "udv")
        # Required parameters first: the generated signature lists them positionally.
        seen_optional = False
        for p in op.params:
            if p.is_const:
                continue
            if p.required and seen_optional:
                w.error("required parameters must come before optional ones", p.python)
            seen_optional = seen_optional or not p.required

    def _param(
        self, w: _Walker, op: OperationDef, pname: str, spec: dict[str, Any]
    ) -> ParamDef | None:
        wire_text = w.text(spec.get("wire"), "wire")
        declared = None
        if "type" in spec:
            declared = w.typeref(spec["type"], "type")
        location = spec.get("in")
        if op.graphql is not None:
            if location not in (None, "variable"):
                w.error("GraphQL parameters are variables; drop 'in'", "in")
            location = "variable"
            wire = tuple((wire_text or pname).split("."))
            ref = self._wire_type(w, op.graphql.variables, wire)
            if ref is None:
                return None
            if declared is not None and declared.name != ref.name:
                w.error(f"declared type {declared} does not match the wire type {ref}", "type")
        else:
            if location not in ("path", "query", "body", "file", "bearer"):
                w.error("REST parameters need in: path, query, body, file or bearer", "in")
                return None
            if location == "bearer" and op.auth != "user":
                w.error("in: bearer (the token sent for this call) needs auth: user", "in")
            wire = tuple((wire_text or pname).split("."))
            if declared is None:
                w.error("REST parameters need a type (GraphQL syntax, e.g. String!)", "type")
                return None
            if not self._known(declared):
                w.error(f"unknown type {declared.name!r}", "type")
                return None
            ref = declared
        secret = w.boolean(spec.get("secret"), "secret", False)
        encrypt_raw = spec.get("encrypt")
        encrypt, encrypt_fields = False, cast(tuple[str, ...], ())
        if encrypt_raw == "rsa":
            encrypt = True
            if ref.name != "String" or ref.is_list:
                w.error("encrypt: rsa applies to string parameters", "encrypt")
        elif isinstance(encrypt_raw, list):
            model = self.models.get(ref.name)
            if model is None or model.kind != "input":
                w.error("a list of fields to encrypt needs an input-model parameter", "encrypt")
            else:
                for f in encrypt_raw:
                    if f not in model.fields:
                        w.error(f"{model.name} has no field {f!r}", "encrypt")
            encrypt_fields = tuple(map(str, encrypt_raw))
        elif encrypt_raw is not None:
            w.error("must be 'rsa' or a list of input-model fields to encrypt", "encrypt")
        validate_raw = spec.get("validate") or []
        validate = (validate_raw,) if isinstance(validate_raw, str) else tuple(validate_raw)
        for v in validate:
            if v not in VALIDATORS:
                w.error(f"unknown validator {v!r} (known: {', '.join(VALIDATORS)})", "validate")
        max_items = spec.get("max_items")
        if max_items is not None and (not isinstance(max_items, int) or not ref.is_list):
            w.error("max_items takes an integer and applies to list parameters", "max_items")
        choices = self._choices(w, spec, ref)
        chunk = spec.get("chunk")
        if chunk is not None:
            if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
                w.error("chunk takes a positive integer (the most items per request)", "chunk")
            elif not ref.is_list:
                w.error("chunk applies to list parameters", "chunk")
            elif max_items is not None:
                w.error("chunk splits long lists itself; drop max_items", "chunk")
        udv_key = spec.get("udv")
        if udv_key is not None:
            if ref.name != "String" or ref.is_list:
                w.error("udv applies to a String parameter (the value's wire form)", "udv")
            elif not isinstance(udv_key, str):
                w.error("udv names the parameter holding the field key", "udv")
        missing_lookup, missing_match = "", None
        missing = spec.get("missing")
        if missing is not None:
            if not ref.is_list or ref.name != "String":
                w.error("missing applies to a list of ids or identifiers ([String])", "missing")
            elif isinstance(missing, str):
                missing_lookup = missing
                if op.graphql is None:
                    w.error("missing: <lookup> needs a GraphQL operation", "missing")
            elif isinstance(missing, dict) and set(missing) == {"match"}:
                missing_match = str(missing["match"])
            else:
                w.error(
                    "must be a lookup call (users.batch_get) or {match: <parameter>}", "missing"
                )
        required_default = ref.non_null
        required = w.boolean(spec.get("required"), "required", required_default)
        param = ParamDef(
            python=pname,
            type=ref,
            doc=w.text(spec.get("doc"), "doc") or self._wire_doc(op, wire),
            location=location,  # type: ignore[arg-type]
            wire=wire,
            required=required,
            secret=secret or encrypt,
            encrypt=encrypt,
            encrypt_fields=encrypt_fields,
            validate=validate,
            max_items=max_items,
            chunk=chunk if isinstance(chunk, int) and not isinstance(chunk, bool) else None,
            nullable=w.boolean(spec.get("nullable"), "nullable", False),
            choices=choices,
            udv_key=udv_key if isinstance(udv_key, str) else None,
            missing_lookup=missing_lookup,
            missing_match=missing_match,
        )
        if choices and "default" in spec and spec["default"] not in choices:
            w.error(f"the default {spec['default']!r} is not one of the choices", "default")
        if "default" in spec:
            param.default, param.has_default, param.required = spec["default"], True, False
        if "client" in spec:
            option = spec["client"]
            if op.rest is None or location not in ("path", "query", "body"):
                w.error("client: applies to REST path, query or body parameters", "client")
            elif option not in CLIENT_OPTIONS:
                w.error(f"must be one of {', '.join(CLIENT_OPTIONS)}", "client")
            elif "default" in spec or "value" in spec:
                w.error("a parameter defaulting to a client option takes no default or value")
            param.client, param.required = str(option), False
        if "value" in spec:
            param.const, param.is_const, param.required = spec["value"], True, False
            if ref.name in self.enums and spec["value"] not in self.enums[ref.name].values:
                w.error(f"{spec['value']!r} is not a value of {ref.name}", "value")
        if not param.doc and not param.is_const:
            w.error("needs a doc line (none on the wire field either)", "doc")
        return param

    def _choices(self, w: _Walker, spec: dict[str, Any], ref: TypeRef) -> tuple[Any, ...]:
        """The ``choices`` key: the accepted values of a scalar parameter (checked before sending)."""
        raw = spec.get("choices")
        if raw is None:
            return ()
        if ref.name in self.enums:
            w.error("enum parameters are already checked against their values", "choices")
            return ()
        if ref.is_list or ref.name not in ("String", "Int", "Float"):
            w.error("choices apply to String, Int and Float parameters", "choices")
            return ()
        python_types: dict[str, tuple[type, ...]] = {
            "String": (str,),
            "Int": (int,),
            "Float": (int, float),
        }
        python_type = python_types[ref.name]
        if (
            not isinstance(raw, list)
            or not raw
            or any(isinstance(c, bool) or not isinstance(c, python_type) for c in raw)
        ):
            w.error(f"choices must be a non-empty list of {ref.name} values", "choices")
            return ()
        if len(set(raw)) != len(raw):
            w.error("choices must not repeat a value", "choices")
        if "value" in spec:
            w.error("a constant parameter (value) takes no choices", "choices")
        return tuple(raw)

    def _wire_type(
        self, w: _Walker, variables: dict[str, TypeRef], wire: tuple[str, ...]
    ) -> TypeRef | None:
        var = wire[0]
        if var not in variables:
            w.error(
                f"the field call declares no variable ${var} (known: {', '.join(sorted(variables)) or 'none'})",
                "wire",
            )
            return None
        ref = variables[var]
        for part in wire[1:]:
            model = self.models.get(ref.name)
            if model is None or model.kind != "input" or ref.is_list:
                w.error(f"{ref} is not an input object, cannot select {part!r}", "wire")
                return None
            fdef = model.fields.get(part)
            if fdef is None:
                w.error(f"input {model.name} has no field {part!r}", "wire")
                return None
            ref = fdef.type
        return ref

    def _wire_doc(self, op: OperationDef, wire: tuple[str, ...]) -> str:
        if op.graphql is None or len(wire) < 2:
            return ""
        ref = op.graphql.variables.get(wire[0])
        for part in wire[1:]:
            model = self.models.get(ref.name) if ref else None
            fdef = model.fields.get(part) if model else None
            if fdef is None:
                return ""
            if part == wire[-1]:
                return fdef.doc
            ref = fdef.type
        return ""

    def _returns(self, w: _Walker, op: OperationDef, raw: Any) -> None:
        if op.graphql is not None:
            if raw is not None:
                w.error("GraphQL results come from the schema field's type; remove 'returns'")
            op.returns = ReturnsDef(op.graphql.result, "result")
            return
        assert op.rest is not None
        default_source = "data" if op.rest.response == "envelope" else "body"
        if raw is None:
            op.returns = ReturnsDef(None, default_source)  # type: ignore[arg-type]
            return
        spec = w.mapping({"type": raw} if isinstance(raw, str) else raw, RETURNS_KEYS)
        source = spec.get("from", default_source)
        if source not in ("data", "envelope", "body"):
            w.error("must be data, envelope or body", "from")
            return
        if source in ("data", "envelope") and op.rest.response != "envelope":
            w.error(f"from: {source} needs response: envelope", "from")
        ref = None
        if "type" in spec:
            ref = w.typeref(spec["type"], "type")
            if ref is not None and not self._known(ref):
                w.error(f"unknown type {ref.name!r}", "type")
        if source == "envelope" and ref is not None and ref.name != "CommonMessage":
            w.error(
                "from: envelope returns the envelope's code and message as CommonMessage", "type"
            )
        op.returns = ReturnsDef(ref, source)

    def _check_chunk(self, w: _Walker, op: OperationDef) -> None:
        """``chunk``: one list parameter per operation, and a list result to concatenate."""
        chunked = [p for p in op.params if p.chunk is not None]
        ref = op.returns.type
        for p in chunked[1:]:
            w.error("only one parameter per operation may be chunked", "params", p.python, "chunk")
        if chunked and (ref is None or not ref.is_list or op.returns.source == "envelope"):
            w.error(
                "a chunked operation must return a list (the chunks' results are concatenated)",
                "params",
                chunked[0].python,
                "chunk",
            )

    def _paginate(self, w: _Walker, op: OperationDef, spec: dict[str, Any]) -> None:
        pag = PaginateDef(
            page=w.text(spec.get("page"), "page") or "page",
            limit=w.text(spec.get("limit"), "limit") or "limit",
            items=w.text(spec.get("items"), "items") or "list",
            total=w.text(spec.get("total"), "total") or "total_count",
        )
        names = {p.python for p in op.params}
        for key in ("page", "limit"):
            if getattr(pag, key) not in names:
                w.error(f"no parameter {getattr(pag, key)!r} to page with", key)
        ref = op.returns.type
        model = self.models.get(ref.name) if ref else None
        if model is None:
            w.error("a paginated operation must return a page model")
        else:
            python_fields = {f.python for f in model.fields.values()}
            for key in ("items", "total"):
                if getattr(pag, key) not in python_fields:
                    w.error(f"{model.name} has no attribute {getattr(pag, key)!r}", key)
        op.paginate = pag


def _split_chain(chain: str) -> list[str]:
    """Split ``user(id: $id).roles(namespace: $ns)`` on dots outside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in chain:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "." and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def load_spec(root: Path) -> Spec:
    """Load and validate every YAML file under ``root``; raise :class:`SpecErrors` on problems."""
    return Loader(root).load()
