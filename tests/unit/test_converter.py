from __future__ import annotations

import enum
from typing import Any

import attrs
import pytest

from aioauthing.runtime.converter import make_converter
from aioauthing.runtime.errors import ResponseDecodeError
from aioauthing.runtime.operation import UNSET, Unset


class UserStatus(enum.StrEnum):
    ACTIVATED = "Activated"
    SUSPENDED = "Suspended"


@attrs.define(slots=True, kw_only=True)
class Role:
    code: str = attrs.field(metadata={"wire": "code"})
    role_arn: str | None = attrs.field(default=None, metadata={"wire": "arn"})


@attrs.define(slots=True, kw_only=True)
class User:
    id: str = attrs.field(metadata={"wire": "id"})
    user_pool_id: str = attrs.field(metadata={"wire": "userPoolId"})
    status: UserStatus | str | None = attrs.field(default=None, metadata={"wire": "status"})
    roles: list[Role] | None = attrs.field(default=None, metadata={"wire": "roles"})
    custom_data: Any = attrs.field(default=None, metadata={"wire": "customData"})
    login_count: int | None = attrs.field(default=None, metadata={"wire": "loginsCount"})


@attrs.define(slots=True, kw_only=True)
class UpdateUserInput:
    nickname: str | Unset | None = attrs.field(default=UNSET, metadata={"wire": "nickname"})
    status: UserStatus | Unset | None = attrs.field(default=UNSET, metadata={"wire": "status"})
    role: Role | Unset | None = attrs.field(default=UNSET, metadata={"wire": "role"})


WIRE = {
    "id": "u1",
    "userPoolId": "p1",
    "status": "Activated",
    "roles": [{"code": "admin", "arn": "arn:x"}],
    "customData": {"a": [1, 2]},
    "loginsCount": 3,
}


def test_structures_wire_names_nested_lists_and_any() -> None:
    user = make_converter().structure(WIRE, User)
    assert user == User(
        id="u1",
        user_pool_id="p1",
        status=UserStatus.ACTIVATED,
        roles=[Role(code="admin", role_arn="arn:x")],
        custom_data={"a": [1, 2]},
        login_count=3,
    )


def test_tolerant_mode_ignores_unknown_keys_and_keeps_unknown_enum_values() -> None:
    data = {**WIRE, "status": "Archived", "brandNewField": 1, "roles": [{"code": "r", "x": 2}]}
    user = make_converter().structure(data, User)
    assert user.status == "Archived"
    assert not isinstance(user.status, UserStatus)
    assert user.roles == [Role(code="r")]


@pytest.mark.parametrize(
    "data",
    [
        {**WIRE, "brandNewField": 1},
        {**WIRE, "status": "Archived"},
        {**WIRE, "roles": [{"code": "r", "x": 2}]},
    ],
)
def test_strict_mode_rejects_drift(data: dict[str, Any]) -> None:
    with pytest.raises(ResponseDecodeError):
        make_converter(strict=True).structure(data, User)


def test_failure_is_re_run_with_detailed_paths() -> None:
    with pytest.raises(ResponseDecodeError) as info:
        make_converter().structure({"id": "u1", "loginsCount": "many"}, User)
    message = str(info.value)
    assert "User" in message
    assert "user_pool_id" in message
    assert "login_count" in message
    assert "many" not in message  # values are never echoed


def test_unstructure_omits_unset_keeps_none_and_uses_enum_values() -> None:
    conv = make_converter()
    assert conv.unstructure(UpdateUserInput()) == {}
    assert conv.unstructure(UpdateUserInput(nickname=None)) == {"nickname": None}
    out = conv.unstructure(UpdateUserInput(status=UserStatus.SUSPENDED, role=Role(code="c")))
    assert out == {"status": "Suspended", "role": {"code": "c", "arn": None}}
    assert type(out["status"]) is str


def test_round_trip_output_model() -> None:
    conv = make_converter(strict=True)
    user = conv.structure(WIRE, User)
    assert conv.unstructure(user) == WIRE


def test_structure_input_model_with_unset_union() -> None:
    value = make_converter().structure({"nickname": "n"}, UpdateUserInput)
    assert value == UpdateUserInput(nickname="n")
    assert value.status is UNSET
