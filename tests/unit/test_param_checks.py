"""Arguments are checked against the spec's types before anything is sent, for every operation.

The checks are data in each operation descriptor (``op.checks``, generated from the spec); these
tests walk all of them: every list parameter refuses a ``str``, too many items, ``None`` and blank
items; every required parameter refuses ``None``; every ``str`` parameter refuses other types.
Each failure must be an ``AuthingValidationError`` naming the parameter, with nothing sent.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from aioauthing import models
from aioauthing.generated import operations as ops
from aioauthing.runtime.api import ApiBase
from aioauthing.runtime.core import Core
from aioauthing.runtime.errors import AuthingValidationError, ResponseDecodeError
from aioauthing.runtime.operation import GraphQLOperation, RestOperation
from aioauthing.runtime.tokens import ManagementTokenManager
from aioauthing.runtime.validation import ParamCheck

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the checks run before any I/O: one event loop is enough


MODULES = ("acl", "applications", "authentication", "groups", "orgs", "policies", "roles")
MODULES += ("tenants", "udf", "users")

SAMPLE: dict[str, Any] = {
    "str": "x1",
    "int": 1,
    "float": 1.0,
    "bool": True,
    "model": {},
    "any": "x",
}
WRONG: dict[str, Any] = {"str": {"a": 1}, "int": "1", "float": "1.5", "bool": "yes", "model": "m"}


def _operations() -> dict[str, GraphQLOperation | RestOperation]:
    return {
        name: op
        for name, op in vars(ops).items()
        if isinstance(op, GraphQLOperation | RestOperation) and op.checks
    }


def _methods() -> Iterator[tuple[str, type[ApiBase], str]]:
    """(descriptor constant, API class, method name) for every generated method with checks."""
    consts = _operations()
    for module_name in MODULES:
        module = importlib.import_module(f"aioauthing.generated.{module_name}")
        for cls in vars(module).values():
            if not (
                inspect.isclass(cls)
                and issubclass(cls, ApiBase)
                and cls.__module__ == module.__name__
            ):
                continue
            for name, fn in vars(cls).items():
                if inspect.iscoroutinefunction(fn):
                    source = inspect.getsource(fn)
                    for const in consts:
                        if f"ops.{const}.checks" in source:
                            yield const, cls, name


CALLS = sorted(set(_methods()), key=lambda c: (c[0], c[2]))


def test_every_checked_descriptor_is_used_by_a_method() -> None:
    # the management token fetch and CAS v1 validation are sent by hand-written client code
    assert {c[0] for c in CALLS} == set(_operations()) - {
        "MANAGEMENT_ACCESS_TOKEN",
        "CAS_VALIDATE_V1",
    }


class _NoNetwork:
    def __init__(self) -> None:
        self.sent: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return httpx.Response(500)


@pytest.fixture
def wire() -> _NoNetwork:
    return _NoNetwork()


def _core(wire: _NoNetwork) -> Core:
    return Core(
        host="https://core.authing.cn",
        user_pool_id="pool-1",
        app_id="app-1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(wire)),
    )


def _sample(check: ParamCheck) -> Any:
    value = SAMPLE[check.kind]
    return [value] if check.is_list else value


def _arguments(op: Any, fn: Any, replace: str, bad: Any) -> tuple[list[Any], dict[str, Any]]:
    """Valid arguments for every checked parameter of ``op``, ``bad`` for ``replace``."""
    by_name = {c.name: c for c in op.checks}
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for p in list(inspect.signature(fn).parameters.values())[1:]:
        check = by_name.get(p.name)
        if p.name == replace:
            value = bad
        elif check is not None and check.required:
            value = _sample(check)
        elif p.default is inspect.Parameter.empty:
            value = "x"
        else:
            continue
        if p.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[p.name] = value
        else:
            args.append(value)
    return args, kwargs


async def _refused(
    wire: _NoNetwork, const: str, cls: type[ApiBase], method: str, name: str, bad: Any
) -> str:
    api = cls(_core(wire), "user-token")
    fn = getattr(cls, method)
    args, kwargs = _arguments(getattr(ops, const), fn, name, bad)
    with pytest.raises(AuthingValidationError) as info:
        await getattr(api, method)(*args, **kwargs)
    assert wire.sent == [], f"{const}.{method}: sent before refusing {name}"
    return str(info.value.parameter)


def _cases(pick: Any) -> list[tuple[str, type[ApiBase], str, ParamCheck]]:
    return [
        (const, cls, method, check)
        for const, cls, method in CALLS
        for check in getattr(ops, const).checks
        if pick(check)
    ]


LISTS = _cases(lambda c: c.is_list)


async def test_a_str_where_a_list_is_expected_is_refused_everywhere(wire: _NoNetwork) -> None:
    assert len(LISTS) >= 40
    for const, cls, method, check in LISTS:
        assert await _refused(wire, const, cls, method, check.name, "abcdef") == check.name


async def test_none_and_blank_items_are_refused_everywhere(wire: _NoNetwork) -> None:
    for const, cls, method, check in LISTS:
        good = SAMPLE[check.kind]
        assert (
            await _refused(wire, const, cls, method, check.name, [good, None]) == f"{check.name}[1]"
        )
        if check.kind in ("str", "any"):
            assert await _refused(wire, const, cls, method, check.name, [""]) == f"{check.name}[0]"


async def test_lists_longer_than_the_spec_allows_are_refused(wire: _NoNetwork) -> None:
    limited = [case for case in LISTS if case[3].max_items is not None]
    assert len(limited) >= 40
    for const, cls, method, check in limited:
        assert check.max_items is not None
        too_many = [SAMPLE[check.kind]] * (check.max_items + 1)
        assert await _refused(wire, const, cls, method, check.name, too_many) == check.name


async def test_none_for_a_required_parameter_is_refused_everywhere(wire: _NoNetwork) -> None:
    required = _cases(lambda c: c.required)
    assert len(required) >= 100
    for const, cls, method, check in required:
        assert await _refused(wire, const, cls, method, check.name, None) == check.name


async def test_a_value_of_the_wrong_type_is_refused_everywhere(wire: _NoNetwork) -> None:
    typed = _cases(lambda c: c.kind in WRONG and not c.is_list)
    assert any(c[3].kind == "str" for c in typed) and any(c[3].kind == "int" for c in typed)
    for const, cls, method, check in typed:
        assert await _refused(wire, const, cls, method, check.name, WRONG[check.kind]) == check.name


async def test_examples_from_the_field(wire: _NoNetwork) -> None:
    from aioauthing.generated.authentication import AuthenticationApis
    from aioauthing.generated.users import UsersApi

    users = UsersApi(_core(wire), "t")
    auth = AuthenticationApis(_core(wire))
    with pytest.raises(AuthingValidationError, match="must be a list, not str") as info:
        await users.kick("abcdef")
    assert info.value.parameter == "user_ids"
    with pytest.raises(AuthingValidationError, match="must be a str, not dict") as info:
        await users.detail({"a": 1})  # type: ignore[arg-type]
    assert info.value.parameter == "user_id"
    with pytest.raises(AuthingValidationError, match="must be a str, not int") as info:
        await auth.login_by_email("ada@example.com", 123456)  # type: ignore[arg-type]
    assert info.value.parameter == "password"
    with pytest.raises(AuthingValidationError, match="is required") as info:
        await auth.login_by_email(None, "pw")  # type: ignore[arg-type]
    assert info.value.parameter == "email"
    with pytest.raises(AuthingValidationError, match="must be a str, not int") as info:
        await users.create(models.CreateUserInput(username="ada", password=123456))  # type: ignore[arg-type]
    assert info.value.parameter == "password"
    assert wire.sent == []


async def test_a_malformed_token_answer_is_an_authing_error() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": None})

    core = Core(
        host="https://core.authing.cn",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(answer)),
    )

    async def fetch() -> Any:
        return await core.execute(
            ops.MANAGEMENT_ACCESS_TOKEN, variables={"userPoolId": "p", "secret": "s"}
        )

    manager = ManagementTokenManager(fetch, key="k")
    with pytest.raises(ResponseDecodeError, match="no access token"):
        await manager.get_token()


async def test_a_view_without_a_user_in_its_token_asks_for_the_id(wire: _NoNetwork) -> None:
    from aioauthing.generated.authentication import UserApis

    view = UserApis(_core(wire), "opaque-token")
    with pytest.raises(AuthingValidationError, match="no user in the token") as info:
        await view.list_udv()
    assert info.value.parameter == "user_id"
    assert wire.sent == []
