"""Client-side password encryption: RSA PKCS#1 v1.5, standard base64 output.

Authing decrypts password fields server-side with the private half of the user pool's key. The
default key below is the one every official SDK bundles; point the client at another key (for
example the emulator's) with ``public_key=``. Both PEM and the bare base64 body are accepted.

With no ``public_key=`` and a host that is not Authing's cloud (a private deployment, the
emulator), the key is fetched once from ``GET {host}/api/v2/.well-known`` (``data.publicKey``),
as Authing's JS SDK does: :class:`PublicKeySource` holds it per client, one fetch at a time.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Any, Final

import anyio
import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .errors import AuthingValidationError

__all__ = [
    "DEFAULT_PUBLIC_KEY",
    "PasswordEncryptor",
    "PendingSecret",
    "PublicKeySource",
    "is_authing_cloud",
    "load_public_key",
]

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
    """Encrypts secrets for the wire with one public key (thread- and task-safe)."""

    __slots__ = ("_key", "_max_bytes")

    def __init__(self, public_key: str | bytes | None = None) -> None:
        self._key = load_public_key(public_key or DEFAULT_PUBLIC_KEY)
        self._max_bytes = self._key.key_size // 8 - _PKCS1_V15_OVERHEAD

    def encrypt(self, plaintext: str, *, parameter: str = "password") -> str:
        """RSA-encrypt UTF-8 ``plaintext``; the result is standard base64 with padding."""
        if not isinstance(plaintext, str):
            raise AuthingValidationError(
                parameter, f"must be a str, not {type(plaintext).__name__}"
            )
        data = plaintext.encode("utf-8")
        if len(data) > self._max_bytes:
            raise AuthingValidationError(
                parameter, f"is too long to encrypt (at most {self._max_bytes} UTF-8 bytes)"
            )
        return base64.b64encode(self._key.encrypt(data, padding.PKCS1v15())).decode("ascii")

    def __repr__(self) -> str:
        return f"PasswordEncryptor(key_size={self._key.key_size})"


_CLOUD_DOMAINS: Final = ("authing.cn", "authing.co", "authing.com")
"""Hosts under these domains are Authing's cloud: the bundled key is theirs."""

WELL_KNOWN_PATH: Final = "/api/v2/.well-known"


def is_authing_cloud(url: str) -> bool:
    """``https://core.authing.cn``, ``https://my-app.authing.cn``: yes; anything else: no."""
    host = httpx.URL(url).host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in _CLOUD_DOMAINS)


class PendingSecret:
    """A secret to encrypt once the discovered key is known (see :class:`PublicKeySource`)."""

    __slots__ = ("parameter", "plaintext")

    def __init__(self, plaintext: str, parameter: str) -> None:
        self.plaintext = plaintext
        self.parameter = parameter

    def __repr__(self) -> str:
        return "PendingSecret(***)"


class PublicKeySource:
    """The password-encryption key of one client: given, bundled, or discovered on first use.

    Shared by a client's views and copies. Discovery is single-flight: concurrent first callers
    wait for one ``GET /api/v2/.well-known`` and share its result (or its failure); a success is
    kept for the client's lifetime, a failure only until the next call tries again.
    """

    def __init__(self, public_key: str | bytes | None, *, host: str) -> None:
        self.discover = public_key is None and not is_authing_cloud(host)
        self.url = host.rstrip("/") + WELL_KNOWN_PATH
        self.encryptor: PasswordEncryptor | None = (
            None if self.discover else PasswordEncryptor(public_key)
        )
        self._lock = anyio.Lock()
        self._failure: tuple[int, str] | None = None
        self._attempt = 0
        self.outstanding = 0
        """:class:`PendingSecret` values made and not yet encrypted (calls skip the walk at 0)."""

    def encrypt(self, plaintext: str, *, parameter: str = "password") -> str | PendingSecret:
        """The ciphertext now, or a :class:`PendingSecret` while the key is still unknown."""
        encryptor = self.encryptor
        if encryptor is not None:
            return encryptor.encrypt(plaintext, parameter=parameter)
        if not isinstance(plaintext, str):
            raise AuthingValidationError(
                parameter, f"must be a str, not {type(plaintext).__name__}"
            )
        self.outstanding += 1
        return PendingSecret(plaintext, parameter)

    async def get(self, fetch: Callable[[str], Awaitable[Any]]) -> PasswordEncryptor:
        """The encryptor, fetching the key with ``fetch(url)`` (the parsed answer) if needed."""
        encryptor = self.encryptor
        if encryptor is not None:
            return encryptor
        attempt = self._attempt
        async with self._lock:
            if self.encryptor is not None:
                return self.encryptor
            if self._failure is not None and self._failure[0] > attempt:
                raise self._error(self._failure[1])  # the fetch we waited for failed
            self._attempt += 1
            try:
                answer = await fetch(self.url)
                key = answer.get("data", {}).get("publicKey") if isinstance(answer, dict) else None
                if not isinstance(key, str) or not key.strip():
                    raise ValueError("the answer has no data.publicKey")
                self.encryptor = PasswordEncryptor(key)
            except Exception as exc:
                reason = str(exc) or type(exc).__name__
                self._failure = (self._attempt, reason)
                raise self._error(reason) from exc
            return self.encryptor

    def _error(self, reason: str) -> AuthingValidationError:
        return AuthingValidationError(
            "public_key",
            f"was not given and could not be fetched from GET {self.url} ({reason}); pass the "
            "host's password-encryption key as public_key= (CLI: --public-key)",
        )

    async def resolve(self, value: Any, fetch: Callable[[str], Awaitable[Any]]) -> Any:
        """``value`` with every :class:`PendingSecret` inside it encrypted."""
        if isinstance(value, PendingSecret):
            encryptor = await self.get(fetch)
            self.outstanding = max(0, self.outstanding - 1)
            return encryptor.encrypt(value.plaintext, parameter=value.parameter)
        if isinstance(value, dict):
            if not any(_has_pending(v) for v in value.values()):
                return value
            return {k: await self.resolve(v, fetch) for k, v in value.items()}
        if isinstance(value, list):
            if not any(_has_pending(v) for v in value):
                return value
            return [await self.resolve(v, fetch) for v in value]
        return value

    def __repr__(self) -> str:
        state = "known" if self.encryptor is not None else "to discover"
        return f"PublicKeySource({state})"


def _has_pending(value: Any) -> bool:
    if isinstance(value, PendingSecret):
        return True
    if isinstance(value, dict):
        return any(_has_pending(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_pending(v) for v in value)
    return False
