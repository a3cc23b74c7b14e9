"""Bad requests get error answers in Authing's shapes, never a traceback or a bare 500.

GraphQL endpoint: ``{"errors": [{"message": {code, message, data}}]}``; REST and admin paths:
the ``{code, message, data}`` envelope. Every case runs against the socket server, which must keep
serving afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .conftest import CREATE_USER, USERS, Wire, error_code

GQL = "/graphql/v2"


def _gql_error(response: httpx.Response, status: int, code: int = 400) -> str:
    """Assert a GraphQL-shaped error answer; return its message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "Traceback" not in response.text
    body = response.json()
    assert "data" not in body or body["data"] is None or isinstance(body["data"], dict)
    error = body["errors"][0]["message"]
    assert error["code"] == code, body
    assert isinstance(error["message"], str) and error["message"]
    assert "data" in error
    return str(error["message"])


def _envelope(response: httpx.Response, status: int, code: int | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "data"}
    assert body["code"] == (code if code is not None else status)
    assert isinstance(body["message"], str) and body["message"]
    return body


def _post(wire: Wire, raw: bytes, content_type: str = "application/json") -> httpx.Response:
    return wire.client.post(
        f"{wire.settings.host}{GQL}", content=raw, headers={"content-type": content_type}
    )


def _still_serving(wire: Wire) -> None:
    assert wire.gql("{ __typename }") == {"data": {"__typename": "Query"}}


@pytest.fixture
def served(wire: Wire) -> Iterator[Wire]:
    """The wire client; after the test, the same server still answers a simple query."""
    yield wire
    _still_serving(wire)


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"",
        b"   ",
        b"\xff\xfe\x00",
        b'{"query": "{ __typename }"',  # truncated
        b"[" * 100_000 + b"]" * 100_000,  # nesting deeper than the decoder's recursion limit
        b'{"query": "{ __typename }", "variables": {"x": NaN}}',  # not JSON
    ],
    ids=["syntax", "empty", "blank", "not-utf8", "truncated", "deep-json", "nan"],
)
def test_malformed_json_is_a_400_graphql_error(served: Wire, raw: bytes) -> None:
    assert "JSON" in _gql_error(_post(served, raw), 400)


@pytest.mark.parametrize(
    "payload",
    ['"a string"', "42", "null", '{"variables": {}}', '{"query": 1}', '{"query": null}'],
)
def test_json_that_is_not_a_graphql_request_is_a_400(served: Wire, payload: str) -> None:
    assert "query" in _gql_error(_post(served, payload.encode()), 400)


def test_batched_arrays_are_refused_with_a_clear_message(served: Wire) -> None:
    raw = json.dumps([{"query": "{ __typename }"}, {"query": "{ __typename }"}]).encode()
    assert "批量" in _gql_error(_post(served, raw), 400)


def test_content_type_is_not_needed_for_json_but_other_bodies_are_refused(served: Wire) -> None:
    raw = json.dumps({"query": "{ __typename }"}).encode()
    assert _post(served, raw, "text/plain").json() == {"data": {"__typename": "Query"}}
    _gql_error(_post(served, b"{ __typename }", "application/graphql"), 400)
    _gql_error(_post(served, b"query=%7B__typename%7D", "application/x-www-form-urlencoded"), 400)


def test_unknown_top_level_keys_and_undeclared_variables_are_ignored(served: Wire) -> None:
    raw = json.dumps(
        {"query": "{ __typename }", "extensions": {"x": 1}, "variables": {"WithCustomData": True}}
    ).encode()
    assert _post(served, raw).json() == {"data": {"__typename": "Query"}}


def test_wrong_variable_types_and_unknown_input_fields_are_validation_errors(
    served: Wire,
) -> None:
    token = served.management_token()
    body = served.gql(USERS, {"page": "one"}, token=token)
    assert error_code(body) == 400 and "$page" in body["errors"][0]["message"]["message"]
    body = served.gql(USERS, {"limit": 2**40}, token=token)
    assert error_code(body) == 400
    body = served.gql(CREATE_USER, {"userInfo": {"email": "a@b.co", "noSuchField": 1}}, token=token)
    assert error_code(body) == 400 and "noSuchField" in body["errors"][0]["message"]["message"]
    body = served.gql(CREATE_USER, {"userInfo": "not an object"}, token=token)
    assert error_code(body) == 400


