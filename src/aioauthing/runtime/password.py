"""Password security level, computed locally with the rules of Authing's Android SDK."""

from __future__ import annotations

import enum

__all__ = ["PasswordSecurityLevel", "compute_password_security_level"]


class PasswordSecurityLevel(enum.Enum):
    """Android's ``EWeak`` / ``EMedium`` / ``EStrong``."""

    WEAK = "weak"
    MEDIUM = "medium"
    STRONG = "strong"


_SPECIAL = frozenset("!@#$%&*()_+=|<>?{}[]~-")
"""The only characters Android's ``Validator.hasSpecialCharacter`` counts as special."""


def compute_password_security_level(password: str) -> PasswordSecurityLevel:
    """Rate a password without a request, as Authing's Android SDK does.

    Shorter than 6 characters (UTF-16 units, as Java counts): weak. Otherwise it looks for a
    letter (any cased letter, of any script: ``é`` and ``Ж`` count, ``中`` does not), a decimal
    digit, and one of the special characters ``!@#$%&*()_+=|<>?{}[]~-`` (nothing else is
    special: ``abc123.`` is medium). All three: strong; any two: medium; one or none: weak.
    """
    if len(password.encode("utf-16-le")) // 2 < 6:
        return PasswordSecurityLevel.WEAK
    kinds = sum(
        (
            any(c.islower() or c.isupper() for c in password),
            any(c.isdecimal() for c in password),
            any(c in _SPECIAL for c in password),
        )
    )
    if kinds == 3:
        return PasswordSecurityLevel.STRONG
    if kinds == 2:
        return PasswordSecurityLevel.MEDIUM
    return PasswordSecurityLevel.WEAK
