"""The emulator's documented MFA rules, without a server: face fingerprints, TOTP drift."""

from __future__ import annotations

import base64
from typing import Any

import pyotp

from aioauthing.emulator.rooms.mfa import face_fingerprint, new_recovery_code, verify_totp


def data_url(content: bytes, kind: str = "image/png") -> str:
    return f"data:{kind};base64," + base64.b64encode(content).decode()


def test_face_rule_compares_image_bytes_or_urls() -> None:
    same = b"\x89PNG the same bytes"
    assert face_fingerprint(data_url(same)) == face_fingerprint(data_url(same, "image/jpeg"))
    assert face_fingerprint(data_url(same)) != face_fingerprint(data_url(same + b"!"))
    url = "https://files.authing.co/pool/face-photo/a.png"
    assert face_fingerprint(url + "?x-oss-signature=1") == face_fingerprint(url + "?sig=2")
    assert face_fingerprint(url) != face_fingerprint(url.replace("a.png", "b.png"))


class _Pool:
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def test_totp_accepts_one_step_of_drift_on_the_pools_clock() -> None:
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    moment = 1_800_000_000
    pool: Any = _Pool(moment)
    assert verify_totp(pool, secret, totp.at(moment))
    assert verify_totp(pool, secret, totp.at(moment - 30))
    assert verify_totp(pool, secret, totp.at(moment + 30))
    assert not verify_totp(pool, secret, totp.at(moment + 90))
    assert not verify_totp(pool, secret, "12345")  # not six digits
    assert not verify_totp(pool, secret, "abcdef")


def test_recovery_codes_are_fresh() -> None:
    codes = {new_recovery_code() for _ in range(20)}
    assert len(codes) == 20 and all(len(c) == 19 and c.count("-") == 3 for c in codes)
