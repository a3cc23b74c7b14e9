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
        ("abc123.", PasswordSecurityLevel.MEDIUM),  # '.' is not one of Android's specials
        ("abc123 ", PasswordSecurityLevel.MEDIUM),  # nor is a space
        ("pässwört1", PasswordSecurityLevel.MEDIUM),  # any cased letter is a letter
        ("Жук12345", PasswordSecurityLevel.MEDIUM),
        ("中文密码1234", PasswordSecurityLevel.WEAK),  # uncased: not a letter, digits only
        ("中文密码!!12", PasswordSecurityLevel.MEDIUM),  # digits + special
        ("ÄÖÜ-1234", PasswordSecurityLevel.STRONG),
        ("a1!²³⁴", PasswordSecurityLevel.STRONG),  # superscripts are not decimal digits...
        ("ab!²³⁴", PasswordSecurityLevel.MEDIUM),  # ... so no digit here
    ],
)
def test_android_rules(password: str, level: PasswordSecurityLevel) -> None:
    assert compute_password_security_level(password) is level
