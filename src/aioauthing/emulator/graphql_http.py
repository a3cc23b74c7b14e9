"""``POST /graphql/v2``: parse (cached), validate, execute, and shape errors like Authing."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable
from inspect import isawaitable
from typing import Any, TypeGuard

from graphql.pyutils import is_awaitable as _is_awaitable
from graphql.utilities import get_operation_ast

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    default_field_resolver,
    execute,
    parse,
    validate,
)

from . import jsonutil
from .context import RequestContext
from .errors import AuthingBizError, error_payload

__all__ = ["GraphQLService", "error_body"]

log = logging.getLogger("aioauthing.emulator")

_CACHE_SIZE = 1024
_MAX_TOKENS = 50_000
"""Documents with more tokens are refused before validation (bounds the work per request)."""


_PLAIN = frozenset({dict, list, str, int, float, bool, type(None)})


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


class GraphQLService:
    """Executes documents against the served schema; parsed+validated documents are cached."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self._cache: OrderedDict[str, tuple[DocumentNode | None, list[GraphQLError]]] = (
            OrderedDict()
        )

    def prepare(self, text: str) -> tuple[DocumentNode | None, list[GraphQLError]]:
        cached = self._cache.get(text)
        if cached is not None:
            self._cache.move_to_end(text)
            return cached
        try:
            document: DocumentNode | None = parse(text, max_tokens=_MAX_TOKENS)
        except GraphQLError as exc:
            entry: tuple[DocumentNode | None, list[GraphQLError]] = (None, [exc])
        else:
            assert document is not None
            entry = (document, list(validate(self.schema, document)))
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
        document, errors = self.prepare(payload["query"])
        if document is None or errors:
            return 200, {"errors": [_format_error(e) for e in errors]}
        operation = get_operation_ast(document, operation_name)
        if operation is not None and operation.operation.value == "subscription":
            return 200, error_body("SUBSCRIPTION_NOT_SUPPORTED")
        result = execute(
            self.schema,
            document,
            context_value=ctx,
            variable_values=variables,
            operation_name=operation_name,
            field_resolver=_field_resolver,
            is_awaitable=_fast_is_awaitable,
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
