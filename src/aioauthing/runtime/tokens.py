"""Token storage and the single-flight management-token manager.

* :class:`TokenStore` is the async storage protocol; :class:`MemoryTokenStore` (default) and
  :class:`FileTokenStore` (JSON, atomic replace, mode 0600) implement it.
* :class:`ManagementTokenManager` fetches the user pool's management token through a
  caller-supplied coroutine, caches it under a key made of host + pool + a fingerprint of the
  secret (never the secret itself), refreshes it ahead of expiry, and guarantees that any number of
  concurrent first callers cause exactly one fetch.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import anyio
import anyio.to_thread
import attrs

from .errors import ResponseDecodeError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: the in-process lock only
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "FileTokenStore",
    "LockingTokenStore",
    "ManagementTokenManager",
    "MemoryTokenStore",
    "StoredToken",
    "TokenStore",
    "jwt_expiry",
    "token_fingerprint",
]


@attrs.frozen(slots=True)
class StoredToken:
    """A token and when it expires (Unix seconds; ``None`` if unknown)."""

    token: str = attrs.field(repr=False)
    expires_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"token": self.token, "expires_at": self.expires_at}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StoredToken:
        exp = data.get("expires_at")
        return cls(token=str(data["token"]), expires_at=float(exp) if exp is not None else None)


@runtime_checkable
class TokenStore(Protocol):
    """Async key-value storage for tokens (memory, file, Redis, ...)."""

    async def get(self, key: str) -> StoredToken | None: ...

    async def set(self, key: str, token: StoredToken) -> None: ...

    async def delete(self, key: str) -> None: ...


@runtime_checkable
class LockingTokenStore(TokenStore, Protocol):
    """A store shared between processes that can also hold a lock around a token refresh.

    :class:`ManagementTokenManager` takes ``refresh_lock(key)`` before fetching a token and reads
    the store again once it holds it, so a cold start of N processes makes one fetch. The lock
    must expire by itself if its holder dies.
    """

    def refresh_lock(self, key: str) -> AbstractAsyncContextManager[None]: ...


class MemoryTokenStore:
    """Process-local storage (the default)."""

    def __init__(self) -> None:
        self._items: dict[str, StoredToken] = {}

    async def get(self, key: str) -> StoredToken | None:
        return self._items.get(key)

    async def set(self, key: str, token: StoredToken) -> None:
        self._items[key] = token

    async def delete(self, key: str) -> None:
        self._items.pop(key, None)

    def __repr__(self) -> str:
        return f"MemoryTokenStore(keys={len(self._items)})"


class FileTokenStore:
    """A JSON file of ``{key: {"token", "expires_at"}}``, rewritten atomically with mode 0600.

    File I/O runs in a worker thread. Every read-modify-write holds an exclusive advisory lock
    (``fcntl.flock``) on the sidecar file ``<path>.lock``, so processes sharing the file never
    lose each other's entries; the file itself is replaced atomically (readers never see half a
    document). An in-process lock keeps this process's own cycles in order.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = anyio.Lock()

    @property
    def lock_path(self) -> Path:
        """The sidecar file locked across processes around each read-modify-write."""
        return self.path.with_name(self.path.name + ".lock")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    async def get(self, key: str) -> StoredToken | None:
        data = await anyio.to_thread.run_sync(self._read)
        item = data.get(key)
        return StoredToken.from_json(item) if isinstance(item, Mapping) else None

    async def set(self, key: str, token: StoredToken) -> None:
        async with self._lock:
            await anyio.to_thread.run_sync(self._update, key, token)

    async def delete(self, key: str) -> None:
        async with self._lock:
            await anyio.to_thread.run_sync(self._update, key, None)

    def _read(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(text)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def _update(self, key: str, token: StoredToken | None) -> None:
        with self._locked():
            self._update_locked(key, token)

    def _update_locked(self, key: str, token: StoredToken | None) -> None:
        data = self._read()
        if token is None:
            if data.pop(key, None) is None:
                return
        else:
            data[key] = token.to_json()
        self._write(data)

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r})"


def token_fingerprint(*parts: str) -> str:
    """A short one-way fingerprint of credential parts, safe to use in cache keys and logs."""
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()
    return digest[:16]


def jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT, read without verifying the signature (``None`` if absent)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) else None


FetchResult = StoredToken | Mapping[str, Any] | str
"""What a fetch function may return: a :class:`StoredToken`, the ``accessToken`` query result
(``{"accessToken", "exp", "iat"}``), or the bare token string."""


def _to_stored(result: FetchResult) -> StoredToken:
    if isinstance(result, StoredToken):
        return result
    if isinstance(result, str) and result:
        return StoredToken(result, jwt_expiry(result))
    if not isinstance(result, Mapping):  # {"data": null}, {"data": {"accessToken": null}}, ...
        raise ResponseDecodeError(None, "the token fetch returned no access token")
    token = result.get("accessToken") or result.get("access_token") or result.get("token")
    if not isinstance(token, str) or not token:
        raise ResponseDecodeError(None, "the token fetch returned no access token")
    exp = result.get("exp")
    if isinstance(exp, int | float) and not isinstance(exp, bool) and exp > 0:
        return StoredToken(token, float(exp))
    return StoredToken(token, jwt_expiry(token))


class ManagementTokenManager:
    """Caches the management token and refreshes it ahead of expiry, single-flight."""

    def __init__(
        self,
        fetch: Callable[[], Awaitable[FetchResult]],
        *,
        key: str,
        store: TokenStore | None = None,
        clock: Callable[[], float] = time.time,
        max_skew: float = 3600.0,
    ) -> None:
        """``key`` must not contain the secret; build it with :meth:`cache_key`."""
        self._fetch = fetch
        self.key = key
        self._store: TokenStore = store if store is not None else MemoryTokenStore()
        self._clock = clock
        self._max_skew = max_skew
        self._cached: StoredToken | None = None
        self._issued_at: float = 0.0
        self._lock = anyio.Lock()
        self.fetch_count = 0

    @staticmethod
    def cache_key(host: str, user_pool_id: str, secret: str) -> str:
        """``mgmt:<host>:<pool>:<fingerprint>`` -- the secret only enters through a hash."""
        return f"mgmt:{host}:{user_pool_id}:{token_fingerprint(host, user_pool_id, secret)}"

    def _fresh(self, token: StoredToken | None, now: float) -> bool:
        if token is None:
            return False
        if token.expires_at is None:
            return True
        lifetime = token.expires_at - self._issued_at if self._issued_at else self._max_skew * 2
        skew = min(self._max_skew, max(lifetime, 0.0) / 2)
        return now < token.expires_at - skew

    async def get_token(self) -> str:
        """A valid management token, fetching at most once for any number of concurrent callers."""
        cached = self._cached
        if self._fresh(cached, self._clock()):
            assert cached is not None
            return cached.token
        async with self._lock:
            cached = self._cached
            now = self._clock()
            if self._fresh(cached, now):
                assert cached is not None
                return cached.token
            found = await self._from_store(cached, now)
            if found is not None:
                return found
            if isinstance(self._store, LockingTokenStore):
                async with self._store.refresh_lock(self.key):
                    # another process may have refreshed while we waited for the lock
                    found = await self._from_store(self._cached, self._clock())
                    if found is not None:
                        return found
                    return await self._refresh()
            return await self._refresh()

    async def _from_store(self, cached: StoredToken | None, now: float) -> str | None:
        stored = await self._store.get(self.key)
        if stored is not None and stored != cached:
            self._cached, self._issued_at = stored, now
            if self._fresh(stored, now):
                return stored.token
        return None

    async def _refresh(self) -> str:
        self.fetch_count += 1
        fresh = _to_stored(await self._fetch())
        self._cached, self._issued_at = fresh, self._clock()
        await self._store.set(self.key, fresh)
        return fresh.token

    async def invalidate(self, token: str) -> bool:
        """Forget ``token`` if it is still the cached one (a newer token is left alone)."""
        async with self._lock:
            if self._cached is None or self._cached.token != token:
                return False
            self._cached = None
            stored = await self._store.get(self.key)
            if stored is not None and stored.token == token:
                await self._store.delete(self.key)
            return True

    def __repr__(self) -> str:
        return f"ManagementTokenManager(key={self.key!r}, cached={self._cached is not None})"