def test_variables_and_operation_name_of_the_wrong_type(served: Wire) -> None:
    for extra in ({"variables": "not json"}, {"variables": [1]}, {"operationName": 7}):
        raw = json.dumps({"query": "{ __typename }", **extra}).encode()
        _gql_error(_post(served, raw), 400)
    # variables as a JSON string, as some clients send them, are accepted
    raw = json.dumps({"query": "{ __typename }", "variables": "{}"}).encode()
    assert _post(served, raw).json() == {"data": {"__typename": "Query"}}


def test_unknown_operation_name_and_subscriptions_are_errors(served: Wire) -> None:
    for payload in (
        {"query": "query a { __typename } query b { __typename }"},
        {"query": "query a { __typename }", "operationName": "b"},
        {"query": "subscription { __typename }"},
    ):
        response = _post(served, json.dumps(payload).encode())
        _gql_error(response, 200)


def test_deeply_nested_and_oversized_documents_are_refused(served: Wire) -> None:
    deep = "{ __schema { types { fields { type " + "{ ofType " * 2000 + "{ name }" + "}" * 2000
    deep += " } } } }"
    assert "nested too deeply" in _gql_error(
        _post(served, json.dumps({"query": deep}).encode()), 200
    )
    many = "{ " + "__typename " * 60_000 + "}"  # under the body cap, over the token cap
    assert "tokens" in _gql_error(_post(served, json.dumps({"query": many}).encode()), 200)


def test_huge_bodies_get_413_in_the_shape_of_the_path(served: Wire) -> None:
    huge = b"x" * (1024 * 1024 + 1)
    _gql_error(_post(served, huge), 413, 413)
    host = served.settings.host
    _envelope(served.client.post(f"{host}/api/v2/users/kick", content=huge), 413)

    def chunks() -> Iterator[bytes]:  # no content-length: the cap applies while streaming
        for _ in range(40):
            yield b"y" * 65_536

    response = served.client.post(f"{host}{GQL}", content=chunks())
    _gql_error(response, 413, 413)


def test_wrong_methods_get_405_with_allow(served: Wire) -> None:
    host = served.settings.host
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        response = served.client.request(method, f"{host}{GQL}")
        _gql_error(response, 405, 405)
        assert response.headers["allow"] == "POST"
    response = served.client.delete(f"{host}/api/v2/.well-known")
    _envelope(response, 405)
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize(
    "path", ["/api/v2/no-such-thing", "/api/v3/users", "/nothing", "/__emulator__/nope"]
)
def test_unknown_paths_get_a_404_envelope(served: Wire, path: str) -> None:
    _envelope(served.client.get(f"{served.settings.host}{path}"), 404)


def test_rest_bodies_that_are_not_json_or_not_objects(served: Wire) -> None:
    host, token = served.settings.host, served.management_token()
    headers = {**served.headers(token), "content-type": "application/json"}
    url = f"{host}/api/v2/users/kick"
    for raw in (b"{bad", b"[" * 100_000, b'{"userIds": NaN}'):
        body = _envelope(served.client.post(url, content=raw, headers=headers), 400)
        assert "JSON" in body["message"]
    for raw in (b"[1, 2]", b'"text"', b"null", b'{"userIds": "not a list"}'):
        response = served.client.post(url, content=raw, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["code"] != 200


def test_admin_endpoints_refuse_bad_bodies_with_400(served: Wire) -> None:
    host = served.settings.host
    for path, raw in (
        ("/__emulator__/pools", b"{bad"),
        ("/__emulator__/pools", b"[1]"),
        ("/__emulator__/clock", b'{"offset": "soon"}'),
        ("/__emulator__/faults", b'{"spec": "429=2"}'),
        ("/__emulator__/state", b'{"pools": 3}'),
    ):
        json_type = {"content-type": "application/json"}
        response = served.client.post(f"{host}{path}", content=raw, headers=json_type)
        assert response.status_code == 400, (path, response.text)
        assert response.json()["code"] == 400
