"""Import users from a file: streamed, bounded, safe to re-run, resumable.

* Rows are read lazily and at most ``2 * concurrency`` are in flight; results are counted, not
  kept; failed rows are written to ``failures`` as they happen.
* A user that already exists (same externalId, email, username or phone) is counted as skipped.
  When a create's answer is lost (dropped connection, timeout, 5xx after sending), the row is
  looked up before any new attempt, so a retried create never makes a second user.
* Results are taken as they complete (a row waiting on a retry does not hold the others back).
* ``resume``: a checkpoint file holding how many leading rows were all tried (``next``) and which
  of them failed (``failed``); it is rewritten every ``CHECKPOINT_EVERY`` results and when the job
  stops (also on Ctrl-C or cancellation). Only rows that are done (created or already existing)
  count as done: a resumed run sends the failed rows again, and the rows from ``next`` on. Rows
  past ``next`` that were done are sent again and counted as skipped.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import IO, Any

import anyio
import attrs

from aioauthing.bulk import BulkResult, run_bulk
from aioauthing.cli.fleet import Shard
from aioauthing.cli.rows import IDENTITY_KEYS, Row, RowError, check_file, parse_rows

__all__ = [
    "ImportStats",
    "InvalidCheckpointError",
    "InvalidFileError",
    "find_existing",
    "import_users",
]

CHECKPOINT_EVERY = 50
_SECRET_COLUMNS = frozenset({"password"})
"""Masked in the failures file (the source file keeps them)."""
MAX_REPORTED_PROBLEMS = 20


@dataclasses.dataclass(slots=True)
class ImportStats:
    """The final summary of an import."""

    created: int = 0
    """Includes ``recovered``."""
    skipped: int = 0
    """Already in the pool (the create was refused as a duplicate)."""
    recovered: int = 0
    """Rows whose create got no answer (dropped connection, timeout, 5xx) and whose user was then
    found in the pool. They count as created: the API cannot tell whether the lost create or an
    earlier run made the user, so on a re-run under faults a few existing users land here."""
    failed: int = 0
    retries: int = 0
    """Requests sent again: by the client's retry policy (429, 503, connect errors) and by the
    importer after an answer was lost."""
    resumed_from: int = 0
    retried_failures: int = 0
    """Rows that failed in an earlier run (from the ``resume`` checkpoint) and were sent again."""
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class InvalidRowError(Exception):
    """The row did not pass the file check (only when the import runs with ``check=False``)."""


class InvalidCheckpointError(ValueError):
    """The ``resume`` file is not a checkpoint this importer wrote."""


class InvalidFileError(Exception):
    """The file has problems; nothing was sent. ``problems`` holds the first few."""

    def __init__(self, problems: list[RowError], total: int) -> None:
        shown = "\n".join(str(p) for p in problems)
        more = f"\n... and {total - len(problems)} more" if total > len(problems) else ""
        super().__init__(f"{total} problems in the file; nothing was sent:\n{shown}{more}")
        self.problems = problems
        self.total = total


async def find_existing(mgmt: Any, identity: dict[str, str]) -> Any:
    """The pool's user with any of these identities (externalId, email, username, phone)."""
    for key in IDENTITY_KEYS:
        if key in identity:
            found = await mgmt.users.find(**{key: identity[key]})
            if found is not None:
                return found
    return None


@cache
def _sdk() -> tuple[Any, ...]:
    """The SDK names a row needs, imported once (not per row, and not when the CLI starts)."""
    from aioauthing import AlreadyExistsError, RateLimitedError, ServerError, TransportError
    from aioauthing.generated.models import CreateUserInput

    return AlreadyExistsError, RateLimitedError, ServerError, TransportError, CreateUserInput


async def _import_row(mgmt: Any, row: Row, stats: ImportStats, *, max_attempts: int) -> str:
    """Create one user: ``"created"``, ``"recovered"`` or ``"skipped"``; raises on failure."""
    AlreadyExistsError, RateLimitedError, ServerError, TransportError, CreateUserInput = _sdk()

    if row.errors:
        raise InvalidRowError("; ".join(row.errors))
    user_input = CreateUserInput(**row.fields)
    custom = dict(row.custom) or None
    uncertain = False  # a create may have been applied without us seeing the answer
    last: Exception | None = None
    for attempt in range(max_attempts):
        if attempt:
            stats.retries += 1
            await anyio.sleep(min(2.0, 0.05 * 2**attempt))
        if uncertain:
            try:
                if await find_existing(mgmt, row.identity()) is not None:
                    return "recovered"
            except (TransportError, ServerError, RateLimitedError) as exc:
                last = exc
                continue
        try:
            if custom is None:
                await mgmt.users.create(user_input)
            else:
                await mgmt.users.create(user_input, custom_data=custom)
            return "created"
        except AlreadyExistsError:
            return "recovered" if uncertain else "skipped"
        except RateLimitedError as exc:  # refused before being applied
            last = exc
            if exc.retry_after:
                await anyio.sleep(min(exc.retry_after, 5.0))
        except (TransportError, ServerError) as exc:
            last, uncertain = exc, True
    assert last is not None
    raise last


def _counting_retries(mgmt: Any, stats: ImportStats) -> Any:
    """A copy of ``mgmt`` (same pool and limiter) whose retry waits are counted in ``stats``."""
    clone = mgmt.with_options()
    policy = clone.core.retry
    sleep = policy.sleep

    async def counted_sleep(delay: float) -> None:
        stats.retries += 1
        await sleep(delay)

    clone.core.retry = attrs.evolve(policy, sleep=counted_sleep)
    return clone


