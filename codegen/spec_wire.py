"""Wire forms: GraphQL field chains (variables, arguments) and REST requests."""

from __future__ import annotations

from typing import Any

from codegen.ir import (
    FieldDef,
    GraphQLDef,
    OperationDef,
    RestDef,
)
from codegen.spec_base import (
    _ARG,
    _FIELD_CALL,
    _IDENT,
    CLIENT_AUTH_ENDPOINTS,
    LoaderState,
    _Walker,
)
from codegen.typeref import TypeRef


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


class WireMixin(LoaderState):
    """Reads ``graphql`` field chains and ``rest`` requests, and the types and docs they imply."""

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
