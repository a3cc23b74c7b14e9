"""Emulator password storage: salted, cost recorded with each hash, never plain text."""

from __future__ import annotations

import pytest

from aioauthing.emulator import passwords


def test_hashes_are_salted_and_record_their_cost() -> None:
    first, second = passwords.hash_password("pw123456"), passwords.hash_password("pw123456")
    assert first != second  # a fresh salt each time
    algorithm, rounds, _salt, _digest = first.split("$")
    assert (algorithm, int(rounds)) == ("pbkdf2_sha256", passwords.iterations())
    assert "pw123456" not in first
    assert passwords.verify_password("pw123456", first)
    assert not passwords.verify_password("pw1234567", first)


def test_hashes_made_at_another_cost_still_verify() -> None:
    before = passwords.iterations()
    try:
        passwords.set_iterations(20_000)
        old = passwords.hash_password("s3cret-pw")
        passwords.set_iterations(7)
        new = passwords.hash_password("s3cret-pw")
    finally:
        passwords.set_iterations(before)
    assert old.split("$")[1] == "20000" and new.split("$")[1] == "7"
    assert passwords.verify_password("s3cret-pw", old)
    assert passwords.verify_password("s3cret-pw", new)
    assert not passwords.verify_password("s3cret-pw", "pbkdf2_sha256$0$AAAA$AAAA")
    with pytest.raises(ValueError, match="at least 1"):
        passwords.set_iterations(0)


def test_cost_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(passwords.ITERATIONS_ENV, "250")
    assert passwords._from_env() == 250
    monkeypatch.setenv(passwords.ITERATIONS_ENV, "fast")
    with pytest.raises(ValueError, match=passwords.ITERATIONS_ENV):
        passwords._from_env()
    monkeypatch.delenv(passwords.ITERATIONS_ENV)
    assert passwords._from_env() == passwords.DEFAULT_ITERATIONS
