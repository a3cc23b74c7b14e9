"""Client-side password encryption: RSA PKCS#1 v1.5, standard base64 output.

Authing decrypts password fields server-side with the private half of the user pool's key. The
default key below is the one every official SDK bundles; point the client at another key (for
example the emulator's) with ``public_key=``. Both PEM and the bare base64 body are accepted.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Final

from .errors import AuthingValidationError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = ["DEFAULT_PUBLIC_KEY", "PasswordEncryptor", "load_public_key"]

DEFAULT_PUBLIC_KEY: Final = (
    "-----BEGIN PUBLIC KEY-----\n"
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC4xKeUgQ+Aoz7TLfAfs9+paePb\n"
    "5KIofVthEopwrXFkp8OCeocaTHt9ICjTT2QeJh6cZaDaArfZ873GPUn00eOIZ7Ae\n"
    "+TiA2BKHbCvloW3w5Lnqm70iSsUi5Fmu9/2+68GZRH9L7Mlh8cFksCicW2Y2W2uM\n"
    "GKl64GDcIq3au+aqJQIDAQAB\n"
    "-----END PUBLIC KEY-----\n"
)
"""Authing's default password-encryption key (1024-bit RSA, SubjectPublicKeyInfo)."""

_PKCS1_V15_OVERHEAD: Final = 11


def load_public_key(key: str | bytes) -> rsa.RSAPublicKey:
    """Parse a PEM public key or its bare base64 (DER) body."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    raw = key.encode("ascii") if isinstance(key, str) else key
    raw = raw.strip()
    try:
        if raw.startswith(b"-----BEGIN"):
            loaded = serialization.load_pem_public_key(raw)
        else:
            der = base64.b64decode(b"".join(raw.split()), validate=True)
            loaded = serialization.load_der_public_key(der)
    except (ValueError, binascii.Error) as exc:
        raise AuthingValidationError("public_key", "is not a PEM or base64 RSA public key") from exc
    if not isinstance(loaded, rsa.RSAPublicKey):
        raise AuthingValidationError("public_key", "must be an RSA public key")
    return loaded


class PasswordEncryptor:
    """Encrypts secrets for the wire with one public key (thread- and task-safe).

    The key is checked when the client is made; cryptography itself loads on the first
    encryption (it costs tens of milliseconds at start-up).
    """

    __slots__ = ("_key", "_max_bytes", "_source")

    def __init__(self, public_key: str | bytes | None = None) -> None:
        self._source = public_key or DEFAULT_PUBLIC_KEY
        self._key: rsa.RSAPublicKey | None = None
        self._max_bytes = 0
        if public_key:
            _check_shape(public_key)

    def _loaded(self) -> rsa.RSAPublicKey:
        if self._key is None:
            self._key = load_public_key(self._source)
            self._max_bytes = self._key.key_size // 8 - _PKCS1_V15_OVERHEAD
        return self._key

    def encrypt(self, plaintext: str, *, parameter: str = "password") -> str:
        """RSA-encrypt UTF-8 ``plaintext``; the result is standard base64 with padding."""
        from cryptography.hazmat.primitives.asymmetric import padding

        key = self._loaded()
        data = plaintext.encode("utf-8")
        if len(data) > self._max_bytes:
            raise AuthingValidationError(
                parameter, f"is too long to encrypt (at most {self._max_bytes} UTF-8 bytes)"
            )
        return base64.b64encode(key.encrypt(data, padding.PKCS1v15())).decode("ascii")

    def __repr__(self) -> str:
        return f"PasswordEncryptor(key_size={self._loaded().key_size})"


def _check_shape(key: str | bytes) -> None:
    """A cheap early check (no cryptography): PEM armour or base64, else the error
    :func:`load_public_key` would give. The key itself is parsed on first use."""
    raw = (key.encode("ascii", "replace") if isinstance(key, str) else key).strip()
    if raw.startswith(b"-----BEGIN"):
        if b"PUBLIC KEY-----" not in raw:
            raise AuthingValidationError("public_key", "is not a PEM or base64 RSA public key")
        return
    try:
        base64.b64decode(b"".join(raw.split()), validate=True)
    except (ValueError, binascii.Error) as exc:
        raise AuthingValidationError("public_key", "is not a PEM or base64 RSA public key") from exc
