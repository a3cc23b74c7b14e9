"""Role and permission requirements, and the TTL cache of what each user holds.

Authing's user tokens carry no roles or permissions (wire-v2 §7.1 lists their claims), so a
requirement is checked against the user's roles (``user { roles }``) or authorized resources
(``user { authorizedResources }``), looked up once per user, namespace and ``ttl`` seconds.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable

import attrs

__all__ = ["AccessCache", "Requirement", "permission_granted"]


def _frozen(values: Iterable[str] | str) -> frozenset[str]:
    return frozenset([values] if isinstance(values, str) else values)


@attrs.frozen(kw_only=True)
class Requirement:
    """What a route demands beyond a valid token.

    ``roles``: role codes the user must hold, every one of them; ``permissions``:
    ``"resource:action"`` strings (Authing's action format, e.g. ``"books:read"``), every one
    granted; both looked up in ``namespace`` (the permission group's code; the default group
    when ``None``).
    """

    roles: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen)
    permissions: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen)
    namespace: str | None = None

    @property
    def empty(self) -> bool:
        return not self.roles and not self.permissions


def permission_granted(permission: str, actions: frozenset[str]) -> bool:
    """``books:read`` is granted by the action ``books:read``, ``books:*`` or ``*``."""
    if permission in actions or "*" in actions:
        return True
    resource, sep, _ = permission.rpartition(":")
    return bool(sep) and f"{resource}:*" in actions


class AccessCache:
    """A bounded TTL cache ``key -> frozenset[str]`` (keys start ``(kind, user_id, ...)``)."""

    def __init__(
        self,
        *,
        ttl: float = 60.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[tuple[str, ...], tuple[float, frozenset[str]]] = OrderedDict()
        self.lookups = 0

    async def get(
        self, key: tuple[str, ...], load: Callable[[], Awaitable[frozenset[str]]]
    ) -> frozenset[str]:
        """The cached value for ``key``, loading it with ``load()`` when absent or stale."""
        now = self._clock()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            self._entries.move_to_end(key)
            return entry[1]
        self.lookups += 1
        value = await load()
        self._entries[key] = (self._clock() + self.ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return value

    def invalidate(self, user_id: str | None = None) -> None:
        """Forget one user's entries (or everything)."""
        if user_id is None:
            self._entries.clear()
            return
        for key in [k for k in self._entries if k[1] == user_id]:
            del self._entries[key]
