"""``as_user(t).update_profile`` takes the same ``UpdateUserInput`` model as ``users.update``."""

from __future__ import annotations

from typing import Any

import pytest

from aioauthing import AuthingError, models

pytestmark = pytest.mark.anyio


async def test_update_profile_takes_the_input_model(authing_client: Any) -> None:
    user = await authing_client.register_by_email("pat@example.com", "pw123456", force_login=True)
    me = authing_client.as_user(user.token)
    updated = await me.update_profile(user.id, models.UpdateUserInput(nickname="Pat", city="Xi'an"))
    assert (updated.nickname, updated.city) == ("Pat", "Xi'an")
    with pytest.raises(AuthingError) as info:  # these have their own, checked methods
        await me.update_profile(user.id, models.UpdateUserInput(email="other@example.com"))
    assert info.value.code == 2018
    assert (await me.get_current_user()).email == "pat@example.com"
