"""Naming the items of a batch that do not exist (``NotFoundError.missing``)."""

from __future__ import annotations

from typing import Any

import pytest

from aioauthing import models
from aioauthing.runtime.api import ApiBase
from aioauthing.runtime.errors import AuthingError, NotFoundError
from aioauthing.runtime.missing import absent, name_missing, raise_missing

pytestmark = pytest.mark.anyio

LOOKUP: Any = object()


def _user(**fields: Any) -> models.User:
    return models.User(id=fields.pop("id", "u"), arn="arn", user_pool_id="p", **fields)


def test_absent_keeps_the_asked_order_once_each() -> None:
    found = [{"id": "b"}, None]
    assert absent(["c", "b", "a", "c"], found, "id") == ["c", "a"]


def test_models_match_on_their_wire_field_and_emails_ignore_case() -> None:
    users = [_user(external_id="x1", email="Ada@Example.com")]
    assert absent(["x1", "x2"], users, "externalId") == ["x2"]
    assert absent(["ada@example.COM"], users, "email") == []
    assert absent(["X1"], users, "externalId") == ["X1"]


def test_raise_missing_names_at_most_ten_in_the_message() -> None:
    asked = [f"id{n}" for n in range(12)]
    with pytest.raises(NotFoundError) as info:
        raise_missing(asked, [], "id", "users.batch_get")
    error = info.value
    assert (error.code, error.operation, error.missing) == (2004, "users.batch_get", tuple(asked))
    assert str(error).startswith("[2004] 12 of the ids asked for were not found (not found: id0,")
    assert "id9 and 2 more)" in str(error) and "id10" not in str(error)
    raise_missing(["a"], [{"id": "a"}], "id", "users.batch_get")  # nothing missing: no error


def test_name_missing_without_missing_items_leaves_the_error_alone() -> None:
    error = NotFoundError(2004, "用户不存在")
    name_missing(error, [])
    assert (error.missing, error.message) == ((), "用户不存在")


class _Api(ApiBase):
    """An API whose lookups answer from a fixed list (or fail)."""

    def __init__(self, existing: list[str] | None) -> None:
        self.existing, self.calls = existing, []

    async def _execute(self, op: Any, **kwargs: Any) -> Any:
        self.calls.append(kwargs["variables"]["ids"])
        if self.existing is None:
            raise AuthingError(500, "boom")
        return [{"id": i} for i in kwargs["variables"]["ids"] if i in self.existing]


async def test_lookup_names_the_unknown_ids_in_chunks() -> None:
    api, error = _Api(existing=["b"]), NotFoundError(2004, "用户不存在")
    await api._name_missing(error, ["a", "b", "c", "a"], LOOKUP, "ids", 2)
    assert error.missing == ("a", "c")
    assert sorted(api.calls) == [["a", "b"], ["c"]]


@pytest.mark.parametrize(("existing", "asked"), [(None, ["a"]), (["a"], ["a"]), ([], None)])
async def test_a_failed_or_empty_lookup_leaves_the_error_as_it_was(
    existing: list[str] | None, asked: Any
) -> None:
    error = NotFoundError(2004, "用户不存在")
    await _Api(existing)._name_missing(error, asked, LOOKUP, "ids", 80)
    assert (error.missing, error.message) == ((), "用户不存在")
