"""``POST /__emulator__/user``: set fields of one account (internal flags included) without the
whole-state round trip of ``GET``/``PUT /state``."""

from __future__ import annotations

from typing import Any

from .conftest import LOGIN_BY_EMAIL, Wire, error_code


def _post(wire: Wire, body: Any) -> Any:
    return wire.client.post(
        f"{wire.settings.host}/__emulator__/user",
        params={"pool": wire.settings.user_pool_id},
        json=body,
    )


def test_a_flag_set_on_one_account_changes_its_login(wire: Wire) -> None:
    user = wire.create_user(email="flag@example.com", password="pw123456")
    answer = wire.admin(
        "POST", "/user", json={"id": user["id"], "fields": {"_forceResetPassword": True}}
    )
    assert answer == {"id": user["id"], "updated": ["_forceResetPassword"]}
    login = {"input": {"email": "flag@example.com", "password": wire.encrypt("pw123456")}}
    assert error_code(wire.gql(LOGIN_BY_EMAIL, login)) == 2058
    # the account's indexes follow a changed identity
    wire.admin("POST", "/user", json={"id": user["id"], "fields": {"email": "moved@example.com"}})
    moved = {"input": {"email": "moved@example.com", "password": wire.encrypt("pw123456")}}
    assert error_code(wire.gql(LOGIN_BY_EMAIL, moved)) == 2058
    assert error_code(wire.gql(LOGIN_BY_EMAIL, login)) == 2333  # no account has that email now


def test_an_unknown_account_or_no_fields_are_refused(wire: Wire) -> None:
    unknown = _post(wire, {"id": "000000000000000000000000", "fields": {"x": 1}}).json()
    assert unknown["code"] == 2004
    user = wire.create_user(email="plain@example.com", password="pw123456")
    for fields in ({}, [], "x", None):
        refused = _post(wire, {"id": user["id"], "fields": fields}).json()
        assert refused["code"] == 400 and refused["message"] == "fields must be a non-empty object"
