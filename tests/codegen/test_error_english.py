"""Every Authing error code in the spec has an English message, carried into the generated table."""

from __future__ import annotations

from pathlib import Path

from codegen.loader import load_spec

from aioauthing.generated.errors import ERROR_CODES, ERROR_MESSAGES_EN

ROOT = Path(__file__).resolve().parents[2]


def test_every_code_has_an_english_message() -> None:
    spec = load_spec(ROOT / "spec")
    missing = sorted(code for code, e in spec.errors.items() if not e.en)
    assert missing == [], f"add `en:` to these codes in spec/errors.yaml: {missing}"
    for code, e in spec.errors.items():
        assert e.en.isascii() and e.en[0].isupper(), (code, e.en)


def test_the_generated_table_carries_them() -> None:
    assert set(ERROR_MESSAGES_EN) == set(ERROR_CODES)
    assert ERROR_MESSAGES_EN[2333] == "Wrong account or password"
    assert ERROR_CODES[2333] == ("InvalidCredentialsError", "账号或密码错误")  # unchanged
