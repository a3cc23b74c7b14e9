"""The emulator's per-request shortcuts answer what the general code answers: variable coercion
of planned queries, JSON in and out, the user view, the header map, the journal's field names."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql.execution.values import get_variable_values

from aioauthing.emulator import jsonutil
from aioauthing.emulator.graphql_plan import _variable_coercer
from aioauthing.emulator.journal import graphql_fields
from aioauthing.emulator.rest_http import header_map
from aioauthing.emulator.users import user_view
from graphql import OperationDefinitionNode, build_schema, parse

SCHEMA = build_schema(
    """
    input Filter { name: String }
    type Query { f(s: String, n: Int, b: Boolean, i: ID, l: [String], o: Filter, x: Float): Int }
    """
)
SIMPLE = "query($s: String, $n: Int!, $b: Boolean, $i: ID) { f(s: $s, n: $n, b: $b, i: $i) }"


def _operation(document: str) -> OperationDefinitionNode:
    definition = parse(document).definitions[0]
    assert isinstance(definition, OperationDefinitionNode)
    return definition


@pytest.mark.parametrize(
    "given",
    [
        {"s": "a", "n": 1, "b": True, "i": "id1"},
        {"n": 0},
        {"s": None, "n": -(2**31), "b": None, "i": None},
        {"s": "", "n": 2**31 - 1, "extra": [1, 2]},
        {"s": "a"},  # the non-null $n missing: an error
        {"n": None},  # null for a non-null: an error
        {"n": 2**31},  # out of Int's range: an error
        {"n": "1"},  # a string for an Int: an error
        {"n": True},  # a bool is not an Int
        {"n": 1.0},  # graphql-core accepts a whole float
        {"n": 1, "s": 5},  # a number for a String: an error
        {"n": 1, "b": 1},  # a number for a Boolean: an error
        {"n": 1, "i": 7},  # graphql-core turns an ID number into a string
    ],
)
def test_fast_variable_coercion_equals_graphql_core(given: dict[str, Any]) -> None:
    operation = _operation(SIMPLE)
    coerce = _variable_coercer(SCHEMA, operation)
    assert coerce is not None
    fast = coerce(given)
    slow = get_variable_values(SCHEMA, operation.variable_definitions, given, max_errors=50)
    if isinstance(slow, list):
        assert fast is None  # graphql-core words the error
        return
    if fast is None:  # left to graphql-core: only for values it converts
        converted = [(k, v, type(v)) for k, v in slow.coerced.items()]
        assert converted != [(k, given[k], type(given[k])) for k in slow.coerced]
        return
    assert fast.coerced == slow.coerced

    def sources(values: Any) -> dict[str, tuple[str, str, Any]]:
        return {
            name: (source.signature.name, str(source.signature.type), source.value)
            for name, source in values.sources.items()
        }

    assert sources(fast) == sources(slow)


@pytest.mark.parametrize(
    "document",
    [
        "query($l: [String]) { f(l: $l) }",
        "query($o: Filter) { f(o: $o) }",
        "query($x: Float) { f(x: $x) }",
        'query($s: String = "d") { f(s: $s) }',
    ],
)
def test_lists_input_objects_floats_and_defaults_stay_with_graphql_core(document: str) -> None:
    assert _variable_coercer(SCHEMA, _operation(document)) is None


def test_simple_variables_take_the_fast_path() -> None:
    coerce = _variable_coercer(SCHEMA, _operation(SIMPLE))
    assert coerce is not None
    result = coerce({"n": 3, "s": "x"})
    assert result is not None
    assert result.coerced == {"n": 3, "s": "x"}


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": 1, "b": [true, null, 1.5, "\xc3\xa9"]}',
        b'{"big": 123456789012345678901234567890}',  # beyond 64 bits: the standard library
        b'{"neg": -9223372036854775809, "phone": "+8613800138000123456789"}',
        b'{"s": "\\ud800"}',  # a lone surrogate escape
        b'\xef\xbb\xbf{"bom": 1}',
        '{"utf16": 1}'.encode("utf-16"),
        b'{"dup": 1, "dup": 2}',
        b"  [1, 2]  ",
    ],
)
def test_loads_equals_the_standard_library(raw: bytes) -> None:
    assert jsonutil.loads(raw) == json.loads(raw)


@pytest.mark.parametrize(
    "raw",
    [b"NaN", b'{"a": Infinity}', b"{", b"\xff\xff", b'{"a": 1} x', b"[" * 100_000, b'"\x01"'],
)
def test_loads_refuses_what_the_standard_library_refuses_as_value_error(raw: bytes) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the contract is ValueError, nothing more
        jsonutil.loads(raw)


@pytest.mark.parametrize(
    "value",
    [
        {"data": {"user": {"id": "u1", "nickname": "Zoë 中文", "blocked": False, "n": None}}},
        {"errors": [{"message": {"code": 2004, "data": None}, "path": ["user"]}]},
        {"big": 2**70, "ctl": 'a\x01\n\t"\\/', "f": 0.1, "e": [], "o": {}},
    ],
)
def test_dumps_writes_the_bytes_the_standard_library_writes(value: Any) -> None:
    expected = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    assert jsonutil.dumps(value) == expected.encode()


def test_user_view_hides_internal_keys_of_every_layout() -> None:
    user: dict[str, Any] = {"id": "u1", "_tokens": {"j": 1}, "email": "a@b.c", "_seq": 3}
    assert list(user_view(user)) == ["id", "email", "token"]
    user["_extendFields"] = {"x": 1}  # a new layout: its own internal keys
    user["nickname"] = "n"
    view = user_view(user, token="t", exp=0)
    assert list(view) == ["id", "email", "nickname", "token", "tokenExpiredAt"]
    assert view["token"] == "t"
    assert "_tokens" in user  # the record itself is untouched


def test_header_map_keeps_the_first_of_repeated_headers_once_per_scope() -> None:
    scope: dict[str, Any] = {
        "headers": [(b"Host", b"a"), (b"x-authing-userpool-id", b"p1"), (b"host", b"b")]
    }
    headers = header_map(scope)
    assert headers == {"host": "a", "x-authing-userpool-id": "p1"}
    scope["headers"] = []
    assert header_map(scope) is headers


def test_journal_fields_read_documents_with_escaped_quotes() -> None:
    document = 'query { user(id: "a\\"b") { id } checkLoginStatus(token: "t") { code } }'
    body = json.dumps({"variables": {}, "query": document}).encode()
    assert graphql_fields(body) == ("user", "checkLoginStatus")
    assert graphql_fields(body) == ("user", "checkLoginStatus")  # the cached path
