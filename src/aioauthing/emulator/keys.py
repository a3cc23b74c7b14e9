"""The emulator's key material: RSA-1024 for password encryption, RSA-2048 for token signing."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .errors import biz

__all__ = ["KeyMaterial"]


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


class KeyMaterial:
    """Both key pairs, serialisable to PEM so a persisted emulator keeps its keys."""

    def __init__(self, encryption_pem: str, signing_pem: str) -> None:
        enc = serialization.load_pem_private_key(encryption_pem.encode(), password=None)
        sig = serialization.load_pem_private_key(signing_pem.encode(), password=None)
        if not isinstance(enc, rsa.RSAPrivateKey) or not isinstance(sig, rsa.RSAPrivateKey):
            raise TypeError("emulator keys must be RSA private keys")
        self.encryption_key = enc
        self.signing_key = sig
        self.encryption_pem = encryption_pem
        self.signing_pem = signing_pem
        self.public_key_pem = _pem_public(enc.public_key())
        self.signing_public_pem = _pem_public(sig.public_key())
        der = sig.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.kid = hashlib.sha256(der).hexdigest()[:16]

    @classmethod
    def generate(cls) -> KeyMaterial:
        enc = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        sig = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(_pem_private(enc), _pem_private(sig))

    def decrypt_password(self, ciphertext: str) -> str:
        """Undo the SDK's RSA PKCS#1 v1.5 + Base64 encryption; error 2016 when impossible."""
        try:
            raw = base64.b64decode(ciphertext, validate=True)
            return self.encryption_key.decrypt(raw, padding.PKCS1v15()).decode()
        except Exception as exc:
            raise biz(2016) from exc

    def try_decrypt_password(self, ciphertext: str) -> str | None:
        try:
            return self.decrypt_password(ciphertext)
        except Exception:
            return None

    def jwks(self) -> dict[str, Any]:
        """``{"keys": [JWK]}`` for the signing key."""
        jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(
            self.signing_key.public_key(), as_dict=True
        )
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}
