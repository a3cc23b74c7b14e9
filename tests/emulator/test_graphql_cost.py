"""A GraphQL document's cost is bounded before it is validated or run."""

from __future__ import annotations

from typing import Any

import pytest

from graphql import get_introspection_query

from .conftest import Wire


def _error(body: dict[str, Any]) -> str:
    assert "data" not in body or body["data"] is None, body
    (error,) = body["errors"]
    assert error["message"]["code"] == 400
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    message: str = error["message"]["message"]
    return message


def test_many_aliased_introspection_selections_are_refused(wire: Wire) -> None:
    """The probe: 300 aliased introspections, no token (7.7 MB and seconds of CPU before)."""
    query = (
        "{"
        + " ".join(f"a{i}: __schema {{ types {{ name fields {{ name }} }} }}" for i in range(300))
        + "}"
    )
    message = _error(wire.gql(query))
    assert message.startswith("document too costly:")
    assert "at most" in message


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("{" + " ".join(f"a{i}: __typename" for i in range(101)) + "}", "101 aliases, at most 100"),
        (
            "{" + " ".join('__type(name: "User") { name }' for _ in range(6)) + "}",
            "6 introspection",
        ),
        (
            '{ __type(name: "User") { ' + "ofType { " * 16 + "name" + " }" * 16 + " } }",
            "nested 18 deep",
        ),
        (
            "query q { ...f0 } "
            + " ".join(f"fragment f{i} on Query {{ ...f{i + 1} ...f{i + 1} }}" for i in range(12))
            + " fragment f12 on Query { __typename }",
            "4096 fields",
        ),
    ],
    ids=["aliases", "introspection", "depth", "fragment-bomb"],
)
def test_each_limit_names_what_is_too_much(wire: Wire, query: str, words: str) -> None:
    message = _error(wire.gql(query))
    assert message.startswith("document too costly: ") and words in message, message


def test_one_full_standard_introspection_is_answered(wire: Wire) -> None:
    body = wire.gql(get_introspection_query())
    assert "errors" not in body, body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"
