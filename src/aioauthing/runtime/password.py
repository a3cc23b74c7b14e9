"""Password security level, computed locally with the rules of Authing's Android SDK."""

from __future__ import annotations

import enum

__all__ = ["PasswordSecurityLevel", "compute_password_security_level"]


class PasswordSecurityLevel(enum.Enum):
    """Android's ``EWeak`` / ``EMedium`` / ``EStrong``."""

    WEAK = "weak"
    MEDIUM = "medium"
    STRONG = "strong"


def compute_password_security_level(password: str) -> PasswordSecurityLevel:
    """Rate a password without a request.

    Shorter than 6 characters: weak. Otherwise letters, digits and special characters all
    present: strong; any two of them: medium; only one kind: weak.
    """
    if len(password) < 6:
        return PasswordSecurityLevel.WEAK
    kinds = sum(
        (
            any(c.isascii() and c.isalpha() for c in password),
            any(c.isdigit() for c in password),
            any(not (c.isascii() and c.isalnum()) for c in password),
        )
    )
    if kinds == 3:
        return PasswordSecurityLevel.STRONG
    if kinds == 2:
        return PasswordSecurityLevel.MEDIUM
    return PasswordSecurityLevel.WEAK
