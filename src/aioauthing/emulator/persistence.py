"""Write-through SQLite persistence: one row per record, flushed before a request is answered."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["DataFileError", "Record", "SqliteBackend"]

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


class DataFileError(Exception):
    """The ``--data`` file cannot be used; ``str()`` is one line naming it and what to do."""

    def __init__(self, path: Path, problem: str, remedy: str) -> None:
        super().__init__(f"{path}: {problem}; {remedy}")
        self.path = path


_ELSEWHERE = "move it aside or pass another --data path"


def _explain(path: Path, exc: BaseException) -> DataFileError:
    text = str(exc).lower()
    if isinstance(exc, PermissionError) or "readonly" in text or "read-only" in text:
        return DataFileError(
            path, "cannot be written (read-only)", f"make it writable or {_ELSEWHERE}"
        )
    if "not a database" in text:
        return DataFileError(path, "is not an emulator data file (not SQLite)", _ELSEWHERE)
    if "malformed" in text or "corrupt" in text:
        return DataFileError(
            path, "is damaged (truncated or corrupt)", f"restore a copy or {_ELSEWHERE}"
        )
    if isinstance(exc, OSError):
        return DataFileError(path, f"cannot be opened ({exc.strerror or exc})", _ELSEWHERE)
    return DataFileError(path, f"cannot be used ({exc})", _ELSEWHERE)


class SqliteBackend:
    """Stores JSON records; :meth:`write` commits one batch durably (WAL, synchronous=FULL).

    A file that cannot be used (not SQLite, damaged, read-only, a bad row) raises
    :class:`DataFileError` when opened or loaded, with one line saying what to do.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(_SCHEMA)
            self._db.execute("BEGIN IMMEDIATE")  # fails now, not at the first write, if read-only
            self._db.execute("COMMIT")
        except (sqlite3.Error, OSError) as exc:
            raise _explain(path, exc) from exc

    def load(self) -> Iterator[tuple[str, str, str, Any]]:
        try:
            with self._lock:
                rows = self._db.execute("SELECT pool_id, kind, key, body FROM records").fetchall()
        except sqlite3.Error as exc:
            raise _explain(self.path, exc) from exc
        for pool_id, kind, key, body in rows:
            try:
                value = json.loads(body)
            except (ValueError, TypeError) as exc:
                raise self.bad_row((pool_id, kind, key)) from exc
            yield pool_id, kind, key, value

    def bad_row(self, record: Record) -> DataFileError:
        pool_id, kind, key = record
        return DataFileError(
            self.path,
            f"the {kind} record {key!r} of pool {pool_id!r} cannot be read",
            f"restore a copy, or {_ELSEWHERE}",
        )

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
