"""``mgmt.white_list.enable_white_list`` / ``disable_white_list``: switch one whitelist on or off.

The base of the generated ``WhiteListApi`` (spec ``base:``). The wire is the pool settings
update (``updateUserpool``, the generated ``user_pool.update`` descriptor) with one switch of
``whitelist`` set, as the official clients send it; the other switches keep their values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .api import ApiBase
from .errors import AuthingValidationError
from .validation import check_choice

if TYPE_CHECKING:
    from aioauthing.generated.models import UserPool, WhitelistType

__all__ = ["WhiteListSwitches"]

_SWITCHES = {"USERNAME": "usernameEnabled", "EMAIL": "emailEnabled", "PHONE": "phoneEnabled"}


class WhiteListSwitches(ApiBase):
    """The hand-written helpers of the whitelist API group."""

    async def enable_white_list(self, type: WhitelistType | str) -> UserPool:
        """Switch the ``type`` whitelist (USERNAME, EMAIL or PHONE) on: from now on, registration
        with an identifier of that type that is not on it answers 2031.

        Documented as "开启白名单": Go ``EnableWhileList``; Python ``whiteList.enable_white_list``;
        JS ``whitelist.enable``. The wire is ``user_pool.update`` with that one switch.
        """
        return await self._switch(type, True)

    async def disable_white_list(self, type: WhitelistType | str) -> UserPool:
        """Switch the ``type`` whitelist (USERNAME, EMAIL or PHONE) off; its entries are kept.

        Documented as "关闭白名单": Go ``DisableWhileList``; Python ``whiteList.disable_white_list``;
        JS ``whitelist.disable``. The wire is ``user_pool.update`` with that one switch.
        """
        return await self._switch(type, False)

    async def _switch(self, type: Any, enabled: bool) -> UserPool:
        from aioauthing.generated import models
        from aioauthing.generated import operations as ops

        value = getattr(type, "value", type)
        if not isinstance(value, str):
            raise AuthingValidationError("type", "must be one of: EMAIL, PHONE, USERNAME")
        check_choice("type", value, tuple(_SWITCHES))
        variables = {"input": {"whitelist": {_SWITCHES[value]: enabled}}}
        data = await self._execute(ops.USER_POOL_UPDATE, variables=variables)
        return self._structure(data, models.UserPool)
