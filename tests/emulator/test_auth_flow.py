"""Register / login / current user / logout, duplicates, and who may call what."""

from __future__ import annotations

import httpx
import jwt

from aioauthing.emulator.server import EmulatorServer

from .conftest import (
    CHECK_LOGIN_STATUS,
    IS_USER_EXISTS,
    REGISTER_BY_EMAIL,
    USERS,
    Wire,
    error_code,
    new_pool,
)


def test_register_login_me_logout_invalidates(wire: Wire) -> None:
    registered = wire.gql(
        REGISTER_BY_EMAIL,
        {"input": {"email": "Alice@Example.com", "password": wire.encrypt("s3cret!")}},
    )["data"]["registerByEmail"]
    assert registered["token"] is None  # neither forceLogin nor generateToken
    assert registered["registerSource"] == ["basic:email"]
    assert registered["emailVerified"] is False
    assert registered["password"]
    assert "s3cret" not in registered["password"]

    login = wire.login_by_email("alice@example.COM", "s3cret!")["data"]["loginByEmail"]
    assert login["id"] == registered["id"]
    assert login["loginsCount"] == 1
    token = login["token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == login["id"]
    assert claims["aud"] == wire.settings.app_id
    assert claims["userpool_id"] == wire.settings.user_pool_id
    assert claims["email"] == "Alice@Example.com"
    assert claims["data"]["id"] == login["id"]
    assert claims["exp"] - claims["iat"] == 1_209_600

    me = wire.rest("GET", "/api/v2/users/me", token=token)
    assert me["code"] == 200
    assert me["data"]["id"] == login["id"]
    status = wire.gql(CHECK_LOGIN_STATUS, {"token": token})["data"]["checkLoginStatus"]
    assert status["status"] is True
    assert status["code"] == 200
    assert status["data"]["id"] == login["id"]

    out = wire.rest("GET", "/api/v2/logout", token=token, params={"app_id": wire.settings.app_id})
    assert out["code"] == 200
    assert wire.rest("GET", "/api/v2/users/me", token=token)["code"] == 2020
    status = wire.gql(CHECK_LOGIN_STATUS, {"token": token})["data"]["checkLoginStatus"]
    assert status == {
        "code": 2206,
        "message": "登录信息已过期",
        "status": False,
        "exp": None,
        "iat": None,
        "data": None,
    }
    assert wire.rest("GET", "/api/v2/logout", token=token)["code"] == 1010001


def test_wrong_password_and_unknown_user(wire: Wire) -> None:
    wire.create_user(email="bob@example.com", password="right-one")
    assert error_code(wire.login_by_email("bob@example.com", "wrong")) == 2333
    assert error_code(wire.login_by_email("nobody@example.com", "x")) == 2333
    body = wire.gql(
        "mutation loginByEmail($input: LoginByEmailInput!) { loginByEmail(input: $input) { id } }",
        {"input": {"email": "bob@example.com", "password": "not-rsa-encrypted"}},
    )
    assert error_code(body) == 2016


def test_admin_created_user_defaults(wire: Wire) -> None:
    user = wire.create_user(username="carol", password="pw-123456", externalId="ext-1")
    assert user["status"] == "Activated"
    assert user["registerSource"] == ["unknown"]
    assert user["loginsCount"] == 0
    assert user["gender"] == "U"
    assert user["photo"] == "https://files.authing.co/authing-console/default-user-avatar.png"
    assert user["token"] is None
    assert len(user["id"]) == 24
    assert int(user["id"], 16) >= 0
    assert user["arn"] == f"arn:cn:authing:{wire.settings.user_pool_id}:user:{user['id']}"
    assert user["createdAt"].endswith("+00:00")
    assert "." not in user["createdAt"]


def test_duplicates_are_2026(wire: Wire) -> None:
    wire.create_user(email="dup@example.com", username="Dup", phone="13800000001", externalId="e1")
    token = wire.management_token()
    cases = [
        {"email": "DUP@example.com"},  # email is case-insensitive
        {"username": "Dup"},
        {"phone": "13800000001"},
        {"externalId": "e1"},
    ]
    for user_info in cases:
        body = wire.gql(
            "mutation createUser($userInfo: CreateUserInput!) { createUser(userInfo: $userInfo) { id } }",
            {"userInfo": user_info},
            token=token,
        )
        assert error_code(body) == 2026, user_info
        assert body["data"] == {"createUser": None}
    # username is case-sensitive
    wire.create_user(username="dup")
    body = wire.gql(
        REGISTER_BY_EMAIL, {"input": {"email": "Dup@Example.com", "password": wire.encrypt("x")}}
    )
    assert error_code(body) == 2026
    exists = wire.gql(IS_USER_EXISTS, {"email": "dup@EXAMPLE.com"})["data"]["isUserExists"]
    assert exists is True
    rest = wire.rest("GET", "/api/v2/users/is-user-exists", params={"username": "DUP"})
    assert rest == {"code": 200, "message": "查询成功", "data": False}


def test_management_token_required(wire: Wire) -> None:
    assert error_code(wire.gql(USERS, {})) == 2020
    assert error_code(wire.gql(USERS, {}, token="not-a-jwt")) == 2020
    wire.create_user(email="u@example.com", password="pw")
    user_token = wire.login_by_email("u@example.com", "pw")["data"]["loginByEmail"]["token"]
    assert error_code(wire.gql(USERS, {}, token=user_token)) == 1001
    page = wire.gql(USERS, {"page": 1, "limit": 10}, token=wire.management_token())
    assert page["data"]["users"]["totalCount"] == 1
    assert wire.rest("GET", "/api/v2/users/me", token=wire.management_token())["code"] == 2020
    bad = wire.gql(ACCESS, {"userPoolId": wire.settings.user_pool_id, "secret": "wrong"})
    assert error_code(bad) == 1001


ACCESS = (
    "query accessToken($userPoolId: String!, $secret: String!) "
    "{ accessToken(userPoolId: $userPoolId, secret: $secret) { accessToken exp iat } }"
)


def test_clock_expires_tokens(wire: Wire) -> None:
    wire.create_user(email="t@example.com", password="pw")
    user_token = wire.login_by_email("t@example.com", "pw")["data"]["loginByEmail"]["token"]
    mgmt = wire.management_token()
    wire.admin("POST", "/clock", json={"advance": 30 * 86_400})
    assert error_code(wire.gql(USERS, {}, token=mgmt)) == 2206
    assert wire.rest("GET", "/api/v2/users/me", token=user_token)["code"] == 2206
    status = wire.gql(CHECK_LOGIN_STATUS, {"token": user_token})["data"]["checkLoginStatus"]
    assert status["code"] == 2206
    assert status["status"] is False
    wire.admin("POST", "/clock", json={"offset": 0})
    assert wire.rest("GET", "/api/v2/users/me", token=user_token)["code"] == 200


def test_kick_and_management_logout_invalidate(wire: Wire) -> None:
    user = wire.create_user(email="k@example.com", password="pw")
    first = wire.login_by_email("k@example.com", "pw")["data"]["loginByEmail"]["token"]
    mgmt = wire.management_token()
    status = wire.rest(
        "GET", "/api/v2/users/login-status", token=mgmt, params={"userId": user["id"]}
    )
    assert status["data"]["isLogin"] is True
    kicked = wire.rest("POST", "/api/v2/users/kick", token=mgmt, json={"userIds": [user["id"]]})
    assert kicked == {"code": 200, "message": "强制下线成功", "data": None}
    assert wire.rest("GET", "/api/v2/users/me", token=first)["code"] == 2020
    second = wire.login_by_email("k@example.com", "pw")["data"]["loginByEmail"]["token"]
    out = wire.rest("GET", "/logout", token=mgmt, params={"userId": user["id"], "appId": "x"})
    assert out["code"] == 200
    assert wire.rest("GET", "/api/v2/users/me", token=second)["code"] == 2020
    detail = wire.rest("GET", f"/api/v2/users/{user['id']}", token=mgmt)
    assert detail["data"]["email"] == "k@example.com"
    assert detail["data"]["loginsCount"] == 2
    assert wire.rest("GET", "/api/v2/users/000000000000000000000000", token=mgmt)["code"] == 2004


def test_sms_codes_go_to_the_outbox(wire: Wire) -> None:
    sent = wire.rest("POST", "/api/v2/sms/send", json={"phone": "13900000000"})
    assert sent == {"code": 200, "message": "发送成功", "data": None}
    assert wire.rest("POST", "/api/v2/sms/send", json={"phone": "abc"})["code"] == 500
    messages = wire.admin("GET", "/outbox", params={"phone": "13900000000"})
    assert len(messages["messages"]) == 1
    assert len(messages["messages"][0]["code"]) == 6
    wire.admin("POST", "/codes", json={"fixed": "123456"})
    wire.rest("POST", "/api/v2/sms/send", json={"phone": "13900000001"})
    messages = wire.admin("GET", "/outbox")["messages"]
    assert messages[-1]["code"] == "123456"


def test_pools_are_isolated(authing_emulator: EmulatorServer) -> None:
    with httpx.Client(timeout=10) as client:
        a = new_pool(authing_emulator, client)
        b = new_pool(authing_emulator, client)
        assert a.settings.user_pool_id != b.settings.user_pool_id
        assert a.settings.secret != b.settings.secret
        a.create_user(email="same@example.com", password="pw")
        b.create_user(email="same@example.com", password="other")  # no 2026 across pools
        assert b.gql(USERS, {}, token=b.management_token())["data"]["users"]["totalCount"] == 1
        assert error_code(b.login_by_email("same@example.com", "pw")) == 2333
        # a management token of pool A does not manage pool B
        body = b.gql(USERS, {}, token=a.management_token())
        assert error_code(body) == 1001
        unknown = a.gql(
            ACCESS, {"userPoolId": "ffffffffffffffffffffffff", "secret": a.settings.secret}
        )
        assert error_code(unknown) == 2224


def test_user_defined_values(wire: Wire) -> None:
    user = wire.create_user(email="udv@example.com", password="pw")
    token = wire.login_by_email("udv@example.com", "pw")["data"]["loginByEmail"]["token"]
    body = wire.gql(
        "mutation setUdvBatch($targetType: UDFTargetType!, $targetId: String!, "
        "$udvList: [UserDefinedDataInput!]) { setUdvBatch(targetType: $targetType, "
        "targetId: $targetId, udvList: $udvList) { key dataType value label } }",
        {
            "targetType": "USER",
            "targetId": user["id"],
            "udvList": [{"key": "age", "value": "18"}, {"key": "school", "value": '"qq"'}],
        },
        token=token,
    )
    assert "errors" not in body, body
    values = {v["key"]: v for v in body["data"]["setUdvBatch"]}
    assert values["age"]["value"] == "18"
    assert values["age"]["dataType"] == "NUMBER"
    assert values["school"]["value"] == "qq"
