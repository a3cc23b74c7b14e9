"""``lang=`` travels as ``x-authing-lang``; the emulator answers in that language; ``str(error)``
shows the English text next to Authing's own."""

from __future__ import annotations

from typing import Any

import pytest

from aioauthing import AuthenticationClient, InvalidCredentialsError

pytestmark = pytest.mark.anyio


def _client(pool: Any, lang: str | None) -> AuthenticationClient:
    return AuthenticationClient(
        pool.app_id,
        host=pool.host,
        user_pool_id=pool.user_pool_id,
        public_key=pool.public_key,
        lang=lang,
    )


async def test_english_when_asked(authing_pool: Any) -> None:
    async with _client(authing_pool, "en-US") as auth:
        await auth.register_by_email("ada@example.com", "pw123456")
        with pytest.raises(InvalidCredentialsError) as info:
            await auth.login_by_email("ada@example.com", "wrong-password")
    assert info.value.code == 2333
    assert info.value.message == "Wrong account or password"  # the emulator's answer
    assert str(info.value).startswith("[2333] Wrong account or password (operation=")


async def test_chinese_by_default_and_both_in_str(authing_pool: Any) -> None:
    async with _client(authing_pool, None) as auth:
        with pytest.raises(InvalidCredentialsError) as info:
            await auth.login_by_email("nobody@example.com", "wrong-password")
    assert info.value.code == 2333
    assert info.value.message == "账号或密码错误"
    text = str(info.value)
    assert text.startswith("[2333] Wrong account or password (Authing: 账号或密码错误; operation=")
    assert "wrong-password" not in text
