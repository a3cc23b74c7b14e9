"""Fuzzing the emulator: typed-but-random GraphQL operations for every root field of the served
schema, random junk documents, and random calls to every registered REST route.

Whatever comes in, the answer is never a 5xx, never a resolver crash (``errors[].message.code ==
500``), always well-formed JSON (CAS answers may be text/XML), and the app keeps serving.

Runs deterministically (``derandomize=True``) with a few examples per target; set
``AIOAUTHING_FUZZ_EXAMPLES`` for a heavier run, e.g.
``AIOAUTHING_FUZZ_EXAMPLES=200 pytest tests/emulator -m fuzz``.
"""

from __future__ import annotations

import base64
import json
import os
import re
import string
from collections.abc import Iterator
from contextlib import ExitStack
from functools import partial
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from anyio.from_thread import start_blocking_portal
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aioauthing.emulator.app import create_app
from aioauthing.emulator.config import EmulatorConfig
from aioauthing.emulator.errors import error_payload
from aioauthing.emulator.registry import REST_ROUTES
from aioauthing.emulator.transport import EmulatorTransport
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
    is_required_argument,
)

from .conftest import ACCESS_TOKEN, CREATE_USER, LOGIN_BY_EMAIL

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("AIOAUTHING_FUZZ_EXAMPLES", "4"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CRASHED = error_payload("INTERNAL_ERROR")["message"]
TEXT_ANSWERS = (
    "/cas-idp/",
    "/cas/",
    "/oidc/auth",
    "/oauth/auth",
    "/oidc/session/end",
    "/login/profile/logout",
)
"""Paths whose documented answers may be text, XML or an HTML page for the browser, not JSON."""


class Target:
    """One in-process emulator with a management token, a user token and known values."""

    def __init__(self, stack: ExitStack) -> None:
        self.app = create_app(EmulatorConfig(seed=7, public_url="http://emulator"))
        self.portal = stack.enter_context(start_blocking_portal())
        self.http = httpx.AsyncClient(
            transport=EmulatorTransport(self.app), base_url="http://emulator"
        )
        stack.callback(self.portal.call, self.http.aclose)
        self.settings = self.app.state.emulator.settings("http://emulator")
        key = serialization.load_pem_public_key(self.settings["public_key"].encode())
        assert isinstance(key, rsa.RSAPublicKey)
        self.key = key
        self.management = self.gql(
            ACCESS_TOKEN,
            {"userPoolId": self.settings["user_pool_id"], "secret": self.settings["secret"]},
        )["data"]["accessToken"]["accessToken"]
        user = self.gql(
            CREATE_USER,
            {"userInfo": {"email": "fuzz@example.com", "password": self.encrypt("pw123456")}},
            self.management,
        )["data"]["createUser"]
        login = self.gql(
            LOGIN_BY_EMAIL,
            {"input": {"email": "fuzz@example.com", "password": self.encrypt("pw123456")}},
        )
        self.user_token: str = login["data"]["loginByEmail"]["token"]
        self.known = [
            user["id"],
            "fuzz@example.com",
            "FUZZ@example.com",
            "13800000000",
            "+8613800000000",
            self.settings["user_pool_id"],
            self.settings["app_id"],
            "default",
            "USER",
            "",
            self.encrypt("pw123456"),
            self.user_token,
        ]

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request to the in-process app (through the blocking portal's event loop)."""
        return self.portal.call(partial(self.http.request, method, url, **kwargs))

    def encrypt(self, plain: str) -> str:
        return base64.b64encode(self.key.encrypt(plain.encode(), padding.PKCS1v15())).decode()

    def headers(self, token: str | None) -> dict[str, str]:
        headers = {
            "x-authing-userpool-id": self.settings["user_pool_id"],
            "x-authing-app-id": self.settings["app_id"],
        }
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        return headers

    def gql(self, query: str, variables: Any, token: str | None = None) -> Any:
        response = self.request(
            "POST",
            "/graphql/v2",
            json={"query": query, "variables": variables},
            headers=self.headers(token),
        )
        return check(response)

    def tokens(self) -> st.SearchStrategy[str | None]:
        return st.sampled_from([None, self.management, self.user_token, "not-a-token", "a.b.c"])


def check(response: httpx.Response) -> Any:
    """The fuzz oracle: no 5xx, no crash, JSON (or a documented text answer).

    A crash shows as the generic internal error (spec error ``INTERNAL_ERROR``); an in-band code 500 with a
    specific message is a real Authing answer (``/api/v2/sms/send`` with a bad phone number).
    """
    request = response.request
    where = f"{request.method} {request.url.path}"
    assert response.status_code < 500, f"{where} -> {response.status_code} {response.text[:500]}"
    assert "Traceback" not in response.text, where
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith("application/json"):
        assert any(p in request.url.path for p in TEXT_ANSWERS) or response.is_redirect, (
            f"{where} -> {content_type}: {response.text[:200]}"
        )
        return None
    body = response.json()
    if isinstance(body, dict):
        for error in body.get("errors") or ():
            message = error["message"]
            assert isinstance(message, dict), error
            assert message["message"] != CRASHED, f"{where} resolver crashed: {error}"
        assert body.get("message") != CRASHED, f"{where} crashed: {body}"
    return body


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with ExitStack() as stack:
        t = Target(stack)
        yield t
        # still serving after everything the fuzzers sent
        assert t.gql("{ __typename }", {}) == {"data": {"__typename": "Query"}}


# ------------------------------------------------------------------ values of GraphQL input types
JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
JUNK = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _strings(known: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(known), st.text(max_size=24), st.emails())


def value_of(type_: GraphQLInputType, known: list[str], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values that graphql-core accepts for ``type_`` (nullable types are sometimes null)."""
    if isinstance(type_, GraphQLNonNull):
        return _non_null(type_.of_type, known, depth)
    return st.none() | _non_null(type_, known, depth)


def _non_null(type_: Any, known: list[str], depth: int) -> st.SearchStrategy[Any]:
    if isinstance(type_, GraphQLList):
        return st.lists(value_of(type_.of_type, known, depth + 1), max_size=3)
    if isinstance(type_, GraphQLEnumType):
        return st.sampled_from(sorted(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        required, optional = {}, {}
        for name, field in type_.fields.items():
            strategy = value_of(field.type, known, depth + 1)
            if isinstance(field.type, GraphQLNonNull) and field.default_value is None:
                required[name] = strategy
            elif depth < 3:
                optional[name] = strategy
        return st.fixed_dictionaries(required, optional=optional)
    assert isinstance(type_, GraphQLScalarType)
    scalars: dict[str, st.SearchStrategy[Any]] = {
        "Int": st.integers(min_value=-(2**31), max_value=2**31 - 1),
        "Float": st.floats(allow_nan=False, allow_infinity=False),
        "Boolean": st.booleans(),
        "String": _strings(known),
        "ID": _strings(known),
    }
    return scalars.get(type_.name, JUNK)


# ------------------------------------------------------------------ documents for root fields
def selection(type_: GraphQLNamedType, depth: int = 0) -> str:
    """Every leaf field without required arguments, and object fields one level down."""
    if is_leaf_type(type_):
        return ""
    if isinstance(type_, GraphQLUnionType):
        return "{ __typename }"
    assert isinstance(type_, GraphQLObjectType | GraphQLInterfaceType)
    parts = ["__typename"]
    for name, field in type_.fields.items():
        if any(is_required_argument(arg) for arg in field.args.values()):
            continue
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            parts.append(name)
        elif depth < 1:
            parts.append(f"{name} {selection(inner, depth + 1)}")
    return "{ " + " ".join(parts) + " }"


def operation(kind: str, name: str, field: GraphQLField) -> str:
    declared = ", ".join(f"${arg}: {spec.type}" for arg, spec in field.args.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    head = f"{kind} fuzz_{name}" + (f"({declared})" if declared else "")
    call = f"{name}({passed})" if passed else name
    return f"{head} {{ {call} {selection(get_named_type(field.type))} }}"


def _schema() -> GraphQLSchema:
    schema: GraphQLSchema = create_app(EmulatorConfig()).state.emulator.service.schema
    return schema


SCHEMA = _schema()
ROOT_FIELDS = [
    (kind, root, name)
    for kind, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type))
    if root is not None
    for name in sorted(root.fields)
]


@pytest.mark.parametrize(("kind", "root", "name"), ROOT_FIELDS, ids=[f[2] for f in ROOT_FIELDS])
def test_typed_operations_on_every_root_field(
    target: Target, kind: str, root: GraphQLObjectType, name: str
) -> None:
    field = root.fields[name]
    document = operation(kind, name, field)
    assert target.gql(document, {}) is not None  # the generated document itself is valid
    variables = st.fixed_dictionaries(
        {arg: value_of(spec.type, target.known) for arg, spec in field.args.items()}
    )

    @FUZZ
    @given(
        variables=variables | st.dictionaries(st.sampled_from([*field.args, "x"]), JUNK),
        token=target.tokens(),
    )
    def run(variables: dict[str, Any], token: str | None) -> None:
        body = target.gql(document, variables, token)
        assert isinstance(body, dict) and ("data" in body or "errors" in body), body

    run()


@FUZZ
@given(
    query=st.one_of(
        st.text(max_size=60),
        st.text(alphabet="{}()[]:$!@.,= \n" + string.ascii_letters, max_size=80),
        st.sampled_from([operation(k, n, r.fields[n]) for k, r, n in ROOT_FIELDS]).map(
            lambda doc: doc[: len(doc) // 2]
        ),
    ),
    variables=JUNK,
    operation_name=st.none() | st.text(max_size=8),
)
def test_junk_documents(
    target: Target, query: str, variables: Any, operation_name: str | None
) -> None:
    response = target.request(
        "POST",
        "/graphql/v2",
        json={"query": query, "variables": variables, "operationName": operation_name},
        headers=target.headers(None),
    )
    body = check(response)
    assert isinstance(body, dict) and ("data" in body or "errors" in body), body


@FUZZ
@given(raw=st.binary(max_size=200) | JUNK.map(lambda v: json.dumps(v).encode()))
def test_junk_bodies(target: Target, raw: bytes) -> None:
    check(target.request("POST", "/graphql/v2", content=raw, headers=target.headers(None)))


# ------------------------------------------------------------------ REST routes
PARAM_NAMES = [
    "id",
    "userId",
    "token",
    "access_token",
    "service",
    "ticket",
    "appId",
    "email",
    "phone",
    "username",
    "account",
    "password",
    "code",
    "namespace",
    "userIds",
    "redirect_uri",
    "format",
    "scene",
    "roleCode",
    "x",
]
SAFE_TEXT = st.text(alphabet=string.ascii_letters + string.digits + "-_.@+%/ ", max_size=16)


def _rest_value(known: list[str]) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(known), SAFE_TEXT, JUNK)


PATH_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
ROUTES = sorted({(r.method, r.path) for r in REST_ROUTES})


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_random_calls_to_every_rest_route(target: Target, method: str, path: str) -> None:
    path_params = st.fixed_dictionaries(
        {p: st.one_of(st.sampled_from(target.known), SAFE_TEXT) for p in PATH_PARAM.findall(path)}
    )
    query = st.dictionaries(st.sampled_from(PARAM_NAMES), st.sampled_from(target.known) | SAFE_TEXT)
    body = (
        st.none() | st.dictionaries(st.sampled_from(PARAM_NAMES), _rest_value(target.known)) | JUNK
    )

    @FUZZ
    @given(path_params=path_params, query=query, body=body, token=target.tokens())
    def run(
        path_params: dict[str, str], query: dict[str, str], body: Any, token: str | None
    ) -> None:
        url = path
        for key, value in path_params.items():
            url = re.sub(r"\{" + key + r"(:\w+)?\}", quote(value, safe="") or "_", url)
        content = None if body is None else json.dumps(body).encode()
        response = target.request(
            method,
            url,
            params=query,
            content=content,
            headers={**target.headers(token), "content-type": "application/json"},
        )
        check(response)

    run()
