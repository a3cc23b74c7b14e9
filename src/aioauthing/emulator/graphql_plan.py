"""Completing plain selection sets without graphql-core's per-field machinery.

graphql-core completes every field of every object on its own (a resolve info, a path, a
resolver call, an ``is_awaitable`` check, one completion step per type wrapper): for the ~16
scalar fields of a ``user`` read that was about half of the emulator's CPU per request. The
executor here keeps graphql-core for everything that can go wrong or has behaviour (root fields
and their resolvers, arguments, variables, errors, abstract types, fragments, directives) and
completes an object whose resolved value is a plain ``dict`` through a plan made once per
(cached) document: each sub-field a dictionary lookup and, for scalars, the type's own output
coercion. Anything the plan does not cover for one value (a ``None`` where the schema says
non-null, a value the scalar refuses, a callable, a non-``dict`` object) hands that whole object
back to graphql-core, which then answers exactly as it always did; the lookups are pure, so
nothing runs twice that matters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from graphql.execution.collect_fields import FieldDetailsList
from graphql.execution.get_variable_signature import (
    GraphQLVariableSignature,
    get_variable_signature,
)
from graphql.execution.incremental.incremental_executor import IncrementalExecutor
from graphql.execution.values import VariableValues, VariableValueSource
from graphql.pyutils import Path

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

__all__ = ["Irregular", "PlannedExecutor", "Plans", "QueryPlan", "query_plan", "root_type_of"]

_INT_RANGE = range(-(2**31), 2**31)
"""GraphQL's Int is 32-bit: graphql-core refuses (as an error) anything outside."""


class Irregular(Exception):
    """This value needs graphql-core's completion (it may be an error the plan does not make)."""


def _leaf(leaf_type: GraphQLLeafType) -> Callable[[Any], Any]:
    """The output coercion of a scalar or enum; values it would refuse are irregular."""
    coerce = leaf_type.coerce_output_value
    exact: type | None = None
    if leaf_type is GraphQLString or leaf_type is GraphQLID:
        exact = str
    elif leaf_type is GraphQLBoolean:
        exact = bool
    elif leaf_type is GraphQLInt:
        exact = int

    def complete(value: Any) -> Any:
        if type(value) is exact and (exact is not int or value in _INT_RANGE):
            return value  # what coerce_output_value answers for these, without the call
        try:
            coerced = coerce(value)
        except Exception:
            raise Irregular from None
        if coerced is None:
            raise Irregular
        return coerced

    return complete


class _Field(NamedTuple):
    key: str
    name: str
    non_null: bool
    complete: Callable[[Any], Any]


class _Plan:
    """How to complete one object type's selection from a plain ``dict``."""

    __slots__ = ("fields",)

    def __init__(self, fields: list[_Field]) -> None:
        self.fields = fields

    def __call__(self, source: Any) -> dict[str, Any]:
        if type(source) is not dict:
            raise Irregular
        out: dict[str, Any] = {}
        for key, name, non_null, complete in self.fields:
            value = source.get(name)
            if value is None:
                if non_null:
                    raise Irregular
                out[key] = None
            elif callable(value):
                raise Irregular  # the default resolver would call it
            else:
                out[key] = complete(value)
        return out


def _plain_nodes(nodes: list[FieldNode]) -> list[FieldNode] | None:
    """The fields selected under ``nodes``, or ``None`` when a fragment or a directive is there
    (what they select can depend on variables: graphql-core collects those)."""
    selected: list[FieldNode] = []
    for node in nodes:
        selection_set: SelectionSetNode | None = node.selection_set
        if selection_set is None:
            return None
        for selection in selection_set.selections:
            if not isinstance(selection, FieldNode) or selection.directives:
                return None
            selected.append(selection)
    return selected


def _completer(
    output_type: GraphQLOutputType, nodes: list[FieldNode]
) -> tuple[bool, Callable[[Any], Any]] | None:
    """``(non_null, complete)`` for a value of ``output_type`` selected by ``nodes``."""
    non_null = isinstance(output_type, GraphQLNonNull)
    inner = output_type.of_type if isinstance(output_type, GraphQLNonNull) else output_type
    if isinstance(inner, GraphQLList):
        item = _completer(inner.of_type, nodes)
        if item is None:
            return None
        item_non_null, complete_item = item

        def complete_list(value: Any) -> list[Any]:
            if type(value) is not list:
                raise Irregular
            out: list[Any] = []
            for element in value:
                if element is None:
                    if item_non_null:
                        raise Irregular
                    out.append(None)
                else:
                    out.append(complete_item(element))
            return out

        return non_null, complete_list
    if isinstance(inner, GraphQLLeafType):
        return non_null, _leaf(inner)
    if isinstance(inner, GraphQLObjectType):
        plan = _build(inner, nodes)
        return None if plan is None else (non_null, plan)
    return None  # interfaces and unions: graphql-core resolves the runtime type


