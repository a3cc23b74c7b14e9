"""Models, enums, scalars and the error table: declarations and type checks."""

from __future__ import annotations

import keyword
import re
import string
from typing import Any

from codegen import records
from codegen.ir import (
    EnumDef,
    ErrorDef,
    FieldDef,
    ModelDef,
)
from codegen.spec_base import (
    _ERROR_NAME,
    _IDENT,
    _PY_NAME,
    ERROR_KEYS,
    FIELD_KEYS,
    ROOTS,
    UDV_ROLES,
    VARIANT_KEYS,
    LoaderState,
    _Walker,
    snake_case,
)
from codegen.typeref import SCALARS, TypeRef


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
    server, default = records.parse_server(w, spec)
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
        server=server,
        default=default,
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


class ModelsMixin(LoaderState):
    """Declares scalars, enums, models, root fields and the error table; checks type references."""

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
            record=records.parse_record(w, spec["record"]) if "record" in spec else None,
            **records.parse_writes(w, spec.get("writes")),
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
                if name and not _ERROR_NAME.match(name):
                    w.error("error names are UPPER_SNAKE_CASE", "name")
                self._error_name(w, name, "name")
                variants: dict[str, str] = {}
                variants_en: dict[str, str] = {}
                with w.at("variants"):
                    for vname, vspec in w.mapping(entry.get("variants")).items():
                        with w.at(vname):
                            if not _ERROR_NAME.match(vname):
                                w.error("error names are UPPER_SNAKE_CASE")
                            self._error_name(w, vname, "")
                            ventry = w.mapping(vspec, VARIANT_KEYS)
                            text = w.text(ventry.get("message"), "message", required=True)
                            names = self._check_message(w, text)
                            variants[vname] = text
                            if ventry.get("en") is not None:
                                variants_en[vname] = w.text(ventry["en"], "en")
                                self._check_english(w, variants_en[vname], names)
                message = w.text(entry.get("message"), "message", required=True)
                names = self._check_message(w, message)
                en = w.text(entry.get("en"), "en") if entry.get("en") is not None else ""
                self._check_english(w, en, names)
                self.errors_table[code] = ErrorDef(
                    code=code,
                    name=name,
                    family=w.text(entry.get("family"), "family", required=True),
                    message=message,
                    en=en,
                    variants=variants,
                    variants_en=variants_en,
                )

    def _error_name(self, w: _Walker, name: str, key: str) -> None:
        if name in self.error_names:
            w.error(f"error name {name!r} is already used", *([key] if key else []))
        self.error_names.add(name)

    @staticmethod
    def _check_message(w: _Walker, text: str, key: str = "message") -> set[str]:
        """The placeholders of a message (``{name}``), each checked."""
        try:
            names = [f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None]
        except ValueError as exc:
            w.error(f"bad braces in {key} ({exc}); write {{{{ and }}}} for literal braces", key)
            return set()
        for name in names:
            if not _IDENT.match(name):
                w.error(f"placeholder {{{name}}} must be an identifier", key)
        return set(names)

    def _check_english(self, w: _Walker, text: str, names: set[str]) -> None:
        """An English text may only use the placeholders its message fills."""
        for extra in sorted(self._check_message(w, text, "en") - names):
            w.error(f"placeholder {{{extra}}} is not in the message", "en")

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