def _checkpoint_key(source: Path) -> dict[str, Any]:
    return {"file": str(source.resolve()), "size": source.stat().st_size}


def read_resume(path: Path | None, source: Path) -> tuple[int, list[int]]:
    """``(next, failed)`` from ``path``: rows before ``next`` were tried, ``failed`` (row indexes)
    must be sent again; ``(0, [])`` when absent or written for another file."""
    if path is None or not path.exists():
        return 0, []
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
        if {k: data.get(k) for k in ("file", "size")} != _checkpoint_key(source):
            return 0, []
        return int(data.get("next", 0)), sorted(int(i) for i in data.get("failed", ()))
    except (ValueError, TypeError, AttributeError):
        raise InvalidCheckpointError(
            f"{path} is not a checkpoint written by 'aioauthing users import' (remove it to "
            "start over)"
        ) from None


def read_checkpoint(path: Path | None, source: Path) -> int:
    """Rows done according to ``path``: those before ``next`` except the failed ones."""
    start, failed = read_resume(path, source)
    return start - len(failed)


def write_checkpoint(
    path: Path | None, source: Path, next_index: int, failed: Iterable[int] = ()
) -> None:
    if path is None:
        return
    tmp = path.with_name(path.name + ".tmp")
    record = {**_checkpoint_key(source), "next": next_index, "failed": sorted(failed)}
    tmp.write_text(json.dumps(record), "utf-8")
    tmp.replace(path)


def _raise_if_invalid(path: Path, mapping: Mapping[str, str] | None) -> None:
    shown: list[RowError] = []

    def keep(problem: RowError) -> None:
        if len(shown) < MAX_REPORTED_PROBLEMS:
            shown.append(problem)

    _, total = check_file(path, keep, mapping=mapping)
    if total:
        raise InvalidFileError(shown, total)


async def import_users(
    mgmt: Any,
    path: Path,
    *,
    concurrency: int = 16,
    resume: Path | None = None,
    failures: IO[str] | None = None,
    on_progress: Callable[[BulkResult[Row, str]], object] | None = None,
    max_attempts: int = 8,
    check: bool = True,
    mapping: Mapping[str, str] | None = None,
    shard: Shard | None = None,
) -> ImportStats:
    """Import ``path`` into the pool of ``mgmt``; safe to re-run.

    ``check`` (default) reads the whole file first and raises :class:`InvalidFileError` before
    sending anything if a row is bad; with ``check=False`` (the caller checked), bad rows fail.
    ``mapping`` renames columns (``{"E-mail": "email"}``) or drops them (``{"Notes": ""}``).
    ``shard`` keeps only that shard's rows (:class:`~aioauthing.cli.fleet.Shard`); give each shard
    its own ``resume`` file.
    """
    if check:
        await anyio.to_thread.run_sync(_raise_if_invalid, path, mapping)
    stats = ImportStats()
    started = time.monotonic()
    start, failed_before = read_resume(resume, path)
    stats.resumed_from = start
    stats.retried_failures = len(failed_before)
    pending = set(failed_before)  # failed earlier, not yet tried again
    failed_now: set[int] = set()
    client = _counting_retries(mgmt, stats)

    def rows() -> Iterator[Row]:
        source: Iterator[Row] = parse_rows(path, mapping=mapping, check_duplicates=False)
        if shard is not None:
            source = (row for row in source if shard.owns_record(row.identity() or row.raw))
        for index, row in enumerate(source):
            if index >= start or index in pending:
                row.index = index
                yield row

    async def work(row: Row) -> str:
        return await _import_row(client, row, stats, max_attempts=max_attempts)

    checkpoint = _Watermark(start)

    def save() -> None:
        write_checkpoint(resume, path, checkpoint.next, pending | failed_now)

    received = 0
    try:
        async with run_bulk(work, rows(), concurrency=concurrency, ordered=False) as results:
            async for result in results:
                _count(stats, result, failures)
                index = result.item.index
                pending.discard(index)
                if not result.ok:
                    failed_now.add(index)
                if index >= start:
                    checkpoint.done(index)
                received += 1
                if received % CHECKPOINT_EVERY == 0:
                    save()
                if on_progress is not None:
                    on_progress(result)
    finally:
        save()
        stats.seconds = time.monotonic() - started
    return stats


class _Watermark:
    """The number of leading rows all done, from results that arrive in any order."""

    def __init__(self, start: int) -> None:
        self.next = start
        self._ahead: set[int] = set()  # done rows past a row still in flight

    def done(self, index: int) -> None:
        self._ahead.add(index)
        while self.next in self._ahead:
            self._ahead.remove(self.next)
            self.next += 1


def _count(stats: ImportStats, result: BulkResult[Row, str], failures: IO[str] | None) -> None:
    if result.ok:
        if result.value == "skipped":
            stats.skipped += 1
        else:
            stats.created += 1
            stats.recovered += result.value == "recovered"
        return
    stats.failed += 1
    if failures is not None:
        row = result.item.raw
        record = {
            "line": result.item.line,
            "row": {k: "***" if k in _SECRET_COLUMNS else v for k, v in row.items()},
            "error": f"{type(result.error).__name__}: {result.error}",
        }
        failures.write(json.dumps(record, ensure_ascii=False) + "\n")
        failures.flush()
