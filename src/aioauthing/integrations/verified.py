"""A bounded memory of tokens that already passed verification.

A signed-in user sends the same token on every request; re-checking its RS256 signature each
time costs tens of microseconds, a dictionary hit well under one. Only tokens that verified are
stored, keyed by the whole token string, so nothing can be planted. An entry is used until the
token expires (``exp`` + leeway, as :func:`~aioauthing.runtime.jwt.verify_token` judges it) or
``ttl`` seconds after it was verified, whichever comes first -- so a key removed from the JWKS
stops being honoured at most ``ttl`` seconds later.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from aioauthing.runtime.jwt import TokenClaims

__all__ = ["VerifiedTokenCache"]


class VerifiedTokenCache:
    """LRU ``token -> claims`` with per-entry deadlines; ``ttl <= 0`` disables it."""

    def __init__(
        self,
        *,
        ttl: float = 60.0,
        max_entries: int = 4096,
        leeway: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.leeway = leeway
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, TokenClaims]] = OrderedDict()

    def get(self, token: str) -> TokenClaims | None:
        """The claims of ``token`` if it verified recently and has not expired since."""
        entry = self._entries.get(token)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            del self._entries[token]
            return None
        self._entries.move_to_end(token)
        return entry[1]

    def put(self, token: str, claims: TokenClaims) -> None:
        """Remember a token that has just passed verification."""
        if self.ttl <= 0 or claims.exp is None:
            return
        deadline = min(self._clock() + self.ttl, claims.exp + self.leeway)
        self._entries[token] = (deadline, claims)
        self._entries.move_to_end(token)
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
