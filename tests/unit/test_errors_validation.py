from __future__ import annotations

import pytest

from aioauthing.runtime import errors, validation
from aioauthing.runtime.errors import AuthingValidationError, error_for


@pytest.mark.parametrize(
    ("code", "family"),
    [
        (2333, errors.InvalidCredentialsError),
        (2020, errors.NotLoggedInError),
        (2206, errors.TokenExpiredError),
        (2000, errors.CaptchaRequiredError),
        (2004, errors.NotFoundError),
        (2026, errors.AlreadyExistsError),
        (2001, errors.InvalidVerificationCodeError),
        (999999, errors.AuthingError),
    ],
)
def test_error_for_builtin_families(code: int, family: type[errors.AuthingError]) -> None:
    exc = error_for(code, "boom", operation="op.x", request_id="r-1")
    assert type(exc) is family
    assert exc.code == code
    assert str(exc) == f"[{code}] boom (operation=op.x, request_id=r-1)"


def test_error_for_uses_given_table_and_default_message() -> None:
    table = {4242: ("PermissionDeniedError", "not allowed here")}
    exc = error_for(4242, None, table=table)
    assert isinstance(exc, errors.PermissionDeniedError)
    assert exc.message == "not allowed here"


def test_error_for_unknown_family_name_falls_back_to_base() -> None:
    exc = error_for(1, "x", table={1: ("NoSuchFamily", "m")})
    assert type(exc) is errors.AuthingError


@pytest.mark.parametrize(
    ("status", "family"),
    [
        (401, errors.NotLoggedInError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (429, errors.RateLimitedError),
        (502, errors.ServerError),
        (418, errors.AuthingError),
    ],
)
def test_error_for_http_status(status: int, family: type[errors.AuthingError]) -> None:
    exc = error_for(None, None, http_status=status)
    assert type(exc) is family
    assert exc.http_status == status


def test_rate_limited_error_carries_retry_after() -> None:
    exc = errors.RateLimitedError(retry_after=12.5)
    assert exc.retry_after == 12.5
    assert exc.http_status == 429


SECRET = "hunter2-SECRET-value"


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda: validation.require_non_empty("password", "  "), "password"),
        (lambda: validation.require_non_empty("ids", []), "ids"),
        (lambda: validation.check_email("email", SECRET), "email"),
        (lambda: validation.check_phone("phone", SECRET), "phone"),
        (lambda: validation.check_phone("phone", "+1234"), "phone"),
        (lambda: validation.check_phone("phone", "1" * 21), "phone"),
        (lambda: validation.check_choice("gender", SECRET, ["M", "F", "U"]), "gender"),
        (lambda: validation.check_max_items("ids", ["a"] * 81, 80), "ids"),
        (lambda: validation.check_items_non_empty("ids", ["a", ""]), "ids[1]"),
    ],
)
def test_validation_names_the_parameter_and_never_the_value(call, parameter: str) -> None:
    with pytest.raises(AuthingValidationError) as info:
        call()
    assert info.value.parameter == parameter
    assert repr(parameter) in str(info.value)
    assert SECRET not in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "call",
    [
        lambda: validation.require_non_empty("x", "v"),
        lambda: validation.check_email("email", "a@b.co"),
        lambda: validation.check_email("email", None),
        lambda: validation.check_phone("phone", "+8613800000000"),
        lambda: validation.check_phone("phone", "12345"),
        lambda: validation.check_choice("gender", "M", ["M", "F"]),
        lambda: validation.check_max_items("ids", ["a"] * 80, 80),
        lambda: validation.check_items_non_empty("ids", ["a", "b"]),
    ],
)
def test_validation_accepts_good_values(call) -> None:
    call()