def _build(object_type: GraphQLObjectType, nodes: list[FieldNode]) -> _Plan | None:
    if object_type.is_type_of is not None:
        return None
    selected = _plain_nodes(nodes)
    if selected is None:
        return None
    grouped: dict[str, list[FieldNode]] = {}
    for node in selected:
        grouped.setdefault((node.alias or node.name).value, []).append(node)
    fields: list[_Field] = []
    for key, group in grouped.items():
        name = group[0].name.value
        if any(node.name.value != name or node.arguments for node in group):
            return None  # arguments (or a conflict validation let through): graphql-core
        field = object_type.fields.get(name)
        if field is None or field.resolve is not None:
            return None  # __typename and friends, or a field with its own resolver
        completer = _completer(field.type, group)
        if completer is None:
            return None
        fields.append(_Field(key, name, *completer))
    return _Plan(fields)


Plans = dict[tuple[str, tuple[int, ...]], _Plan | None]
"""Plans of one cached document, by (object type, ids of the field nodes): the nodes live as long
as the document's cache entry, and so does this dictionary."""


class PlannedExecutor(IncrementalExecutor):
    """graphql-core's executor, completing plain objects through the document's plans."""

    def __init__(self, *args: Any, plans: Plans, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans = plans

    def collect_and_execute_subfields(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if type(result) is dict:
            nodes = [details.node for details in field_details_list]
            key = (return_type.name, tuple(map(id, nodes)))
            try:
                plan = self.plans[key]
            except KeyError:
                plan = self.plans[key] = _build(return_type, nodes)
            if plan is not None:
                try:
                    return plan(result)
                except Irregular:
                    pass
        return super().collect_and_execute_subfields(
            return_type, field_details_list, path, result, position_context
        )


def root_type_of(
    schema: GraphQLSchema, operation: OperationDefinitionNode
) -> GraphQLObjectType | None:
    """Query or Mutation (subscriptions are not served)."""
    if operation.operation is OperationType.QUERY:
        return schema.query_type
    if operation.operation is OperationType.MUTATION:
        return schema.mutation_type
    return None


class QueryPlan(NamedTuple):
    """An operation of one root field whose resolver is a registered function and whose
    selection is planned: the service calls the function and completes its value itself."""

    key: str
    node: FieldNode
    field: GraphQLField
    resolve: Callable[[Any, Any, dict[str, Any]], Any]
    non_null: bool
    complete: Callable[[Any], Any]
    variables: Callable[[dict[str, Any]], VariableValues | None] | None = None
    """The operation's variables coerced without graphql-core when all are built-in scalars
    given as their exact Python type (``None``: let graphql-core coerce them, and word errors)."""


_EXACT_SCALARS = {"String": (GraphQLString, str), "ID": (GraphQLID, str), "Int": (GraphQLInt, int)}
_EXACT_SCALARS["Boolean"] = (GraphQLBoolean, bool)


def _variable_coercer(
    schema: GraphQLSchema, operation: OperationDefinitionNode
) -> Callable[[dict[str, Any]], VariableValues | None] | None:
    """What ``get_variable_values`` answers for variables of the types String, ID, Int and
    Boolean (nullable or not, no default value) given as ``str`` / ``int`` / ``bool`` or null;
    anything else (a list, an input object, a default, a missing non-null, an ID given as a
    number) is ``None`` at plan time or per call, and graphql-core coerces as before."""
    simple: list[tuple[str, type, bool, GraphQLVariableSignature]] = []
    for definition in operation.variable_definitions or ():
        type_node = definition.type
        non_null = isinstance(type_node, NonNullTypeNode)
        named = type_node.type if isinstance(type_node, NonNullTypeNode) else type_node
        if not isinstance(named, NamedTypeNode) or definition.default_value is not None:
            return None
        known = _EXACT_SCALARS.get(named.name.value)
        if known is None or schema.get_type(named.name.value) is not known[0]:
            return None
        signature = get_variable_signature(schema, definition)
        if not isinstance(signature, GraphQLVariableSignature):
            return None
        simple.append((definition.variable.name.value, known[1], non_null, signature))

    def coerce(given: dict[str, Any]) -> VariableValues | None:
        sources: dict[str, VariableValueSource] = {}
        coerced: dict[str, Any] = {}
        for name, exact, non_null, signature in simple:
            if name not in given:
                if non_null:
                    return None  # an error graphql-core words
                sources[name] = VariableValueSource(signature)
                continue
            value = given[name]
            sources[name] = VariableValueSource(signature, value)
            if value is None:
                if non_null:
                    return None
            elif type(value) is not exact or (exact is int and value not in _INT_RANGE):
                return None
            coerced[name] = value
        return VariableValues(sources, coerced)

    return coerce


def query_plan(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
) -> QueryPlan | None:
    """The plan of ``operation`` (a query or mutation of ``document``), or ``None`` when
    graphql-core runs it: several root fields, fragments, directives, an introspection field, a
    resolver that is not a registered function (mutations' are audited inside), an unplanned
    selection."""
    root_type = root_type_of(schema, operation)
    selections = operation.selection_set.selections
    if (
        root_type is None
        or operation.directives
        or len(selections) != 1
        or any(isinstance(d, FragmentDefinitionNode) for d in document.definitions)
    ):
        return None
    node = selections[0]
    if not isinstance(node, FieldNode) or node.directives:
        return None
    field = root_type.fields.get(node.name.value)
    resolve = getattr(field.resolve, "registered", None) if field is not None else None
    if field is None or resolve is None:
        return None
    completer = _completer(field.type, [node])
    if completer is None:
        return None
    key = (node.alias or node.name).value
    return QueryPlan(key, node, field, resolve, *completer, _variable_coercer(schema, operation))
