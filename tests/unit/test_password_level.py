from __future__ import annotations

import pytest

from aioauthing import PasswordSecurityLevel, compute_password_security_level


@pytest.mark.parametrize(
    ("password", "level"),
    [
        ("a1!", PasswordSecurityLevel.WEAK),  # shorter than 6
        ("abcdefgh", PasswordSecurityLevel.WEAK),  # letters only
        ("12345678", PasswordSecurityLevel.WEAK),  # digits only
        ("abc12345", PasswordSecurityLevel.MEDIUM),  # letters + digits
        ("abc!@#$%", PasswordSecurityLevel.MEDIUM),  # letters + special
        ("1234!@#$", PasswordSecurityLevel.MEDIUM),  # digits + special
        ("abc123!@", PasswordSecurityLevel.STRONG),  # all three
    ],
)
def test_android_rules(password: str, level: PasswordSecurityLevel) -> None:
    assert compute_password_security_level(password) is level
