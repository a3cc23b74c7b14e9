from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from aioauthing.runtime.crypto import DEFAULT_PUBLIC_KEY, PasswordEncryptor, load_public_key
from aioauthing.runtime.errors import AuthingValidationError


@pytest.fixture(scope="module")
def keypair() -> tuple[rsa.RSAPrivateKey, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, pem.decode()


def test_default_key_is_authings_1024_bit_key() -> None:
    key = load_public_key(DEFAULT_PUBLIC_KEY)
    assert key.key_size == 1024
    assert key.public_numbers().e == 65537
    out = PasswordEncryptor().encrypt("secret")
    assert len(out) == 172
    assert len(base64.b64decode(out, validate=True)) == 128


def test_bare_base64_body_is_accepted() -> None:
    body = "".join(DEFAULT_PUBLIC_KEY.strip().splitlines()[1:-1])
    assert (
        load_public_key(body).public_numbers()
        == load_public_key(DEFAULT_PUBLIC_KEY).public_numbers()
    )


@pytest.mark.parametrize("form", ["pem", "body"])
def test_round_trip_pkcs1_v15(keypair: tuple[rsa.RSAPrivateKey, str], form: str) -> None:
    private, pem = keypair
    key = pem if form == "pem" else "".join(pem.strip().splitlines()[1:-1])
    encryptor = PasswordEncryptor(key)
    first, second = encryptor.encrypt("pässword"), encryptor.encrypt("pässword")
    assert first != second  # random padding
    for value in (first, second):
        plain = private.decrypt(base64.b64decode(value), padding.PKCS1v15())
        assert plain.decode() == "pässword"


def test_bad_key_and_too_long_plaintext_are_validation_errors() -> None:
    with pytest.raises(AuthingValidationError) as info:
        load_public_key("not a key")
    assert info.value.parameter == "public_key"
    with pytest.raises(AuthingValidationError) as info:
        PasswordEncryptor().encrypt("x" * 118)
    assert info.value.parameter == "password"
    assert "x" * 10 not in str(info.value)
