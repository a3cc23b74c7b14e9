"""The emulator's password decryption: explicit PKCS#1 v1.5 checks, short ciphertexts padded."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from aioauthing.emulator.errors import AuthingBizError
from aioauthing.emulator.keys import KeyMaterial


@pytest.fixture(scope="module")
def keys() -> KeyMaterial:
    return KeyMaterial.generate()


def _public(keys: KeyMaterial) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(keys.public_key_pem.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def test_ciphertexts_of_another_key_are_all_refused(keys: KeyMaterial) -> None:
    """OpenSSL 3's implicit rejection returns random bytes for these; ~1.5% decode as text."""
    other = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    accepted, codes = [], set()
    for i in range(1000):
        ciphertext = base64.b64encode(other.encrypt(f"pw-{i}".encode(), padding.PKCS1v15()))
        try:
            accepted.append(keys.decrypt_password(ciphertext.decode()))
        except AuthingBizError as exc:
            codes.add(exc.code)
    assert accepted == []
    assert codes == {2016}


def test_own_ciphertexts_decrypt(keys: KeyMaterial) -> None:
    public = _public(keys)
    for text in ("", "s3cret", "pässwörd-ünïcode", "x" * 117):
        ciphertext = base64.b64encode(public.encrypt(text.encode(), padding.PKCS1v15())).decode()
        assert keys.decrypt_password(ciphertext) == text


def test_ciphertext_missing_its_leading_zero_byte_is_left_padded(keys: KeyMaterial) -> None:
    """jsencrypt drops a leading zero byte about once in 256 encryptions."""
    public = _public(keys)
    for i in range(5000):
        raw = public.encrypt(f"pw-{i}".encode(), padding.PKCS1v15())
        if raw[0] == 0:
            break
    else:  # pragma: no cover - probability about 3e-9
        pytest.fail("no ciphertext with a leading zero byte in 5000 tries")
    short = base64.b64encode(raw.lstrip(b"\x00")).decode()
    assert keys.decrypt_password(short) == f"pw-{i}"


@pytest.mark.parametrize(
    "ciphertext", ["", "not base64!", base64.b64encode(b"\xff" * 129).decode(), "AAAA"]
)
def test_malformed_ciphertexts_answer_2016(keys: KeyMaterial, ciphertext: str) -> None:
    with pytest.raises(AuthingBizError) as info:
        keys.decrypt_password(ciphertext)
    assert info.value.code == 2016
