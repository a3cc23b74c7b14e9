"""Custom data end to end: Python values in, the same Python values out, through every write and
read path, typed by the field's data type; wrong types rejected before sending (when the client
knows the field) or by the service."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from aioauthing import AuthingError, AuthingValidationError, NotFoundError, models
from aioauthing.custom_data import as_dict, batch_inputs, inputs
from aioauthing.runtime.clients import ManagementClient
from aioauthing.runtime.errors import InvalidInputError

pytestmark = pytest.mark.anyio

WHEN = "2024-05-06T07:08:09.123Z"
CUSTOM: dict[str, tuple[str, Any]] = {
    "nick": ("STRING", "Ada 👩‍💻"),
    "age": ("NUMBER", 42),
    "height": ("NUMBER", 3.5),
    "vip": ("BOOLEAN", True),
    "born": ("DATETIME", WHEN),
    "prefs": ("OBJECT", {"a": [1, {"b": None}]}),
}
EXPECTED = {key: value for key, (_kind, value) in CUSTOM.items()}
VALUES = dict(EXPECTED)

Writer = Callable[[Any, Any, str], Awaitable[None]]


def _exact(values: dict[str, Any]) -> None:
    """Same values and same Python types (``42`` is not ``42.0`` nor ``True``)."""
    assert values == EXPECTED
    assert {k: type(v) for k, v in values.items()} == {k: type(v) for k, v in EXPECTED.items()}


async def _define(mgmt: Any) -> None:
    for key, (kind, _value) in CUSTOM.items():
        await mgmt.udf.set("USER", key, kind, key.title())


async def _user(mgmt: Any, name: str) -> Any:
    return await mgmt.users.create(models.CreateUserInput(username=name, password="pw123456"))


async def _write_one_by_one(mgmt: Any, auth: Any, user_id: str) -> None:
    for key, value in VALUES.items():
        await mgmt.users.set_udf_value(user_id, key, value)


async def _write_in_a_batch(mgmt: Any, auth: Any, user_id: str) -> None:
    done = await mgmt.users.set_udf_value_batch(batch_inputs({user_id: VALUES}))
    assert done is not None and done.code == 200


async def _write_as_the_user(mgmt: Any, auth: Any, user_id: str) -> None:
    user = await mgmt.users.detail(user_id)
    token = (await auth.login_by_username(user.username, "pw123456")).token
    returned = await auth.as_user(token).set_udv(user_id, inputs(VALUES))
    _exact(as_dict(returned))


WRITERS = {
    "mgmt.users.set_udf_value": _write_one_by_one,
    "mgmt.users.set_udf_value_batch": _write_in_a_batch,
    "auth.as_user(t).set_udv": _write_as_the_user,
}


async def _read_everywhere(mgmt: Any, auth: Any, user: Any) -> dict[str, dict[str, Any]]:
    token = (await auth.login_by_username(user.username, "pw123456")).token
    [mapped] = await mgmt.users.get_udf_value_batch([user.id])
    detail = await mgmt.users.detail(user.id, with_custom_data=True)
    [batch] = await mgmt.users.batch_get([user.id])
    found = await mgmt.users.find(username=user.username)
    searched = await mgmt.users.search(user.username)
    return {
        "get_udf_value": as_dict(await mgmt.users.get_udf_value(user.id)),
        "get_udf_value_batch": as_dict(mapped.data),
        "detail(with_custom_data)": as_dict(detail.custom_data),
        "batch_get": as_dict(batch.custom_data),
        "find": as_dict(found.custom_data),
        "search": as_dict(searched.list[0].custom_data),
        "auth list_udv": as_dict(await auth.as_user(token).list_udv(user.id)),
    }


@pytest.mark.parametrize("writer", list(WRITERS))
async def test_every_type_round_trips_through_every_read_path(
    writer: str, authing_client: Any, authing_management_client: Any
) -> None:
    auth, mgmt = authing_client, authing_management_client
    await _define(mgmt)
    ada = await _user(mgmt, "ada")
    await WRITERS[writer](mgmt, auth, ada.id)
    for path, values in (await _read_everywhere(mgmt, auth, ada)).items():
        assert set(values) == set(EXPECTED), path
        _exact(values)


async def test_set_udf_value_returns_typed_values_and_labels(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    await _define(mgmt)
    ada = await _user(mgmt, "ada")
    returned = await mgmt.users.set_udf_value(ada.id, "age", 42)
    assert returned is not None
    [age] = returned
    assert (age.key, age.data_type, age.value, age.label) == ("age", "NUMBER", 42, "Age")
    remaining = await mgmt.users.remove_udf_value(ada.id, "age")
    assert remaining == []


async def test_a_datetime_is_sent_as_its_iso_string(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    await _define(mgmt)
    ada = await _user(mgmt, "ada")
    when = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    await mgmt.users.set_udf_value(ada.id, "born", when)
    assert as_dict(await mgmt.users.get_udf_value(ada.id)) == {"born": when.isoformat()}


async def test_create_with_custom_data_reads_back_typed(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    await _define(mgmt)
    ada = await mgmt.users.create(models.CreateUserInput(username="ada"), custom_data=VALUES)
    _exact(as_dict(await mgmt.users.get_udf_value(ada.id)))
    with pytest.raises(AuthingValidationError, match=_refused("age", "NUMBER")):
        await mgmt.users.create(models.CreateUserInput(username="bob"), custom_data={"age": "42"})
    assert await mgmt.users.find(username="bob") is None  # refused before sending


def _refused(key: str, kind: str) -> str:
    return re.escape(f"'custom_data.{key}': is a {kind} field; got a ")


WRONG = [("age", "42"), ("age", True), ("vip", 1), ("born", "not a date"), ("prefs", "dark")]


@pytest.mark.parametrize(("key", "wrong"), WRONG)
async def test_a_known_field_rejects_a_wrong_type_before_sending(
    key: str, wrong: Any, authing_client: Any, authing_management_client: Any
) -> None:
    auth, mgmt = authing_client, authing_management_client
    await _define(mgmt)  # the client now knows every field's type
    ada = await _user(mgmt, "ada")
    attempts = [
        lambda: mgmt.users.set_udf_value(ada.id, key, wrong),
        lambda: mgmt.users.set_udf_value_batch(batch_inputs({ada.id: {key: wrong}})),
    ]
    kind = CUSTOM[key][0]
    for attempt in attempts:
        with pytest.raises(AuthingValidationError, match=_refused(key, kind)):
            await attempt()
    assert await mgmt.users.get_udf_value(ada.id) == []

    # The user's client learns the types from the values it reads.
    await mgmt.users.set_udf_value(ada.id, key, VALUES[key])
    token = (await auth.login_by_username("ada", "pw123456")).token
    me = auth.as_user(token)
    await me.list_udv(ada.id)
    with pytest.raises(AuthingValidationError, match=_refused(key, kind)):
        await me.set_udv(ada.id, inputs({key: wrong}))
    assert as_dict(await me.list_udv(ada.id)) == {key: VALUES[key]}


@pytest.mark.parametrize(("key", "wrong"), WRONG)
async def test_an_unknown_field_type_is_checked_by_the_service(
    key: str, wrong: Any, authing_pool: Any, authing_management_client: Any
) -> None:
    await _define(authing_management_client)
    async with ManagementClient(
        authing_pool.user_pool_id,
        authing_pool.secret,
        host=authing_pool.host,
        public_key=authing_pool.public_key,
    ) as fresh:  # has never seen the definitions: the service decides
        ada = await _user(fresh, "ada")
        with pytest.raises(AuthingError) as info:
            await fresh.users.set_udf_value(ada.id, key, wrong)
        assert info.value.code == 400 and key in info.value.message
        assert await fresh.users.get_udf_value(ada.id) == []


async def test_values_that_are_not_json_data_are_refused_naming_the_key(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    ada = await _user(mgmt, "ada")
    with pytest.raises(
        AuthingValidationError, match=re.escape("'custom_data.blob'") + ".*not JSON data"
    ):
        await mgmt.users.set_udf_value(ada.id, "blob", {1, 2})
    with pytest.raises(AuthingValidationError, match=re.escape("'custom_data.ratio'") + ".*finite"):
        await mgmt.users.set_udf_value(ada.id, "ratio", float("nan"))


async def test_undefined_keys_and_unknown_users_are_refused_by_the_service(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    ada = await _user(mgmt, "ada")
    with pytest.raises(AuthingError) as info:
        await mgmt.users.set_udf_value(ada.id, "undefined", "x")
    assert info.value.code == 400
    await _define(mgmt)
    with pytest.raises(NotFoundError):
        await mgmt.users.set_udf_value("000000000000000000000000", "age", 1)


async def test_batch_set_is_all_or_nothing(authing_pool: Any) -> None:
    async with ManagementClient(
        authing_pool.user_pool_id,
        authing_pool.secret,
        host=authing_pool.host,
        public_key=authing_pool.public_key,
    ) as mgmt:
        await _define(mgmt)
        ada, bob = await _user(mgmt, "ada"), await _user(mgmt, "bob")
        # A client that has not seen the definitions sends the batch; the service refuses it whole.
        async with ManagementClient(
            authing_pool.user_pool_id,
            authing_pool.secret,
            host=authing_pool.host,
            public_key=authing_pool.public_key,
        ) as fresh:
            with pytest.raises(AuthingError) as refused:
                await fresh.users.set_udf_value_batch(
                    batch_inputs({ada.id: {"age": 7}, bob.id: {"age": "x"}})
                )
            assert type(refused.value) is InvalidInputError and refused.value.code == 400
        assert await mgmt.users.get_udf_value(ada.id) == []
        maps = await mgmt.users.get_udf_value_batch([bob.id, ada.id])
        assert [(m.target_id, m.data) for m in maps] == [(bob.id, []), (ada.id, [])]


async def test_removing_a_field_removes_its_values(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    await _define(mgmt)
    ada = await _user(mgmt, "ada")
    await mgmt.users.set_udf_value(ada.id, "nick", "Ada")
    await mgmt.udf.remove("USER", "nick")
    assert await mgmt.users.get_udf_value(ada.id) == []
    assert "nick" not in {f.key for f in await mgmt.udf.list("USER")}


# ---------------------------------------------------------------- every target type
async def _targets(mgmt: Any, pool_id: str) -> dict[str, str]:
    """One object of each UDFTargetType the service has, by the id its values are keyed by."""
    org = await mgmt.org.create("Acme", code="acme")
    app = await mgmt.applications.create("Shop", "shop-udf", ["http://127.0.0.1/cb"])
    return {
        "USER": (await _user(mgmt, "ada")).id,
        "ROLE": (await mgmt.roles.create("editor")).id,
        "NODE": org.root_node.id,
        "ORG": org.id,
        "APPLICATION": app.id,
        "USERPOOL": pool_id,
        "PERMISSION": "default",
    }


async def test_values_of_every_target_type_are_kept_apart_and_typed(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt = authing_management_client
    targets = await _targets(mgmt, authing_pool.user_pool_id)
    for n, (target_type, target_id) in enumerate(sorted(targets.items())):
        await mgmt.udf.set(target_type, "rank", "NUMBER", "Rank")
        await mgmt.udf.set(target_type, "tag", "STRING", "Tag")
        assert [f.key for f in await mgmt.udf.list(target_type)] == ["rank", "tag"]
        values = await mgmt.udf.set_udf_value_batch(
            target_type, target_id, inputs({"rank": n, "tag": target_type.lower()})
        )
        assert as_dict(values) == {"rank": n, "tag": target_type.lower()}
    for n, (target_type, target_id) in enumerate(sorted(targets.items())):
        read = await mgmt.udf.list_udf_value(target_type, target_id)
        assert as_dict(read) == {"rank": n, "tag": target_type.lower()}, target_type
        assert {v.key: str(v.data_type) for v in read} == {"rank": "NUMBER", "tag": "STRING"}

    # Removing a field drops its values from objects of that target type only.
    await mgmt.udf.remove("NODE", "tag")
    node_rank = sorted(targets).index("NODE")
    assert as_dict(await mgmt.udf.list_udf_value("NODE", targets["NODE"])) == {"rank": node_rank}
    assert "tag" in as_dict(await mgmt.udf.list_udf_value("ORG", targets["ORG"]))


async def test_values_of_unknown_objects_and_undefined_keys_are_refused(
    authing_management_client: Any, authing_pool: Any
) -> None:
    mgmt = authing_management_client
    expected = {
        "USER": (2004, "用户不存在"),
        "ROLE": (404, "角色不存在"),
        "NODE": (404, "节点不存在"),
        "ORG": (404, "组织机构不存在"),
        "APPLICATION": (2011, "应用不存在"),
        "USERPOOL": (2224, "用户池不存在"),
        "PERMISSION": (404, "权限分组不存在"),
    }
    for target_type, code_and_message in expected.items():
        with pytest.raises(NotFoundError) as info:
            await mgmt.udf.list_udf_value(target_type, "000000000000000000000000")
        assert (info.value.code, info.value.message) == code_and_message, target_type
    role = await mgmt.roles.create("editor")
    with pytest.raises(AuthingError) as refused:
        await mgmt.udf.set_udf_value_batch("ROLE", role.id, inputs({"undefined": 1}))
    assert refused.value.code == 400 and "undefined" in refused.value.message
    await mgmt.udf.set("ROLE", "rank", "NUMBER", "Rank")
    with pytest.raises(AuthingError) as refused:
        # The client has not seen the ROLE field's type: the service refuses the mismatch.
        await mgmt.udf.set_udf_value_batch("ROLE", role.id, inputs({"rank": "high"}))
    assert refused.value.code == 400 and "NUMBER" in refused.value.message
    with pytest.raises(AuthingValidationError, match="target_type"):
        await mgmt.udf.list_udf_value("GALAXY", role.id)
    with pytest.raises(AuthingValidationError, match="udv_list"):
        await mgmt.udf.set_udf_value_batch("ROLE", role.id, [])
