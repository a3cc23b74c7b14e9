"""The opt-in "remember the current user" mode for CLI and desktop apps.

``AuthenticationClient(app_id, remember=FileTokenStore(path))`` keeps one user token in a
:class:`~aioauthing.runtime.tokens.TokenStore`: the login and register methods the spec marks
``session: login`` store the token they return, ``session: renew`` methods (refresh, password
change) replace it, ``session: end`` methods (logout, account deletion) drop it. Nothing is ever
sent with the remembered token implicitly: the caller asks for ``await auth.current_user_view()``.
Without ``remember`` (the default) there is no slot at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .tokens import StoredToken, TokenStore, jwt_expiry

__all__ = ["RememberedUser"]


class RememberedUser:
    """One token slot, under ``key`` in ``store``."""

    def __init__(
        self, store: TokenStore, key: str, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.key = key
        self._clock = clock

    async def token(self) -> str | None:
        """The remembered token, or ``None`` (nothing stored, or it has expired: then dropped)."""
        stored = await self.store.get(self.key)
        if stored is None:
            return None
        if stored.expires_at is not None and stored.expires_at <= self._clock():
            await self.store.delete(self.key)
            return None
        return stored.token

    async def save(self, token: str) -> None:
        """Remember ``token`` (its ``exp`` claim, when it is a JWT, bounds how long)."""
        await self.store.set(self.key, StoredToken(token, jwt_expiry(token)))

    async def clear(self) -> None:
        """Forget the remembered token."""
        await self.store.delete(self.key)

    # -- the hooks generated methods call (through ApiBase) ----------------------------------

    async def logged_in(self, token: str | None) -> None:
        """A login/register returned ``token`` (``None`` when it issued none): remember it."""
        if token:
            await self.save(token)

    async def renewed(self, old: str | None, new: str | None) -> None:
        """``old`` was replaced by ``new``: follow it, if ``old`` is the remembered user."""
        if new and old and await self._holds(old):
            await self.save(new)

    async def ended(self, token: str | None) -> None:
        """``token`` was logged out or its account deleted: forget it if it is remembered."""
        if token and await self._holds(token):
            await self.clear()

    async def _holds(self, token: str) -> bool:
        stored = await self.store.get(self.key)
        return stored is not None and stored.token == token

    def __repr__(self) -> str:
        return f"RememberedUser(store={self.store!r})"
