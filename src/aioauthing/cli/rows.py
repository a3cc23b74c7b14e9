"""Reading and checking an import file (CSV or JSON Lines), lazily, one row at a time.

Columns (CSV) or keys (JSON Lines) are ``CreateUserInput`` fields, by their wire name
(``externalId``) or Python name (``external_id``); ``custom.<key>`` columns become custom data.
``id`` (written by ``aioauthing users export``) is accepted and ignored: the destination pool gives
every new user its own id, and users are matched by externalId, email, username or phone.
Any other column is an error unless a ``mapping`` renames it (``{"E-mail": "email"}``) or drops it
(``{"Notes": ""}``).

Files are UTF-8, with or without a byte-order mark (Excel writes one). CSV is read strictly: a
stray quote, or a quoted cell running over several lines (which is how a stray quote swallows the
next rows), is reported with its line numbers; an empty file is refused.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import attrs

__all__ = [
    "IDENTITY_KEYS",
    "IGNORED_COLUMNS",
    "Row",
    "RowError",
    "check_file",
    "field_map",
    "parse_rows",
    "read_raw",
    "validate_file",
]

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")
IDENTITY_KEYS = ("external_id", "email", "username", "phone")
"""How an existing user is recognised (the pool's unique fields), in lookup order."""
IGNORED_COLUMNS = frozenset({"id"})
"""Accepted and ignored: an export's ``id`` column belongs to the source pool."""
CUSTOM_PREFIX = "custom."

ENCODING = "utf-8-sig"
"""UTF-8, and a leading byte-order mark is not part of the first column's name."""

_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f"}


@cache
def field_map() -> dict[str, attrs.Attribute[Any]]:
    """``CreateUserInput`` fields by Python name and by wire name."""
    from aioauthing.generated.models import CreateUserInput

    out: dict[str, attrs.Attribute[Any]] = {}
    for field in attrs.fields(CreateUserInput):
        out[field.name] = field
        out[field.metadata.get("wire", field.name)] = field
    return out


@dataclasses.dataclass(slots=True, frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclasses.dataclass(slots=True)
class Row:
    """One record: ``fields`` (CreateUserInput keyword arguments), ``custom`` data, ``errors``."""

    line: int
    raw: dict[str, Any]
    fields: dict[str, Any] = dataclasses.field(default_factory=dict)
    custom: dict[str, Any] = dataclasses.field(default_factory=dict)
    errors: list[str] = dataclasses.field(default_factory=list)
    index: int = 0
    """Position among the file's records (0-based), set by the importer."""

    def identity(self) -> dict[str, str]:
        return {k: str(self.fields[k]) for k in IDENTITY_KEYS if self.fields.get(k)}


def detect_format(path: Path) -> str:
    """``"jsonl"`` or ``"csv"``, from the suffix, else from the first character."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    with path.open(encoding=ENCODING) as fh:
        first = fh.readline().lstrip()
    return "jsonl" if first.startswith("{") else "csv"


def _renamed(record: dict[str, Any], mapping: Mapping[str, str] | None) -> dict[str, Any]:
    """Drop empty values; rename (or drop, when mapped to "") the mapped columns."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if value in (None, ""):
            continue
        name = mapping.get(key, key) if mapping else key
        if name:
            out[name] = value
    return out


def read_raw(
    path: Path, mapping: Mapping[str, str] | None = None
) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Yield ``(line_number, record)`` lazily; a string instead of a record is a parse error."""
    with path.open(encoding=ENCODING, newline="") as fh:
        if detect_format(path) == "csv":
            yield from _read_csv(fh, mapping)
            return
        for line, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                yield line, f"invalid JSON: {exc.msg}"
                continue
            if not isinstance(obj, dict):
                yield line, "a JSON object per line is expected"
                continue
            yield line, _renamed(obj, mapping)


def _read_csv(
    fh: Any, mapping: Mapping[str, str] | None
) -> Iterator[tuple[int, dict[str, Any] | str]]:
    reader = csv.reader(fh, strict=True)
    header: list[str] | None = None
    end = 0  # the last physical line read
    while True:
        first = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            end = reader.line_num
            where = f"line {first}" if end <= first else f"lines {first}-{end}"
            yield first, f"malformed CSV on {where}: {exc} (a stray quote?)"
            continue
        end = reader.line_num
        if end > first:
            yield (
                first,
                (
                    f"a quoted cell runs over lines {first}-{end}: a stray quote, or a line break "
                    "inside a cell (not supported)"
                ),
            )
            continue
        if header is None:
            header = cells
            continue
        if not cells:
            continue
        if len(cells) > len(header):
            yield first, "more cells than header columns"
            continue
        yield first, _renamed(dict(zip(header, cells, strict=False)), mapping)


@cache
def _kind(field: attrs.Attribute[Any]) -> str:
    """``bool``, ``int``, ``list`` or ``text``: how a cell becomes this field's value (once per
    field, not per cell)."""
    kind = str(field.type)
    if "bool" in kind:
        return "bool"
    if "int" in kind and "list" not in kind:
        return "int"
    if "list" in kind:
        return "list"
    return "text"


def _convert(field: attrs.Attribute[Any], value: Any) -> Any:
    kind = _kind(field)
    if kind == "text":
        if type(value) is str:
            return value
        if isinstance(value, (dict, list)):
            raise ValueError(f"{field.name}: expected text, got {type(value).__name__}")
        return str(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"{field.name}: {value!r} is not a boolean")
    if kind == "int":
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValueError(f"{field.name}: {value!r} is not an integer") from None
    if isinstance(value, list):
        return [str(v) for v in value]
    return [p.strip() for p in str(value).split(";") if p.strip()]


def parse_row(line: int, raw: dict[str, Any] | str) -> Row:
    """Check one record on its own (duplicates across rows are :func:`parse_rows`' job)."""
    if isinstance(raw, str):
        return Row(line, {}, errors=[raw])
    fields = field_map()
    row = Row(line, raw)
    for key, value in raw.items():
        if key.startswith(CUSTOM_PREFIX):
            name = key[len(CUSTOM_PREFIX) :]
            if not name:
                row.errors.append(f"column {key!r}: empty custom data key")
            else:
                row.custom[name] = value
            continue
        if key in IGNORED_COLUMNS:
            continue
        field = fields.get(key)
        if field is None:
            row.errors.append(f"unknown column {key!r}")
            continue
        try:
            row.fields[field.name] = _convert(field, value)
        except ValueError as exc:
            row.errors.append(str(exc))
    email = row.fields.get("email")
    if email is not None and not EMAIL_RE.match(email):
        row.errors.append(f"malformed email {email!r}")
    phone = row.fields.get("phone")
    if phone is not None and not PHONE_RE.match(phone):
        row.errors.append(f"malformed phone {phone!r}")
    if not row.errors and not row.identity():
        row.errors.append("no username, email, phone or externalId")
    return row


class SeenIdentities:
    """The first line of every identity seen so far, in a temporary SQLite file, not in memory.

    A million-row file holds up to four million identities: a dict of them would cost hundreds of
    MB, the on-disk table a few MB of page cache.
    """

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a private temporary on-disk database
        self._db.execute("CREATE TABLE seen (k TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID")

    def first_line(self, key: str, line: int) -> int | None:
        """Record ``key`` at ``line``; the earlier line when it was already seen."""
        if self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (key, line)).rowcount:
            return None
        found = self._db.execute("SELECT line FROM seen WHERE k = ?", (key,)).fetchone()
        return int(found[0])

    def close(self) -> None:
        self._db.close()


def _header_errors(path: Path, mapping: Mapping[str, str] | None) -> list[str]:
    if detect_format(path) != "csv":
        return []
    with path.open(encoding=ENCODING, newline="") as fh:
        try:
            header = next(csv.reader(fh, strict=True), [])
        except csv.Error as exc:
            return [f"malformed CSV header: {exc}"]
    fields = field_map()
    known = fields.keys() | IGNORED_COLUMNS
    errors = []
    for column in header:
        name = mapping.get(column, column) if mapping else column
        if name and name not in known and not name.startswith(CUSTOM_PREFIX):
            errors.append(f"unknown column {column!r} in the header")
    return errors


def parse_rows(
    path: Path, *, mapping: Mapping[str, str] | None = None, check_duplicates: bool = True
) -> Iterator[Row]:
    """Parsed rows, lazily; a row repeating an identity of an earlier line gets an error.

    An unusable CSV header yields a single row (line 1) carrying the header's errors.
    """
    header_errors = _header_errors(path, mapping)
    if header_errors:
        yield Row(1, {}, errors=header_errors)
        return
    seen = SeenIdentities() if check_duplicates else None
    try:
        for line, raw in read_raw(path, mapping):
            row = parse_row(line, raw)
            if seen is not None:
                for key, value in row.identity().items():
                    norm = value.lower() if key == "email" else value
                    first = seen.first_line(f"{key}\0{norm}", line)
                    if first is not None:
                        row.errors.append(f"duplicate row: {key} {value!r} already on line {first}")
            yield row
    finally:
        if seen is not None:
            seen.close()


def check_file(
    path: Path,
    report: Callable[[RowError], object],
    *,
    mapping: Mapping[str, str] | None = None,
) -> tuple[int, int]:
    """Check the whole file, streaming each problem to ``report``: (rows checked, problems)."""
    header_errors = _header_errors(path, mapping)
    if header_errors:
        for message in header_errors:
            report(RowError(1, message))
        return 0, len(header_errors)
    count = problems = 0
    for row in parse_rows(path, mapping=mapping):
        count += 1
        for message in row.errors:
            problems += 1
            report(RowError(row.line, message))
    if count == 0:
        report(RowError(1, "the file holds no rows (an empty file, or a header alone)"))
        return 0, 1
    return count, problems


def validate_file(
    path: Path, *, mapping: Mapping[str, str] | None = None
) -> tuple[int, list[RowError]]:
    """Check the whole file: (rows checked, every problem with its line number)."""
    problems: list[RowError] = []
    count, _ = check_file(path, problems.append, mapping=mapping)
    return count, problems
