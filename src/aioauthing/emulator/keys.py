"""The emulator's key material: RSA-1024 for password encryption, RSA-2048 for token signing.

The signing key rotates (:meth:`KeyMaterial.rotate`): the new key signs from then on, and the
previous keys stay published in the JWKS (and accepted) until they fall out of the grace window.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .errors import biz

try:  # GMP's modular exponentiation: ~7x CPython's pow for RSA-1024's 512-bit halves
    from gmpy2 import powmod as _powmod
except ImportError:  # pragma: no cover - gmpy2 comes with the [emulator] extra
    _powmod = pow

__all__ = ["KeyMaterial"]

_MIN_PADDING = 8
"""PKCS#1 v1.5 (RFC 8017 7.2.2): at least eight non-zero padding bytes."""


def _pkcs1_v15_unpad(block: bytes | None, size: int) -> bytes | None:
    """The message inside an ``00 02 PS 00 M`` encryption block, or ``None`` if malformed."""
    if block is None or len(block) != size or block[0] != 0 or block[1] != 2:
        return None
    separator = block.find(b"\x00", 2)
    if separator < 2 + _MIN_PADDING:
        return None
    return block[separator + 1 :]


def _pem_private(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _pem_public(key: rsa.RSAPublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def _load_rsa(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("emulator keys must be RSA private keys")
    return key


def _kid(key: rsa.RSAPrivateKey) -> str:
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:16]


class KeyMaterial:
    """Both key pairs, serialisable to PEM so a persisted emulator keeps its keys."""

    def __init__(
        self, encryption_pem: str, signing_pem: str, retired_pems: Sequence[str] = ()
    ) -> None:
        enc = _load_rsa(encryption_pem)
        sig = _load_rsa(signing_pem)
        self.encryption_key = enc
        self.signing_key = sig
        self.encryption_pem = encryption_pem
        self.signing_pem = signing_pem
        self.retired_pems = list(retired_pems)
        """Earlier signing keys, newest first: still published and accepted."""
        self.public_key_pem = _pem_public(enc.public_key())
        self.signing_public_pem = _pem_public(sig.public_key())
        self.kid = _kid(sig)
        self._private_numbers = enc.private_numbers()
        self._key_bytes = (enc.key_size + 7) // 8
        self._verifying: dict[str, rsa.RSAPublicKey] = {self.kid: sig.public_key()}
        for pem in self.retired_pems:
            old = _load_rsa(pem)
            self._verifying.setdefault(_kid(old), old.public_key())

    def verifying_key(self, kid: str | None) -> rsa.RSAPublicKey | None:
        """The published public key named ``kid`` (the current one when ``kid`` is ``None``)."""
        return self._verifying.get(kid or self.kid)

    @property
    def published_kids(self) -> list[str]:
        return list(self._verifying)

    def rotate(self, keep: int = 1) -> KeyMaterial:
        """A copy signing with a fresh key; the ``keep`` most recent earlier keys stay published."""
        if keep < 0:
            raise ValueError("keep must be >= 0")
        fresh = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        retired = [self.signing_pem, *self.retired_pems][:keep]
        return KeyMaterial(self.encryption_pem, _pem_private(fresh), retired)

    @classmethod
    def generate(cls) -> KeyMaterial:
        enc = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        sig = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(_pem_private(enc), _pem_private(sig))

    def decrypt_password(self, ciphertext: str) -> str:
        """Undo the SDK's RSA PKCS#1 v1.5 + Base64 encryption; error 2016 when impossible.

        The padding is checked here, not by OpenSSL: OpenSSL 3's implicit rejection turns a
        ciphertext made with another key into random bytes instead of an error, and about one in
        seventy of those decodes as text. A ciphertext one or more bytes shorter than the key
        (browser RSA libraries drop leading zero bytes) is left-padded, as OpenSSL servers do.
        """
        try:
            raw = base64.b64decode(ciphertext, validate=True)
        except (ValueError, TypeError) as exc:
            raise biz("PASSWORD_DECRYPT_FAILED") from exc
        message = _pkcs1_v15_unpad(self._raw_decrypt(raw), self._key_bytes)
        if message is None:
            raise biz("PASSWORD_DECRYPT_FAILED")
        try:
            return message.decode()
        except UnicodeDecodeError as exc:
            raise biz("PASSWORD_DECRYPT_FAILED") from exc

    def _raw_decrypt(self, raw: bytes) -> bytes | None:
        """The RSA primitive (CRT), no padding removed; ``None`` for a value out of range.

        OpenSSL would take ~0.2 ms but cannot be asked for the raw primitive; CPython's ``pow``
        takes ~2.3 ms (most of a password create), GMP's ~0.45 ms."""
        if not raw or len(raw) > self._key_bytes:
            return None
        c = int.from_bytes(raw, "big")
        numbers = self._private_numbers
        n = numbers.public_numbers.n
        if c >= n:
            return None
        m1 = int(_powmod(c, numbers.dmp1, numbers.p))
        m2 = int(_powmod(c, numbers.dmq1, numbers.q))
        h = (numbers.iqmp * (m1 - m2)) % numbers.p
        m = m2 + h * numbers.q
        return m.to_bytes(self._key_bytes, "big")

    def try_decrypt_password(self, ciphertext: str) -> str | None:
        try:
            return self.decrypt_password(ciphertext)
        except Exception:
            return None

    def jwks(self) -> dict[str, Any]:
        """``{"keys": [JWK, ...]}``: the signing key first, then the retired keys still published."""
        keys = []
        for kid, public in self._verifying.items():
            jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(public, as_dict=True)
            jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
            keys.append(jwk)
        return {"keys": keys}
