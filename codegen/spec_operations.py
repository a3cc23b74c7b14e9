"""Operations: auth, docs, results, pagination, chunking, remember mode, ``missing`` lookups."""

from __future__ import annotations

import keyword
from typing import Any

from codegen import records
from codegen.ir import (
    ApiDef,
    OperationDef,
    PaginateDef,
    ReturnsDef,
)
from codegen.spec_base import (
    _PY_NAME,
    DOC_SDKS,
    GRAPHQL_KEYS,
    OP_KEYS,
    PAGINATE_KEYS,
    REST_KEYS,
    RETURNS_KEYS,
    LoaderState,
    _Walker,
    upper_snake,
)


class OperationsMixin(LoaderState):
    """Builds each operation after every type is known; resolves ``missing`` lookups."""

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
        if api.client == "authentication":
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
        with w.at("returns"):
            self._returns(w, op, spec.get("returns"))
        self._check_chunk(w, op)
        self._check_view(w, op)
        if "paginate" in spec:
            with w.at("paginate"):
                self._paginate(w, op, w.mapping(spec["paginate"], PAGINATE_KEYS))
        if "session" in spec:
            self._session(w, op, spec["session"], api)
        if "emulate" in spec:
            op.emulate = records.parse_emulate(w, spec["emulate"])
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

    def _check_view(self, w: _Walker, op: OperationDef) -> None:
        """``view:`` parameters get a default, so no required parameter may follow them."""
        seen = False
        for p in op.params:
            if p.is_const or not p.required:
                continue
            if p.view is not None:
                seen = True
            elif seen:
                w.error(
                    "a view: parameter must come after every other required one", "params", p.python
                )

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
