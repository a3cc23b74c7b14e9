"""Export every user of a pool, page by page, in a form ``aioauthing users import`` reads back.

Columns: ``id`` (ignored on import), the ``CreateUserInput`` fields by wire name (no password),
and ``custom.<key>`` for custom data, fetched with one ``udfValueBatch`` call per page. A CSV
needs its columns up front: the records are first spooled to a temporary JSON Lines file (memory
does not grow with the pool) while the custom keys are collected, then written under a header
holding the pool's user-defined fields and every other key met, so all custom data is kept.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import json
import tempfile
from collections.abc import AsyncIterator, Callable
from typing import IO, Any

import attrs

from aioauthing.cli.fleet import Shard
from aioauthing.cli.rows import CUSTOM_PREFIX
from aioauthing.generated.models import CreateUserInput

__all__ = ["EXPORT_FIELDS", "ExportStats", "export_users", "user_record"]

EXPORT_FIELDS = (
    "id",
    *(
        f.metadata.get("wire", f.name)
        for f in attrs.fields(CreateUserInput)
        if f.name != "password"
    ),
)
PAGE_SIZE = 100


@dataclasses.dataclass(slots=True)
class ExportStats:
    exported: int = 0
    custom_left_out: int = 0
    """Always 0: every custom key is a ``custom.<key>`` column of a CSV (kept for callers)."""


def user_record(user: Any) -> dict[str, Any]:
    """The export fields of a ``User`` model that have a value, by wire name."""
    record: dict[str, Any] = {}
    for field in attrs.fields(type(user)):
        wire = field.metadata.get("wire", field.name)
        if wire not in EXPORT_FIELDS:
            continue
        value = getattr(user, field.name)
        if value is None or type(value).__name__ == "Unset":
            continue
        record[wire] = value
    return record


async def _custom_values(mgmt: Any, users: list[Any]) -> dict[str, dict[str, str]]:
    if not users:
        return {}
    maps = await mgmt.users.get_udf_value_batch([u.id for u in users])
    return {m.target_id: {d.key: d.value for d in m.data} for m in maps}


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


async def export_users(
    mgmt: Any,
    out: IO[str],
    fmt: str,
    *,
    custom_data: bool = True,
    on_progress: Callable[[int, int | None], object] | None = None,
    shard: Shard | None = None,
) -> ExportStats:
    """Write every user to ``out`` as ``"csv"`` or ``"jsonl"``; ``on_progress(done, total)``.

    ``shard`` (``--shard K/N``) writes only its contiguous range of pages: N processes together
    write every user once, as long as the pool does not change meanwhile.
    """
    stats = ExportStats()
    declared: list[str] = []
    if fmt == "csv" and custom_data:
        declared = [f.key for f in await mgmt.udf.list("USER")]
    seen: dict[str, None] = {}
    spooled: contextlib.AbstractContextManager[IO[str] | None] = (
        tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - entered just below
        if fmt == "csv"
        else contextlib.nullcontext()
    )
    with spooled as spool:
        sink = spool if spool is not None else out
        async for page, total in _pages(mgmt, shard):
            users = [u for u in page.list or [] if u is not None]
            values = await _custom_values(mgmt, users) if custom_data else {}
            for user in users:
                record = user_record(user)
                for key, value in values.get(user.id, {}).items():
                    record[CUSTOM_PREFIX + key] = value
                    seen.setdefault(key)
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                stats.exported += 1
            if on_progress is not None:
                on_progress(stats.exported, total)
        if spool is not None:
            keys = [*declared, *sorted(k for k in seen if k not in declared)]
            fieldnames = [*EXPORT_FIELDS, *(CUSTOM_PREFIX + k for k in keys)]
            writer = csv.DictWriter(out, fieldnames=fieldnames, extrasaction="ignore")
            writer.writeheader()
            spool.seek(0)
            for line in spool:
                writer.writerow({k: _csv_cell(v) for k, v in json.loads(line).items()})
    return stats


async def _pages(mgmt: Any, shard: Shard | None) -> AsyncIterator[tuple[Any, int | None]]:
    """``(page, total users)``: every page, or the contiguous page range of ``shard``."""
    if shard is None:
        paginator = mgmt.users.iter_list(page_size=PAGE_SIZE)
        async for page in paginator.pages():
            yield page, paginator.total
        return
    first = await mgmt.users.list(page=1, limit=1)
    pages = -(-int(first.total_count or 0) // PAGE_SIZE)
    numbers = shard.page_range(pages)
    for number in numbers:
        page = await mgmt.users.list(page=number, limit=PAGE_SIZE)
        yield page, min(len(numbers) * PAGE_SIZE, int(page.total_count or 0))
