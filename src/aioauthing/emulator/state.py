"""The emulator's state: user pools and what they hold, with write-through persistence."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import Any, ClassVar

from ..generated.emulator import RECORDS
from .config import EmulatorConfig
from .directory_config import directory_entries
from .errors import biz
from .ids import IdGenerator
from .keys import KeyMaterial
from .persistence import DataFileError, Record, SqliteBackend

__all__ = ["UNIQUE_FIELDS", "EmulatorState", "Pool", "format_date"]

UNIQUE_FIELDS = tuple(RECORDS["User"]["unique"])
"""User fields unique per pool (spec ``record.unique``; email case-insensitively)."""


def format_date(epoch: float) -> str:
    """``2021-09-24T07:43:04+00:00`` -- the GraphQL date format (no fraction)."""
    moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return moment.isoformat()


def _index_key(field: str, value: str) -> tuple[str, str]:
    return (field, value.lower() if field == "email" else value)


@dataclasses.dataclass(slots=True, kw_only=True)
class Pool:
    """One isolated user pool with its application credentials."""

    id: str
    name: str
    secret: str
    app_id: str
    app_secret: str
    created_at: str
    fixed_code: str | None = None
    clock_offset: float = 0.0
    faults: str = ""
    seq: int = 0
    users: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    outbox: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    directory: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    index: dict[tuple[str, str], str] = dataclasses.field(default_factory=dict)

    META_FIELDS: ClassVar[tuple[str, ...]] = (
        "id",
        "name",
        "secret",
        "app_id",
        "app_secret",
        "created_at",
        "fixed_code",
        "clock_offset",
        "faults",
        "seq",
    )

    def meta(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.META_FIELDS}

    def now(self) -> float:
        """The pool's clock (wall clock plus the offset set through the admin API)."""
        return time.time() + self.clock_offset

    def find_by(self, field: str, value: str | None) -> dict[str, Any] | None:
        if value is None or value == "":
            return None
        user_id = self.index.get(_index_key(field, value))
        return self.users.get(user_id) if user_id else None

    def reindex(self) -> None:
        self.index = {}
        for user in self.users.values():
            self._add_index(user)

    def _add_index(self, user: dict[str, Any]) -> None:
        for field in UNIQUE_FIELDS:
            value = user.get(field)
            if value:
                self.index[_index_key(field, value)] = user["id"]

    def _remove_index(self, user: dict[str, Any]) -> None:
        for field in UNIQUE_FIELDS:
            value = user.get(field)
            if value and self.index.get(_index_key(field, value)) == user["id"]:
                del self.index[_index_key(field, value)]

    def settings(self, base_url: str, public_key: str) -> dict[str, Any]:
        return {
            "host": base_url,
            "user_pool_id": self.id,
            "secret": self.secret,
            "app_id": self.app_id,
            "app_secret": self.app_secret,
            "public_key": public_key,
        }


