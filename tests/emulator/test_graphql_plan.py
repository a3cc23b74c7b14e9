"""The planned executor answers exactly what graphql-core's own executor answers: data, errors
(message, path), null propagation, for values the plan covers and values it hands back."""

from __future__ import annotations

from typing import Any

import pytest
from graphql.execution.incremental.incremental_executor import IncrementalExecutor

from aioauthing.emulator import graphql_http
from aioauthing.emulator.errors import AuthingBizError
from aioauthing.emulator.graphql_http import GraphQLService
from aioauthing.emulator.graphql_plan import PlannedExecutor, Plans
from aioauthing.emulator.schema import build_schema_with_resolvers
from graphql import build_schema, execute, parse

SDL = """
enum Color { RED GREEN }
type Tag { name: String! weight: Int }
type Thing {
  id: ID!
  name: String
  count: Int
  ratio: Float
  ok: Boolean
  color: Color
  tags: [Tag!]
  maybeTags: [Tag]
  scores: [Int!]!
  inner: Thing
}
type Query { thing(pick: String): Thing  things: [Thing!]! }
"""

DOCUMENTS = [
    "{ thing { id name count ratio ok color } }",
    "{ thing { id alias: name name tags { name weight } scores inner { id inner { name } } } }",
    "{ thing { id maybeTags { name } } }",
    "{ things { id count } }",
    "query($p: String) { thing(pick: $p) { id ... on Thing { name } } }",
    "query($s: Boolean!) { thing { id name @include(if: $s) } }",
    "{ thing { __typename id } }",
]

REGULAR = {
    "id": "t1",
    "name": "one",
    "count": 3,
    "ratio": 0.5,
    "ok": True,
    "color": "RED",
    "tags": [{"name": "a", "weight": 1}, {"name": "b", "weight": None}],
    "maybeTags": [{"name": "x"}, None],
    "scores": [1, 2],
    "inner": {"id": "t2", "inner": {"name": "deep"}},
}

IRREGULAR = [
    {**REGULAR, "id": None},  # non-null field null: propagates to `thing`
    {**REGULAR, "count": 2**31},  # outside GraphQL's Int
    {**REGULAR, "count": "seven"},  # not an Int at all
    {**REGULAR, "tags": [{"name": None}]},  # non-null inside a list item
    {**REGULAR, "scores": [1, None]},  # null item of [Int!]!
    {**REGULAR, "scores": (1, 2)},  # a tuple: iterable, not a list
    {**REGULAR, "name": 12, "ok": 1},  # coerced by the scalars
    {**REGULAR, "color": "BLUE"},  # no such enum value
    {**REGULAR, "name": lambda info, **args: "called"},  # the default resolver calls it
    {**REGULAR, "inner": {"id": None}},  # null deep down
]


def _run(executor: type[IncrementalExecutor], document: str, value: Any, **extra: Any) -> Any:
    schema = build_schema(SDL)
    root = {"thing": value, "things": [value, value]}
    result = execute(
        schema,
        parse(document),
        root_value=root,
        variable_values={"p": "x", "s": True},
        executor_class=executor,
        **extra,
    )
    assert not hasattr(result, "__await__")
    return result.data, [(e.message, e.path) for e in result.errors or ()]  # type: ignore[union-attr]


class _Plain(IncrementalExecutor):
    pass


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("value", [REGULAR, *IRREGULAR])
def test_planned_answers_equal_graphql_core(document: str, value: Any) -> None:
    plans: Plans = {}
    expected = _run(_Plain, document, value)
    assert _run(PlannedExecutor, document, value, plans=plans) == expected
    assert _run(PlannedExecutor, document, value, plans=plans) == expected  # plan reused


def test_plain_selections_are_planned_and_fragments_are_not() -> None:
    plans: Plans = {}
    _run(PlannedExecutor, DOCUMENTS[1], REGULAR, plans=plans)
    assert any(plan is not None for plan in plans.values())
    fragments: Plans = {}
    _run(PlannedExecutor, DOCUMENTS[4], REGULAR, plans=fragments)
    assert list(fragments.values()) == [None]


# -- whole queries: the service calls the registered resolver and completes without graphql-core


SERVICE_SDL = SDL.replace(
    "type Query { thing(pick: String): Thing  things: [Thing!]! }",
    "type Query { thing(pick: String): Thing  sure(pick: String): Thing!  count: Int! }\n"
    "type Mutation { make(pick: String): Thing }",
)


def _resolvers(value: Any, calls: list[str]) -> dict[str, Any]:
    def resolve(ctx: Any, parent: Any, args: dict[str, Any]) -> Any:
        calls.append(args.get("pick", ""))
        if args.get("pick") == "boom":
            raise AuthingBizError("USER_NOT_FOUND")
        if args.get("pick") == "crash":
            raise RuntimeError("resolver bug")
        return value

    async def resolve_async(ctx: Any, parent: Any, args: dict[str, Any]) -> Any:
        return resolve(ctx, parent, args)

    return {
        "Query.thing": resolve,
        "Query.sure": resolve_async,
        "Query.count": resolve,
        "Mutation.make": resolve,
    }


QUERIES = [
    ("query($p: String) { thing(pick: $p) { id name count tags { name } } }", {"p": "x"}),
    ("query($p: String) { thing(pick: $p) { id } }", {"p": "boom"}),
    ("query($p: String) { thing(pick: $p) { id } }", {"p": "crash"}),
    ("query($p: String) { sure(pick: $p) { id name } }", {"p": "x"}),
    ("query($p: String) { sure(pick: $p) { id } }", {"p": "boom"}),
    ("query($p: String!) { sure(pick: $p) { id } }", {}),  # variables do not coerce
    ("{ count }", {}),
    ("{ a: thing { id } }", {}),
    ("mutation($p: String) { make(pick: $p) { id name } }", {"p": "x"}),
    ("mutation($p: String) { make(pick: $p) { id } }", {"p": "boom"}),
    ("mutation { make { id } b: make { id } }", {}),  # two root fields: graphql-core, serially
]


@pytest.mark.anyio
@pytest.mark.parametrize(("document", "variables"), QUERIES)
@pytest.mark.parametrize("value", [REGULAR, None, {"id": None}, {**REGULAR, "count": 2**31}, 7])
async def test_planned_queries_answer_what_graphql_core_answers(
    document: str, variables: dict[str, Any], value: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = []
    for planned in (True, False):
        calls: list[str] = []
        schema, _ = build_schema_with_resolvers(SERVICE_SDL, _resolvers(value, calls))
        service = GraphQLService(schema)
        if not planned:
            monkeypatch.setattr(graphql_http, "query_plan", lambda *args: None)
        payload = {"query": document, "variables": variables}
        answers.append((await service.run(None, payload), len(calls)))  # type: ignore[arg-type]
    assert answers[0] == answers[1]  # same body, and the resolver ran as often (once or never)
