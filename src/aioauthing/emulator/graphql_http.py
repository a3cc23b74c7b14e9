"""``POST /graphql/v2``: parse (cached), validate, execute, and shape errors like Authing."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable
from inspect import isawaitable
from typing import Any, TypeGuard

from graphql.error import located_error
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.pyutils import is_awaitable as _is_awaitable
from graphql.utilities import get_operation_ast

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    default_field_resolver,
    execute,
    parse,
    validate,
)

from . import jsonutil
from .context import RequestContext
from .errors import AuthingBizError, error_payload
from .graphql_plan import Irregular, PlannedExecutor, Plans, QueryPlan, query_plan, root_type_of

__all__ = ["GraphQLService", "error_body"]

log = logging.getLogger("aioauthing.emulator")

_CACHE_SIZE = 1024
_MAX_TOKENS = 50_000
"""Documents with more tokens are refused before validation (bounds the work per request)."""


MAX_DEPTH = 15
"""Deepest selection nesting accepted (the SDKs' documents nest 5 deep, introspection ~12)."""
MAX_FIELDS = 2_000
"""Most field selections per document, fragments expanded (the SDKs' largest has ~65)."""
MAX_ALIASES = 100
"""Most aliased fields per document."""
MAX_INTROSPECTION = 5
"""Most ``__schema`` / ``__type`` selections per document (one full introspection is fine)."""

_PLAIN = frozenset({dict, list, str, int, float, bool, type(None)})


class _Cost:
    """Fields, aliases, introspection roots and depth of a document, fragments expanded once
    each (memoised, so a fragment spread a thousand times costs a thousand times its size)."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[str, tuple[int, int, int, int]] = {}
        self._open: set[str] = set()

    def of(self, selection_set: SelectionSetNode) -> tuple[int, int, int, int]:
        """``(fields, aliases, introspection selections, depth)`` below ``selection_set``."""
        fields = aliases = introspection = depth = 0
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                fields += 1
                aliases += sel.alias is not None
                introspection += sel.name.value in ("__schema", "__type")
                below = (0, 0, 0, 0) if sel.selection_set is None else self.of(sel.selection_set)
                inner_depth = below[3] + 1
            elif isinstance(sel, InlineFragmentNode):
                below = self.of(sel.selection_set)
                inner_depth = below[3]
            elif isinstance(sel, FragmentSpreadNode):
                below = self._fragment(sel.name.value)
                inner_depth = below[3]
            else:  # pragma: no cover - graphql-core has no other selection kinds
                continue
            fields, aliases = fields + below[0], aliases + below[1]
            introspection += below[2]
            depth = max(depth, inner_depth)
            if fields > MAX_FIELDS * 10:  # far past any limit: stop counting
                break
        return fields, aliases, introspection, depth

    def _fragment(self, name: str) -> tuple[int, int, int, int]:
        if name in self._memo:
            return self._memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self._open:  # unknown or cyclic: validation reports it
            return 0, 0, 0, 0
        self._open.add(name)
        cost = self.of(fragment.selection_set)
        self._open.discard(name)
        self._memo[name] = cost
        return cost


def _cost_error(document: DocumentNode) -> GraphQLError | None:
    """Why ``document`` is too costly to validate and run, or ``None``."""
    cost = _Cost(document)
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        try:
            fields, aliases, introspection, depth = cost.of(definition.selection_set)
        except RecursionError:
            return GraphQLError(f"document too costly: selections nested deeper than {MAX_DEPTH}")
        for what, value, limit in (
            ("nested selections", depth, MAX_DEPTH),
            ("fields", fields, MAX_FIELDS),
            ("aliases", aliases, MAX_ALIASES),
            ("introspection fields (__schema, __type)", introspection, MAX_INTROSPECTION),
        ):
            if value > limit:
                return GraphQLError(
                    f"document too costly: {value} {what}, at most {limit} per document"
                    if what != "nested selections"
                    else f"document too costly: selections nested {value} deep, at most {limit}"
                )
    return None


def _fast_is_awaitable(value: Any) -> TypeGuard[Awaitable[Any]]:
    """graphql-core asks this of every resolved value; ours are almost always plain data."""
    return type(value) not in _PLAIN and _is_awaitable(value)


def _field_resolver(source: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
    """``default_field_resolver`` with a fast path for the plain dicts the resolvers return."""
    if type(source) is dict:
        value = source.get(info.field_name)
        if not callable(value):
            return value
    return default_field_resolver(source, info, **args)


def error_body(error: str, /, **fields: Any) -> dict[str, Any]:
    """A GraphQL response carrying one error object ``{code, message, data}`` (by spec name)."""
    return {"errors": [{"message": error_payload(error, **fields)}]}


def _format_error(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    if isinstance(original, AuthingBizError):
        message = original.payload()
        extensions = {"code": "INTERNAL_SERVER_ERROR", "extension": {"name": "AuthingBizError"}}
    elif original is not None and error.path and not isinstance(original, GraphQLError):
        log.error("resolver failed", exc_info=original)
        message = error_payload("INTERNAL_ERROR")
        extensions = {"code": "INTERNAL_SERVER_ERROR", "extension": {"name": "Error"}}
    else:
        message = error_payload("GRAPHQL_INVALID", detail=error.message)
        extensions = {"code": "GRAPHQL_VALIDATION_FAILED", "extension": {"name": "GraphQLError"}}
    out: dict[str, Any] = {"message": message}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        out["path"] = list(error.path)
    out["extensions"] = extensions
    return out


_Prepared = tuple[
    DocumentNode | None, list[GraphQLError], Plans, dict[str | None, QueryPlan | None]
]
"""A document (``None`` if it cannot run), its validation errors, its completion plans, its
query plans by operation name."""


class GraphQLService:
    """Executes documents against the served schema; parsed+validated documents are cached."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self._cache: OrderedDict[str, _Prepared] = OrderedDict()

    def prepare(self, text: str) -> tuple[DocumentNode | None, list[GraphQLError]]:
        document, errors, _plans, _queries = self._prepared(text)
        return document, errors

    def _prepared(self, text: str) -> _Prepared:
        cached = self._cache.get(text)
        if cached is not None:
            self._cache.move_to_end(text)
            return cached
        try:
            document: DocumentNode | None = parse(text, max_tokens=_MAX_TOKENS)
        except GraphQLError as exc:
            entry: _Prepared = (None, [exc], {}, {})
        else:
            assert document is not None
            too_costly = _cost_error(document)
            if too_costly is not None:
                entry = (None, [too_costly], {}, {})
            else:
                entry = (document, list(validate(self.schema, document)), {}, {})
        self._cache[text] = entry
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return entry

    async def handle(self, ctx: RequestContext, raw: bytes) -> tuple[int, dict[str, Any]]:
        """HTTP status and body for a raw request body (HTTP 400 when it is not a GraphQL request)."""
        try:
            payload = jsonutil.loads(raw)
        except ValueError:
            return 400, error_body("INVALID_JSON")
        return await self.run(ctx, payload)

    async def run(self, ctx: RequestContext, payload: Any) -> tuple[int, dict[str, Any]]:
        """HTTP status and body for a decoded JSON request body."""
        if isinstance(payload, list):
            return 400, error_body("BATCH_NOT_SUPPORTED")
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return 400, error_body("QUERY_REQUIRED")
        variables = payload.get("variables")
        if variables is None:
            variables = {}
        if isinstance(variables, str):
            try:
                variables = jsonutil.loads(variables) if variables.strip() else {}
            except ValueError:
                return 400, error_body("VARIABLES_NOT_JSON")
        if not isinstance(variables, dict):
            return 400, error_body("VARIABLES_NOT_OBJECT")
        operation_name = payload.get("operationName")
        if operation_name is not None and not isinstance(operation_name, str):
            return 400, error_body("OPERATION_NAME_NOT_STRING")
        document, errors, plans, queries = self._prepared(payload["query"])
        if document is None or errors:
            return 200, {"errors": [_format_error(e) for e in errors]}
        operation = get_operation_ast(document, operation_name)
        if operation is not None and operation.operation.value == "subscription":
            return 200, error_body("SUBSCRIPTION_NOT_SUPPORTED")
        reuse: Any = None
        if operation is not None:
            try:
                planned = queries[operation_name]
            except KeyError:
                planned = queries[operation_name] = query_plan(self.schema, document, operation)
            if planned is not None:
                answer, reuse = await self._run_planned(ctx, planned, operation, variables)
                if answer is not None:
                    return 200, answer
        result = execute(
            self.schema,
            document,
            context_value=ctx,
            variable_values=variables,
            operation_name=operation_name,
            field_resolver=_field_resolver,
            is_awaitable=_fast_is_awaitable,
            executor_class=PlannedExecutor,
            plans=plans,
            middleware=reuse,
        )
        if isawaitable(result):
            result = await result
        assert isinstance(result, ExecutionResult)
        body: dict[str, Any] = {}
        if result.errors:
            body["errors"] = [_format_error(e) for e in result.errors]
        data = result.data
        if data is None and operation is not None and any(e.path for e in result.errors or ()):
            # Authing answers {"data": {"<field>": null}} even when the field is non-null.
            data = {
                (sel.alias or sel.name).value: None
                for sel in operation.selection_set.selections
                if isinstance(sel, FieldNode)
            }
        if data is not None or not result.errors:
            body["data"] = data
        return 200, body

    async def _run_planned(
        self,
        ctx: RequestContext,
        planned: QueryPlan,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
    ) -> tuple[dict[str, Any] | None, Any]:
        """The body of a planned query, or ``(None, middleware)`` for graphql-core to answer: its
        variables did not coerce (nothing ran yet), or its value needs graphql-core's completion
        (the middleware hands graphql-core the value already resolved: the resolver runs once)."""
        fast = planned.variables
        coerced = fast(variables) if fast is not None else None
        if coerced is None:
            slow = get_variable_values(
                self.schema, operation.variable_definitions or (), variables, max_errors=50
            )
            if isinstance(slow, list):
                return None, None
            coerced = slow
        key, node, field = planned.key, planned.node, planned.field
        try:
            args = get_argument_values(field, node, coerced) if field.args or node.arguments else {}
            value = planned.resolve(ctx, None, args)
            if isawaitable(value):
                value = await value
        except Exception as exc:  # what graphql-core answers for a failing root field
            return {
                "errors": [_format_error(located_error(exc, [node], [key]))],
                "data": {key: None},
            }, None
        if value is None and not planned.non_null:
            return {"data": {key: None}}, None
        if value is not None:
            try:
                return {"data": {key: planned.complete(value)}}, None
            except Irregular:
                pass
        root_type = root_type_of(self.schema, operation)

        def resolved(next_: Any, root: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
            if info.parent_type is root_type and info.path.prev is None:
                return value
            return next_(root, info, **args)

        return None, [resolved]
