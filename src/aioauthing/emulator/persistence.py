"""Write-through SQLite persistence: one row per record, flushed before a request is answered."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["Record", "SqliteBackend"]

Record = tuple[str, str, str]
"""``(pool_id, kind, key)`` -- the address of one persisted record."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    pool_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (pool_id, kind, key)
)
"""


class SqliteBackend:
    """Stores JSON records; :meth:`write` commits one batch durably (WAL, synchronous=FULL)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(_SCHEMA)

    def load(self) -> Iterator[tuple[str, str, str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT pool_id, kind, key, body FROM records").fetchall()
        for pool_id, kind, key, body in rows:
            yield pool_id, kind, key, json.loads(body)

    def write(self, upserts: Iterable[tuple[Record, Any]], deletes: Iterable[Record]) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for (pool_id, kind, key), body in upserts:
                    self._db.execute(
                        "INSERT OR REPLACE INTO records (pool_id, kind, key, body)"
                        " VALUES (?, ?, ?, ?)",
                        (pool_id, kind, key, json.dumps(body, ensure_ascii=False)),
                    )
                for pool_id, kind, key in deletes:
                    self._db.execute(
                        "DELETE FROM records WHERE pool_id = ? AND kind = ? AND key = ?",
                        (pool_id, kind, key),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def clear(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM records")

    def close(self) -> None:
        with self._lock:
            self._db.close()
