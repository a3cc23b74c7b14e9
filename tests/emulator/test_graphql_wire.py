"""The GraphQL / REST wire itself: error shapes, introspection, bad requests, keys."""

from __future__ import annotations

import jwt

from graphql import build_client_schema, get_introspection_query

from .conftest import USERS, Wire, error_code


def test_business_error_shape(wire: Wire) -> None:
    body = wire.gql(USERS, {})
    assert set(body) == {"errors", "data"}
    assert body["data"] == {"users": None}
    error = body["errors"][0]
    assert error["message"] == {"code": 2020, "message": "尚未登录，无访问权限", "data": None}
    assert error["locations"] == [{"line": 1, "column": 97}] or error["locations"][0]["line"] >= 1
    assert error["extensions"]["code"]


def test_validation_errors_are_error_objects(wire: Wire) -> None:
    body = wire.gql("query { noSuchField }")
    assert "data" not in body
    assert body["errors"][0]["message"]["code"] == 400
    assert "noSuchField" in body["errors"][0]["message"]["message"]
    body = wire.gql("query {")  # syntax error
    assert body["errors"][0]["message"]["code"] == 400
    # invalid enum value in variables is rejected (GO's sortBy: "")
    body = wire.gql(USERS, {"sortBy": ""}, token=wire.management_token())
    assert error_code(body) == 400


def test_introspection_answers_standard_query(wire: Wire) -> None:
    body = wire.gql(get_introspection_query(descriptions=True))
    assert "errors" not in body
    schema = build_client_schema(body["data"])
    query_type = schema.query_type
    assert query_type is not None
    assert "accessToken" in query_type.fields
    # cached documents still work on repeat
    assert wire.gql(get_introspection_query(descriptions=True)) == body


def test_malformed_requests_get_error_answers(wire: Wire) -> None:
    url = f"{wire.settings.host}/graphql/v2"
    cases = [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b'{"variables": {}}', 400),
        (b'{"query": "{ __typename }", "variables": "nope"}', 400),
        (b"\xff\xfe\x00", 400),
    ]
    for raw, status in cases:
        response = wire.client.post(url, content=raw, headers={"content-type": "application/json"})
        assert response.status_code == status, raw
        assert response.json()["errors"][0]["message"]["code"] == 400
        assert "Traceback" not in response.text
    huge = wire.client.post(url, content=b"x" * (1024 * 1024 + 1))
    assert huge.status_code == 413
    assert huge.json()["errors"][0]["message"]["code"] == 413
    get = wire.client.get(url)
    assert get.status_code == 405
    assert get.json()["errors"][0]["message"]["code"] == 405
    missing = wire.client.get(f"{wire.settings.host}/api/v2/does-not-exist")
    assert missing.status_code == 404
    assert missing.json()["code"] == 404
    bad_rest = wire.client.post(f"{wire.settings.host}/api/v2/sms/send", content=b"{oops")
    assert bad_rest.status_code == 400
    assert bad_rest.json()["code"] == 400


def test_public_key_and_jwks(wire: Wire) -> None:
    known = wire.rest("GET", "/api/v2/.well-known")
    assert known["code"] == 200
    assert known["data"]["publicKey"] == wire.settings.public_key
    assert "BEGIN PUBLIC KEY" in wire.settings.public_key
    jwks = wire.client.get(f"{wire.settings.host}/oidc/.well-known/jwks.json").json()
    wire.create_user(email="j@example.com", password="pw")
    token = wire.login_by_email("j@example.com", "pw")["data"]["loginByEmail"]["token"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    (key,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    claims = jwt.decode(
        token,
        jwt.PyJWK(key).key,
        algorithms=["RS256"],
        audience=wire.settings.app_id,
        issuer=f"{wire.settings.host}/oidc",
    )
    assert claims["data"]["userPoolId"] == wire.settings.user_pool_id
    mgmt = jwt.decode(wire.management_token(), jwt.PyJWK(key).key, algorithms=["RS256"])
    assert mgmt["exp"] > mgmt["iat"]
