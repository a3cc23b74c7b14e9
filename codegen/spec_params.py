"""Operation parameters: wire paths, types, defaults, validation, encryption, custom data."""

from __future__ import annotations

import keyword
from typing import Any, cast

from codegen.ir import (
    OperationDef,
    ParamDef,
)
from codegen.spec_base import (
    _PATH_PARAM,
    _PY_NAME,
    CLIENT_OPTIONS,
    PARAM_KEYS,
    VALIDATORS,
    VIEW_OPTIONS,
    LoaderState,
    _Walker,
)
from codegen.typeref import TypeRef


class ParamsMixin(LoaderState):
    """Reads an operation's parameters against its wire form."""

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
            if location not in ("path", "query", "body", "file"):
                w.error("REST parameters need in: path, query, body or file", "in")
                return None
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
        if "view" in spec:
            if spec["view"] not in VIEW_OPTIONS:
                w.error(f"must be one of {', '.join(VIEW_OPTIONS)}", "view")
            elif not param.required or ref.is_list or ref.name != "String":
                w.error("view: applies to a required String parameter", "view")
            else:
                param.view = str(spec["view"])
        if w.boolean(spec.get("unsent"), "unsent", False):
            if "value" in spec or "default" in spec or param.required:
                w.error("an unsent variable takes no value or default and is optional", "unsent")
            param.unsent, param.is_const, param.required = True, True, False
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