class EmulatorState:
    """All pools plus keys and id sequence; records changes and flushes them durably."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.backend = SqliteBackend(config.data_path) if config.data_path else None
        self.ids = IdGenerator(config.seed)
        self.pools: dict[str, Pool] = {}
        self.default_pool_id = ""
        self._configured_directory = directory_entries(config.directory)
        self._upserts: dict[Record, Any] = {}
        self._deletes: set[Record] = set()
        self._meta_written: tuple[int, str] | None = None
        loaded = self._load() if self.backend else False
        if not loaded:
            self.keys = KeyMaterial.generate()
            self.default_pool_id = self.create_pool("default").id
        else:
            for pool in self.pools.values():
                self._seed_directory(pool)
        self.flush()

    # ---------------------------------------------------------------- pools
    def create_pool(self, name: str | None = None) -> Pool:
        pool_id = self.ids.object_id()
        pool = Pool(
            id=pool_id,
            name=name or f"pool-{pool_id[-6:]}",
            secret=self.ids.secret(),
            app_id=self.ids.object_id(),
            app_secret=self.ids.secret(),
            created_at=format_date(time.time()),
            fixed_code=self.config.fixed_code,
            faults=self.config.faults,
        )
        self.pools[pool_id] = pool
        self.touch_pool(pool)
        self._seed_directory(pool)
        return pool

    def pool(self, pool_id: str | None) -> Pool:
        """The pool with this id (default pool for ``None``/empty); error 2224 if unknown."""
        if not pool_id:
            return self.pools[self.default_pool_id]
        pool = self.pools.get(pool_id)
        if pool is None:
            raise biz("USERPOOL_NOT_FOUND")
        return pool

    @property
    def default_pool(self) -> Pool:
        return self.pools[self.default_pool_id]

    def pool_by_app_id(self, app_id: str) -> Pool | None:
        for pool in self.pools.values():
            if pool.app_id == app_id:
                return pool
        return None

    def reset_pool(self, pool: Pool) -> None:
        for user_id in list(pool.users):
            self._delete((pool.id, "user", user_id))
        for key in list(pool.codes):
            self._delete((pool.id, "code", key))
        for key in list(pool.directory):
            self._delete((pool.id, "directory", key))
        for number in range(len(pool.outbox)):
            self._delete((pool.id, "outbox", f"{number:09d}"))
        pool.users.clear()
        pool.codes.clear()
        pool.outbox.clear()
        pool.directory.clear()
        pool.index.clear()
        pool.clock_offset = 0.0
        pool.fixed_code = self.config.fixed_code
        pool.faults = self.config.faults
        self.touch_pool(pool)
        self._seed_directory(pool)

    def _seed_directory(self, pool: Pool) -> None:
        """Give ``pool`` the configured LDAP / AD users, keeping links to accounts made."""
        for key, entry in self._configured_directory.items():
            linked = (pool.directory.get(key) or {}).get("userId")
            entry = {**entry, "profile": dict(entry["profile"]), "userId": linked}
            self.put_directory_user(pool, key, entry)

    def reset_all(self) -> None:
        for pool_id in list(self.pools):
            if pool_id != self.default_pool_id:
                pool = self.pools.pop(pool_id)
                self.reset_pool(pool)
                self._delete((pool_id, "pool", ""))
        self.reset_pool(self.default_pool)

    def rotate_signing_key(self, keep: int = 1) -> KeyMaterial:
        """Sign with a new key from now on; keep the ``keep`` previous keys published."""
        self.keys = self.keys.rotate(keep)
        self._meta_written = None  # the key set is part of the persisted meta record
        return self.keys

    # ---------------------------------------------------------------- records
    def touch_pool(self, pool: Pool) -> None:
        self._upsert((pool.id, "pool", ""), pool.meta())

    def put_user(
        self, pool: Pool, user: dict[str, Any], *, previous: dict[str, Any] | None = None
    ) -> None:
        """Store ``user`` (a new record or a changed one); keeps the unique indexes in step."""
        old = previous or pool.users.get(user["id"])
        if old is not None:
            pool._remove_index(old)
        pool.users[user["id"]] = user
        pool._add_index(user)
        self._upsert((pool.id, "user", user["id"]), user)

    def delete_user(self, pool: Pool, user_id: str) -> None:
        user = pool.users.pop(user_id, None)
        if user is not None:
            pool._remove_index(user)
            self._delete((pool.id, "user", user_id))

    def put_code(self, pool: Pool, key: str, entry: dict[str, Any]) -> None:
        pool.codes[key] = entry
        self._upsert((pool.id, "code", key), entry)

    def delete_code(self, pool: Pool, key: str) -> None:
        if pool.codes.pop(key, None) is not None:
            self._delete((pool.id, "code", key))

    def add_outbox(self, pool: Pool, message: dict[str, Any]) -> None:
        self._upsert((pool.id, "outbox", f"{len(pool.outbox):09d}"), message)
        pool.outbox.append(message)

    def put_directory_user(self, pool: Pool, key: str, entry: dict[str, Any]) -> None:
        pool.directory[key] = entry
        self._upsert((pool.id, "directory", key), entry)

    def delete_directory_entry(self, pool: Pool, key: str) -> None:
        if pool.directory.pop(key, None) is not None:
            self._delete((pool.id, "directory", key))

    def _upsert(self, record: Record, body: Any) -> None:
        self._deletes.discard(record)
        self._upserts[record] = body

    def _delete(self, record: Record) -> None:
        self._upserts.pop(record, None)
        self._deletes.add(record)

    def _meta(self) -> dict[str, Any]:
        return {
            "idCounter": self.ids.counter,
            "defaultPool": self.default_pool_id,
            "encryptionKey": self.keys.encryption_pem,
            "signingKey": self.keys.signing_pem,
            "retiredSigningKeys": self.keys.retired_pems,
        }

    def flush(self) -> None:
        """Persist every change since the last flush in one durable transaction."""
        if self.backend is None:
            self._upserts.clear()
            self._deletes.clear()
            return
        marker = (self.ids.counter, self.default_pool_id)
        if marker != self._meta_written:
            self._upserts[("", "meta", "state")] = self._meta()
        if not self._upserts and not self._deletes:
            return
        upserts = list(self._upserts.items())
        deletes = list(self._deletes)
        self.backend.write(upserts, deletes)
        self._upserts.clear()
        self._deletes.clear()
        self._meta_written = marker

    def _load(self) -> bool:
        assert self.backend is not None
        meta: dict[str, Any] | None = None
        parts: list[tuple[str, str, str, Any]] = []
        for pool_id, kind, key, body in self.backend.load():
            if kind == "meta":
                meta = body
            else:
                parts.append((pool_id, kind, key, body))
        if meta is None:
            return False
        try:
            self._restore(meta, parts)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DataFileError(
                self.backend.path,
                f"its records do not describe an emulator state ({type(exc).__name__}: {exc})",
                "restore a copy, or move it aside or pass another --data path",
            ) from exc
        return True

    def _restore(self, meta: dict[str, Any], parts: list[tuple[str, str, str, Any]]) -> None:
        self.keys = KeyMaterial(
            meta["encryptionKey"], meta["signingKey"], meta.get("retiredSigningKeys", ())
        )
        self.ids.counter = int(meta["idCounter"])
        self.default_pool_id = meta["defaultPool"]
        self.pools = {}
        for pool_id, kind, _key, body in parts:
            if kind == "pool":
                self.pools[pool_id] = Pool(**body)
        outboxes: dict[str, list[tuple[str, Any]]] = {}
        for pool_id, kind, key, body in parts:
            pool = self.pools.get(pool_id)
            if pool is None:
                continue
            if kind == "user":
                pool.users[key] = body
            elif kind == "code":
                pool.codes[key] = body
            elif kind == "directory":
                pool.directory[key] = body
            elif kind == "outbox":
                outboxes.setdefault(pool_id, []).append((key, body))
        for pool_id, items in outboxes.items():
            self.pools[pool_id].outbox = [body for _key, body in sorted(items)]
        for pool in self.pools.values():
            pool.reindex()

    # ---------------------------------------------------------------- export / import
    def export(self) -> dict[str, Any]:
        pools = []
        for pool in self.pools.values():
            entry = pool.meta()
            entry["users"] = list(pool.users.values())
            entry["codes"] = pool.codes
            entry["outbox"] = pool.outbox
            entry["directory"] = pool.directory
            pools.append(entry)
        return {"version": 1, **self._meta(), "pools": pools}

    def import_(self, data: dict[str, Any]) -> None:
        """Replace the whole state with an :meth:`export` document."""
        if data.get("version") != 1:
            raise biz("EMULATOR_ADMIN", detail="unsupported state version")
        parts: list[tuple[str, str, str, Any]] = []
        for entry in data["pools"]:
            pool_id = entry["id"]
            meta = {name: entry[name] for name in Pool.META_FIELDS if name in entry}
            parts.append((pool_id, "pool", "", meta))
            parts.extend((pool_id, "user", user["id"], user) for user in entry.get("users", []))
            parts.extend((pool_id, "code", k, v) for k, v in entry.get("codes", {}).items())
            parts.extend(
                (pool_id, "directory", k, v) for k, v in entry.get("directory", {}).items()
            )
            parts.extend(
                (pool_id, "outbox", f"{n:09d}", m) for n, m in enumerate(entry.get("outbox", []))
            )
        self._restore(data, parts)
        if self.backend is not None:
            self.backend.clear()
        self._upserts = {(p, k, key): body for p, k, key, body in parts}
        self._deletes = set()
        self._meta_written = None
        self.flush()
