from __future__ import annotations

import json
import logging

import anyio
import anyio.lowlevel
import httpx
import pytest
from unit_helpers import HOST, gql, json_response, rest

from aioauthing.runtime import errors
from aioauthing.runtime.clients import AuthenticationClient, ManagementClient
from aioauthing.runtime.operation import AuthKind, ResponseKind
from aioauthing.runtime.redaction import MASK, is_secret_key, redact

pytestmark = pytest.mark.anyio

POOL_SECRET = "S3cr3t-pool-VALUE-91"
MGMT_TOKEN = "mgmt-TOKEN-VALUE-77"
USER_TOKEN = "user-TOKEN-VALUE-55"
PASSWORD = "Pa55-word-VALUE-33"
SMS_CODE = "CODE-VALUE-8675"
APP_SECRET = "app-SECRET-VALUE-0123456789abcdef"
SECRETS = (POOL_SECRET, MGMT_TOKEN, USER_TOKEN, PASSWORD, SMS_CODE, APP_SECRET)


def handler(request: httpx.Request) -> httpx.Response:
    payload = json.loads(request.content) if request.content else {}
    if "accessToken(" in payload.get("query", ""):
        return json_response({"data": {"accessToken": {"accessToken": MGMT_TOKEN, "exp": 4e9}}})
    if request.url.path.endswith("/fail"):
        return json_response({"code": 2333, "message": "wrong account or password"})
    if request.url.path.endswith("/flaky"):
        return httpx.Response(503, headers={"Retry-After": "0"})
    return json_response({"data": {"user": {"id": "u1"}}})


def test_key_name_rules() -> None:
    for key in (
        "password",
        "newPassword",
        "secret",
        "accessToken",
        "id_token",
        "code",
        "phoneCode",
        "Authorization",
        "captchaCode",
        "cookie",
        "ticket",
    ):
        assert is_secret_key(key), key
    for key in ("email", "username", "roleCode", "countryCode", "userPoolId", "phone"):
        assert not is_secret_key(key), key
    assert redact({"a": {"b": "x", "c": "y"}}, ["a.b"]) == {"a": {"b": MASK, "c": "y"}}


async def test_no_secret_reaches_logs_reprs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    mgmt = ManagementClient("pool-1", POOL_SECRET, host=HOST, http_client=http)
    auth = AuthenticationClient("app-1", host=HOST, app_secret=APP_SECRET, http_client=http)
    session = auth.as_user(USER_TOKEN)
    mgmt.core.retry.sleep = lambda _: anyio.lowlevel.checkpoint()

    create = gql("users.create", auth=AuthKind.MANAGEMENT, secrets=("userInfo.password",))
    await mgmt._execute(create, variables={"userInfo": {"password": PASSWORD, "email": "a@b.co"}})
    login = gql("auth.login", secrets=("input.secretThing",))
    await auth._execute(login, variables={"input": {"secretThing": PASSWORD, "code": SMS_CODE}})
    await session._execute(gql("me", auth=AuthKind.USER), variables={"verifyCode": SMS_CODE})
    failures: list[BaseException] = []
    try:
        await mgmt._execute(
            rest("sms", method="POST", path="/api/v2/flaky", auth=AuthKind.MANAGEMENT),
            body={"phone": "1380000", "phoneCode": SMS_CODE},
        )
    except errors.ServerError as exc:
        failures.append(exc)
    try:
        await auth._execute(
            rest("login", method="POST", path="/api/v2/fail", secrets=("pw",)),
            body={"pw": PASSWORD},
        )
    except errors.InvalidCredentialsError as exc:
        failures.append(exc)
    try:
        await auth.verify_token(USER_TOKEN)
    except errors.TokenVerificationError as exc:
        failures.append(exc)
    assert len(failures) == 3
    cas = rest(
        "cas.validate",
        path="/cas-idp/app/serviceValidate",
        secrets=("ticket",),
        response=ResponseKind.JSON,
    )
    await auth._execute(cas, query={"service": "https://svc", "ticket": SMS_CODE})
    assert "service=https" in caplog.text

    assert "request POST /graphql/v2" in caplog.text  # logging did happen
    assert "retrying op=sms" in caplog.text
    texts = [
        caplog.text,
        repr(mgmt),
        repr(auth),
        repr(session),
        repr(mgmt.core),
        repr(mgmt.token_manager),
        *(str(f) for f in failures),
        *(repr(f) for f in failures),
    ]
    for text in texts:
        for secret in SECRETS:
            assert secret not in text
    await http.aclose()


def test_generated_models_keep_passwords_and_tokens_out_of_repr() -> None:
    import attrs

    from aioauthing.generated import models

    user_input = models.CreateUserInput(email="ada@example.com", password=PASSWORD)
    user = models.User(id="u1", arn="arn", user_pool_id="pool", token=USER_TOKEN)
    assert PASSWORD not in repr(user_input) and "ada@example.com" in repr(user_input)
    assert USER_TOKEN not in repr(user) and "u1" in repr(user)
    secret_like = ("password", "token", "secret")
    leaky = [
        f"{cls.__name__}.{field.name}"
        for cls in (getattr(models, name) for name in models.__all__)  # models load lazily
        if isinstance(cls, type) and attrs.has(cls)
        for field in attrs.fields(cls)
        if field.name.endswith(secret_like)
        and field.type in ("str | None", "str", str)
        and field.repr
    ]
    assert not leaky, f"secret-looking fields shown in repr: {leaky}"
