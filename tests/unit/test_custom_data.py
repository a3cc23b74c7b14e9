"""Custom data values: wire text <-> Python values by data type, and the converter's hooks."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from aioauthing import AuthingValidationError, models
from aioauthing.runtime.converter import make_converter
from aioauthing.runtime.custom_data import decode, encode
from aioauthing.runtime.errors import ResponseDecodeError


@pytest.mark.parametrize(
    ("text", "data_type", "value"),
    [
        ("42", "NUMBER", 42),
        ("3.5", "NUMBER", 3.5),
        ("true", "BOOLEAN", True),
        ('{"a": [1, {"b": null}]}', "OBJECT", {"a": [1, {"b": None}]}),
        ("2024-05-06T07:08:09Z", "DATETIME", "2024-05-06T07:08:09Z"),
        ("1700000000000", "DATETIME", "1700000000000"),
        ("42", "STRING", "42"),
        ("red", "SELECT", "red"),
    ],
)
def test_decode_by_data_type(text: str, data_type: str, value: Any) -> None:
    decoded = decode(text, data_type)
    assert decoded == value and type(decoded) is type(value)


def test_text_that_does_not_parse_is_kept_unless_strict() -> None:
    assert decode("eighteen", "NUMBER") == "eighteen"
    assert decode("1", "BOOLEAN") == "1"
    with pytest.raises(ValueError, match="not a NUMBER"):
        decode("eighteen", "NUMBER", strict=True)


@pytest.mark.parametrize(
    ("value", "data_type", "text"),
    [
        (42, "NUMBER", "42"),
        (True, "BOOLEAN", "true"),
        ("Ada", "STRING", '"Ada"'),
        ({"a": (1, 2)}, "OBJECT", '{"a": [1, 2]}'),
        (dt.date(2024, 5, 6), "DATETIME", '"2024-05-06"'),
        ("2024-05-06T07:08:09Z", "DATETIME", '"2024-05-06T07:08:09Z"'),
        ("名字", None, '"名字"'),
    ],
)
def test_encode_is_json_checked_against_a_known_type(value: Any, data_type: Any, text: str) -> None:
    assert encode("k", value, data_type) == text


@pytest.mark.parametrize(
    ("value", "data_type", "problem"),
    [
        ("42", "NUMBER", "is a NUMBER field; got a str"),
        (True, "NUMBER", "is a NUMBER field; got a bool"),
        (1, "BOOLEAN", "is a BOOLEAN field; got a int"),
        ("soon", "DATETIME", "is a DATETIME field; got a str"),
        (7, "STRING", "is a STRING field; got a int"),
        (object(), None, "not JSON data"),
        (float("inf"), None, "finite"),
    ],
)
def test_encode_refuses_naming_the_key_never_the_value(
    value: Any, data_type: Any, problem: str
) -> None:
    with pytest.raises(AuthingValidationError, match=problem) as info:
        encode("secret_key", value, data_type)
    assert info.value.parameter == "custom_data.secret_key"
    assert repr(value) not in str(info.value)


def test_converter_decodes_values_and_learns_field_types() -> None:
    conv = make_converter(strict=True)
    wire = [{"key": "age", "dataType": "NUMBER", "value": "42", "label": None}]
    [age] = conv.structure(wire, list[models.UserDefinedData])
    assert age.value == 42 and conv.known_types.get("age") == "NUMBER"
    user = conv.structure(
        {
            "id": "u",
            "arn": "a",
            "userPoolId": "p",
            "customData": [{"key": "vip", "dataType": "BOOLEAN", "value": None}],
        },
        models.User,
    )
    assert user.custom_data is not None and user.custom_data[0].value is None
    conv.structure(
        {"targetType": "ROLE", "dataType": "OBJECT", "key": "level"}, models.UserDefinedField
    )
    assert conv.known_types.get("level") is None  # only USER definitions describe user data


def test_strict_converter_refuses_a_value_that_contradicts_its_type() -> None:
    wire = [{"key": "age", "dataType": "NUMBER", "value": "old"}]
    with pytest.raises(ResponseDecodeError):
        make_converter(strict=True).structure(wire, list[models.UserDefinedData])
    [age] = make_converter().structure(wire, list[models.UserDefinedData])
    assert age.value == "old"


def test_inputs_are_encoded_and_checked_when_unstructured() -> None:
    conv = make_converter()
    item = models.SetUdfValueBatchInput(target_id="u", key="prefs", value={"a": [1]})
    assert conv.unstructure(item) == {"targetId": "u", "key": "prefs", "value": '{"a": [1]}'}
    assert conv.unstructure(models.UserDefinedDataInput(key="x")) == {"key": "x"}
    conv.known_types.learn("prefs", models.UDFDataType.OBJECT)
    with pytest.raises(AuthingValidationError, match=r"'custom_data\.prefs'"):
        conv.unstructure(models.SetUdfValueBatchInput(target_id="u", key="prefs", value="dark"))
    assert (
        json.loads(conv.unstructure(models.UserDefinedDataInput(key="n", value=1.5))["value"])
        == 1.5
    )


def test_encode_map_is_the_create_user_params_text() -> None:
    import json

    from aioauthing.runtime.custom_data import encode_map

    text = encode_map({"age": 42, "prefs": {"a": [1]}, "nick": "ada"}, {"age": "NUMBER"})
    assert json.loads(text) == [
        {"key": "age", "value": 42},
        {"key": "prefs", "value": {"a": [1]}},
        {"key": "nick", "value": "ada"},
    ]
    with pytest.raises(AuthingValidationError, match=r"custom_data\.age"):
        encode_map({"age": "42"}, {"age": "NUMBER"})
    with pytest.raises(AuthingValidationError, match="mapping"):
        encode_map('[{"key": "age", "value": 1}]', {})  # type: ignore[arg-type]
