"""Shared helpers for the emulator tests: a wire client speaking raw GraphQL / REST over HTTP."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from aioauthing.emulator.pytest_plugin import (  # noqa: F401  (fixtures, if the entry point is absent)
    authing_emulator,
    authing_emulator_app,
    authing_pool,
)
from aioauthing.emulator.server import EmulatorServer
from aioauthing.emulator.settings import EmulatorSettings

# The selection sets Authing's SDKs send (wire-v2 §3.0).
USER_FIELDS = (
    "id arn status userPoolId username email emailVerified phone phoneVerified unionid openid "
    "nickname registerSource photo password oauth token tokenExpiredAt loginsCount lastLogin "
    "lastIP signedUp blocked isDeleted device browser company name givenName familyName "
    "middleName profile preferredUsername website gender birthdate zoneinfo locale address "
    "formatted streetAddress locality region postalCode city province country createdAt "
    "updatedAt externalId"
)
ACCESS_TOKEN = (
    "query accessToken($userPoolId: String!, $secret: String!) "
    "{ accessToken(userPoolId: $userPoolId, secret: $secret) { accessToken exp iat } }"
)
CREATE_USER = (
    "mutation createUser($userInfo: CreateUserInput!, $params: String, "
    "$identity: CreateUserIdentityInput, $keepPassword: Boolean, "
    "$resetPasswordOnFirstLogin: Boolean) { createUser(userInfo: $userInfo, params: $params, "
    "identity: $identity, keepPassword: $keepPassword, "
    f"resetPasswordOnFirstLogin: $resetPasswordOnFirstLogin) {{ {USER_FIELDS} }} }}"
)
REGISTER_BY_EMAIL = (
    "mutation registerByEmail($input: RegisterByEmailInput!) "
    f"{{ registerByEmail(input: $input) {{ {USER_FIELDS} }} }}"
)
LOGIN_BY_EMAIL = f"mutation loginByEmail($input: LoginByEmailInput!) {{ loginByEmail(input: $input) {{ {USER_FIELDS} }} }}"
USERS = (
    "query users($page: Int, $limit: Int, $sortBy: SortByEnum, $excludeUsersInOrg: Boolean) "
    "{ users(page: $page, limit: $limit, sortBy: $sortBy, excludeUsersInOrg: $excludeUsersInOrg) "
    f"{{ totalCount list {{ {USER_FIELDS} }} }} }}"
)
CHECK_LOGIN_STATUS = (
    "query checkLoginStatus($token: String) { checkLoginStatus(token: $token) "
    "{ code message status exp iat data { id userPoolId arn } } }"
)
IS_USER_EXISTS = (
    "query isUserExists($email: String, $phone: String, $username: String, $externalId: String) "
    "{ isUserExists(email: $email, phone: $phone, username: $username, externalId: $externalId) }"
)


class Wire:
    """Raw HTTP access to one emulator pool, as an Authing SDK would talk to it."""

    def __init__(self, settings: EmulatorSettings, client: httpx.Client) -> None:
        self.settings = settings
        self.client = client
        key = serialization.load_pem_public_key(settings.public_key.encode())
        assert isinstance(key, rsa.RSAPublicKey)
        self._key = key
        self._mgmt: str | None = None

    def encrypt(self, plain: str) -> str:
        return base64.b64encode(self._key.encrypt(plain.encode(), padding.PKCS1v15())).decode()

    def headers(self, token: str | None = None) -> dict[str, str]:
        headers = {
            "x-authing-userpool-id": self.settings.user_pool_id,
            "x-authing-app-id": self.settings.app_id,
            "x-authing-request-from": "sdk",
            "x-authing-sdk-version": "python:4.5.18",
        }
        if token:
            headers["authorization"] = f"Bearer {token}"
        return headers

    def gql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        response = self.client.post(
            f"{self.settings.host}/graphql/v2",
            json={"query": query, "variables": variables or {}},
            headers=self.headers(token),
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def rest(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        response = self.client.request(
            method, f"{self.settings.host}{path}", headers=self.headers(token), **kwargs
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def management_token(self) -> str:
        if self._mgmt is None:
            body = self.gql(
                ACCESS_TOKEN,
                {"userPoolId": self.settings.user_pool_id, "secret": self.settings.secret},
            )
            self._mgmt = body["data"]["accessToken"]["accessToken"]
        return self._mgmt

    def create_user(self, **user_info: Any) -> dict[str, Any]:
        if "password" in user_info:
            user_info["password"] = self.encrypt(user_info["password"])
        body = self.gql(CREATE_USER, {"userInfo": user_info}, token=self.management_token())
        assert "errors" not in body, body
        user: dict[str, Any] = body["data"]["createUser"]
        return user

    def login_by_email(self, email: str, password: str) -> dict[str, Any]:
        return self.gql(
            LOGIN_BY_EMAIL, {"input": {"email": email, "password": self.encrypt(password)}}
        )

    def admin(
        self, method: str, path: str, params: dict[str, str] | None = None, **kwargs: Any
    ) -> Any:
        response = self.client.request(
            method,
            f"{self.settings.host}/__emulator__{path}",
            params={"pool": self.settings.user_pool_id, **(params or {})},
            **kwargs,
        )
        assert response.status_code == 200, response.text
        return response.json()


def error_code(body: dict[str, Any]) -> int:
    code: int = body["errors"][0]["message"]["code"]
    return code


@pytest.fixture
def wire(authing_pool: EmulatorSettings) -> Iterator[Wire]:  # noqa: F811
    with httpx.Client(timeout=10) as client:
        yield Wire(authing_pool, client)


def new_pool(server: EmulatorServer, client: httpx.Client, **body: Any) -> Wire:
    response = client.post(f"{server.url}/__emulator__/pools", json=body)
    response.raise_for_status()
    return Wire(EmulatorSettings.from_dict(response.json()), client)
