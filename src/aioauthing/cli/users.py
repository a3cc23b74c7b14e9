"""``aioauthing users``: bulk import / export / delete / search of a pool's users."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import json
import re
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import IO, Any

import anyio
import attrs
import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from aioauthing.bulk import run_bulk
from aioauthing.generated.models import CreateUserInput as _CreateUserInput

__all__ = [
    "Connection",
    "ImportStats",
    "RowError",
    "import_users",
    "open_client",
    "parse_rows",
    "users",
    "validate_file",
]

_ENV_HOST = "AUTHING_HOST"
_ENV_POOL = "AUTHING_USERPOOL_ID"
_ENV_SECRET = "AUTHING_USERPOOL_SECRET"

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")
IDENTITY_KEYS = ("external_id", "email", "username", "phone")


# -- connection ----------------------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class Connection:
    host: str | None = None
    user_pool_id: str | None = None
    secret: str | None = None
    emulator: bool = False
    public_key: str | None = None
    http_client: Any = None


@contextlib.asynccontextmanager
async def open_client(conn: Connection) -> AsyncIterator[Any]:
    """A ``ManagementClient`` for ``conn`` (``conn.emulator``: a fresh in-process emulator)."""
    import httpx

    from aioauthing import ManagementClient

    if conn.emulator:
        from aioauthing.emulator.app import create_app
        from aioauthing.emulator.config import EmulatorConfig
        from aioauthing.emulator.transport import EmulatorTransport

        base = "http://emulator"
        app = create_app(EmulatorConfig(public_url=base))
        settings = app.state.emulator.settings(base)
        async with (
            httpx.AsyncClient(transport=EmulatorTransport(app), base_url=base) as http,
            ManagementClient(
                settings["user_pool_id"],
                settings["secret"],
                host=base,
                public_key=settings["public_key"],
                http_client=http,
            ) as client,
        ):
            yield client
        return
    if not (conn.host and conn.user_pool_id and conn.secret):
        raise click.UsageError(
            f"give --host/--user-pool-id/--secret (or {_ENV_HOST}, {_ENV_POOL}, {_ENV_SECRET}) "
            "or --emulator"
        )
    async with ManagementClient(
        conn.user_pool_id,
        conn.secret,
        host=conn.host,
        public_key=conn.public_key,
        http_client=conn.http_client,
    ) as client:
        yield client


# -- rows ----------------------------------------------------------------------------------------


def _field_map() -> dict[str, attrs.Attribute[Any]]:
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
    line: int
    raw: dict[str, Any]
    fields: dict[str, Any] = dataclasses.field(default_factory=dict)
    custom: dict[str, Any] = dataclasses.field(default_factory=dict)
    errors: list[str] = dataclasses.field(default_factory=list)

    def identity(self) -> dict[str, str]:
        return {k: str(self.fields[k]) for k in IDENTITY_KEYS if self.fields.get(k)}


def _detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    with path.open(encoding="utf-8") as fh:
        first = fh.readline().lstrip()
    return "jsonl" if first.startswith("{") else "csv"


def read_raw(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Yield ``(line_number, mapping)`` lazily; a string instead of a mapping is a parse error."""
    fmt = _detect_format(path)
    with path.open(encoding="utf-8", newline="") as fh:
        if fmt == "csv":
            reader = csv.DictReader(fh)
            for record in reader:
                line = reader.line_num
                if None in record:
                    yield line, "more cells than header columns"
                    continue
                yield line, {k: v for k, v in record.items() if v not in (None, "")}
        else:
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
                yield line, {k: v for k, v in obj.items() if v not in (None, "")}


_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f"}


def _convert(field: attrs.Attribute[Any], value: Any) -> Any:
    kind = str(field.type)
    if "bool" in kind:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"{field.name}: {value!r} is not a boolean")
    if "int" in kind and "list" not in kind:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValueError(f"{field.name}: {value!r} is not an integer") from None
    if "list" in kind:
        if isinstance(value, list):
            return [str(v) for v in value]
        return [p.strip() for p in str(value).split(";") if p.strip()]
    if isinstance(value, (dict, list)):
        raise ValueError(f"{field.name}: expected text, got {type(value).__name__}")
    return str(value)


def parse_row(line: int, raw: dict[str, Any] | str, fields: dict[str, Any]) -> Row:
    if isinstance(raw, str):
        return Row(line, {}, errors=[raw])
    row = Row(line, raw)
    for key, value in raw.items():
        if key.startswith("custom."):
            name = key[len("custom.") :]
            if not name:
                row.errors.append(f"column {key!r}: empty custom data key")
            else:
                row.custom[name] = value
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


def parse_rows(path: Path) -> Iterator[Row]:
    """Parsed rows, lazily; duplicate identities (of an earlier line) are reported on the row."""
    fields = _field_map()
    seen: dict[tuple[str, str], int] = {}
    header_errors: list[str] = []
    if _detect_format(path) == "csv":
        with path.open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh), [])
        header_errors = [
            f"unknown column {name!r} in the header"
            for name in header
            if name not in fields and not name.startswith("custom.")
        ]
    for line, raw in read_raw(path):
        if header_errors:
            yield Row(1, {}, errors=header_errors)
            return
        row = parse_row(line, raw, fields)
        for key, value in row.identity().items():
            norm = value.lower() if key == "email" else value
            first = seen.get((key, norm))
            if first is not None:
                row.errors.append(f"duplicate row: {key} {value!r} already on line {first}")
            else:
                seen[(key, norm)] = line
        yield row


def validate_file(path: Path) -> tuple[int, list[RowError]]:
    """Check the whole file: (row count, every problem with its line number)."""
    count = 0
    problems: list[RowError] = []
    for row in parse_rows(path):
        count += 1
        problems.extend(RowError(row.line, message) for message in row.errors)
        if row.line == 1 and not row.raw and row.errors:
            count = 0  # unusable header: no row was checked
    return count, problems


# -- import --------------------------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class ImportStats:
    created: int = 0
    skipped: int = 0
    failed: int = 0
    retries: int = 0
    resumed_from: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class InvalidRowError(Exception):
    pass


async def _lookup(mgmt: Any, identity: dict[str, str]) -> Any:
    for key in IDENTITY_KEYS:
        if key in identity:
            found = await mgmt.users.find(**{key: identity[key]})
            if found is not None:
                return found
    return None


async def _import_row(mgmt: Any, row: Row, stats: ImportStats, *, max_attempts: int) -> str:
    """Create one user; returns "created" or "skipped"; raises on failure."""
    from aioauthing import (
        AlreadyExistsError,
        AuthingError,
        AuthingValidationError,
        RateLimitedError,
        ServerError,
        TransportError,
    )
    from aioauthing.generated.models import CreateUserInput

    if row.errors:
        raise InvalidRowError("; ".join(row.errors))
    user_input = CreateUserInput(**row.fields)
    custom = (
        json.dumps([{"key": k, "value": v} for k, v in row.custom.items()], ensure_ascii=False)
        if row.custom
        else None
    )
    uncertain = False
    last: Exception | None = None
    for attempt in range(max_attempts):
        if attempt:
            stats.retries += 1
            await anyio.sleep(min(2.0, 0.05 * 2**attempt))
        if uncertain:
            # the previous create may have been applied: look before creating again
            try:
                if await _lookup(mgmt, row.identity()) is not None:
                    return "created"
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
            return "created" if uncertain else "skipped"
        except RateLimitedError as exc:  # refused before being applied
            last = exc
            if exc.retry_after:
                await anyio.sleep(min(exc.retry_after, 5.0))
        except (TransportError, ServerError) as exc:
            last, uncertain = exc, True
        except AuthingValidationError:
            raise
        except AuthingError:
            raise
    assert last is not None
    raise last


def _read_checkpoint(path: Path | None, source: Path) -> int:
    if path is None or not path.exists():
        return 0
    data = json.loads(path.read_text(encoding="utf-8") or "{}")
    if data.get("file") != str(source.resolve()):
        return 0
    return int(data.get("next", 0))


def _write_checkpoint(path: Path | None, source: Path, next_index: int) -> None:
    if path is None:
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"file": str(source.resolve()), "next": next_index}), "utf-8")
    tmp.replace(path)


async def import_users(
    mgmt: Any,
    path: Path,
    *,
    concurrency: int = 16,
    resume: Path | None = None,
    failures: IO[str] | None = None,
    on_progress: Any = None,
    max_attempts: int = 8,
) -> ImportStats:
    """Import ``path`` into the pool of ``mgmt`` (safe to re-run)."""
    stats = ImportStats()
    started = time.monotonic()
    start = _read_checkpoint(resume, path)
    stats.resumed_from = start

    def rows() -> Iterator[Row]:
        for index, row in enumerate(parse_rows(path)):
            if index >= start:
                yield row

    async def work(row: Row) -> str:
        return await _import_row(mgmt, row, stats, max_attempts=max_attempts)

    done = start
    async with run_bulk(work, rows(), concurrency=concurrency, ordered=True) as results:
        async for result in results:
            if result.ok:
                if result.value == "skipped":
                    stats.skipped += 1
                else:
                    stats.created += 1
            else:
                stats.failed += 1
                if failures is not None:
                    record = {
                        "line": result.item.line,
                        "row": result.item.raw,
                        "error": f"{type(result.error).__name__}: {result.error}",
                    }
                    failures.write(json.dumps(record, ensure_ascii=False) + "\n")
            done += 1
            if done % 50 == 0:
                _write_checkpoint(resume, path, done)
            if on_progress is not None:
                on_progress(result)
    _write_checkpoint(resume, path, done)
    stats.seconds = time.monotonic() - started
    return stats


def count_records(path: Path) -> int:
    return sum(1 for _ in read_raw(path))


# -- export --------------------------------------------------------------------------------------

EXPORT_FIELDS = (
    "id",
    *tuple(
        f.metadata.get("wire", f.name)
        for f in attrs.fields(_CreateUserInput)
        if f.name != "password"
    ),
)


def user_record(user: Any) -> dict[str, Any]:
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


async def export_users(mgmt: Any, out: IO[str], fmt: str, on_user: Any = None) -> int:
    count = 0
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(EXPORT_FIELDS), extrasaction="ignore")
        writer.writeheader()
    async for user in mgmt.users.iter_list(page_size=100):
        record = user_record(user)
        if writer is not None:
            writer.writerow(
                {k: ";".join(v) if isinstance(v, list) else v for k, v in record.items()}
            )
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
        if on_user is not None:
            on_user(user)
    return count


# -- click ---------------------------------------------------------------------------------------


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[info]}"),
        console=console,
    )


def print_summary(console: Console, stats: ImportStats) -> None:
    table = Table(title="import summary", show_header=False)
    table.add_row("created", str(stats.created))
    table.add_row("skipped (already existing)", str(stats.skipped))
    table.add_row("failed", str(stats.failed))
    table.add_row("retries", str(stats.retries))
    if stats.resumed_from:
        table.add_row("resumed from row", str(stats.resumed_from))
    table.add_row("time", f"{stats.seconds:.2f}s")
    console.print(table)


def _run(fn: Any, *args: Any) -> Any:
    return anyio.run(fn, *args)


@click.group()
@click.option("--host", envvar=_ENV_HOST, default=None, help=f"API host (env {_ENV_HOST}).")
@click.option("--user-pool-id", envvar=_ENV_POOL, default=None, help=f"Pool id (env {_ENV_POOL}).")
@click.option(
    "--secret", envvar=_ENV_SECRET, default=None, help=f"Pool secret (env {_ENV_SECRET})."
)
@click.option("--emulator", is_flag=True, help="Use a fresh in-process emulator pool.")
@click.pass_context
def users(
    ctx: click.Context,
    host: str | None,
    user_pool_id: str | None,
    secret: str | None,
    emulator: bool,
) -> None:
    """Bulk jobs on a pool's users (import, export, delete, search)."""
    ctx.obj = Connection(host=host, user_pool_id=user_pool_id, secret=secret, emulator=emulator)


@users.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate the whole file; send nothing.")
@click.option("--concurrency", default=16, show_default=True, type=click.IntRange(1, 256))
@click.option(
    "--resume",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Checkpoint file: skip rows done by an earlier run, record progress.",
)
@click.option(
    "--failures",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write failed rows (JSON Lines) here.",
)
@click.pass_obj
def import_cmd(
    conn: Connection,
    file: Path,
    dry_run: bool,
    concurrency: int,
    resume: Path | None,
    failures: Path | None,
) -> None:
    """Import users from FILE (CSV or JSON Lines); safe to re-run."""
    console = Console(stderr=True)
    if dry_run:
        count, problems = validate_file(file)
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"{count} rows checked, {len(problems)} problems; nothing sent.")
        if problems:
            raise SystemExit(1)
        return
    total = count_records(file)

    async def job() -> ImportStats:
        with contextlib.ExitStack() as stack:
            fh = stack.enter_context(failures.open("w", encoding="utf-8")) if failures else None
            progress = stack.enter_context(_progress(console))
            task = progress.add_task("import", total=total, info="")

            def tick(result: Any) -> None:
                progress.update(task, advance=1, info="" if result.ok else "[red]failures")

            async with open_client(conn) as mgmt:
                return await import_users(
                    mgmt,
                    file,
                    concurrency=concurrency,
                    resume=resume,
                    failures=fh,
                    on_progress=tick,
                )

    stats = _run(job)
    print_summary(console, stats)
    click.echo(json.dumps(stats.as_dict()))
    if stats.failed:
        raise SystemExit(2)


@users.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="jsonl", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_obj
def export_cmd(conn: Connection, fmt: str, output: Path | None) -> None:
    """Export every user (streamed page by page)."""
    console = Console(stderr=True)

    async def job() -> int:
        with contextlib.ExitStack() as stack:
            out: IO[str] = (
                stack.enter_context(output.open("w", encoding="utf-8", newline=""))
                if output
                else sys.stdout
            )
            async with open_client(conn) as mgmt:
                return await export_users(mgmt, out, fmt)

    count = _run(job)
    console.print(f"exported {count} users")


@users.command("delete")
@click.option(
    "--from-file",
    "from_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Ids one per line, or CSV/JSONL rows with id or username/email/phone/externalId.",
)
@click.option("--concurrency", default=16, show_default=True, type=click.IntRange(1, 256))
@click.pass_obj
def delete_cmd(conn: Connection, from_file: Path, concurrency: int) -> None:
    """Delete users listed in a file (missing users count as skipped)."""
    console = Console(stderr=True)
    counts = {"deleted": 0, "skipped": 0, "failed": 0}
    targets = list(_delete_targets(from_file))

    async def job() -> None:
        from aioauthing import NotFoundError

        async with open_client(conn) as mgmt:

            async def delete_one(target: dict[str, str]) -> str:
                user_id = target.get("id")
                if not user_id:
                    found = await _lookup(mgmt, target)
                    if found is None:
                        return "skipped"
                    user_id = found.id
                try:
                    await mgmt.users.delete(user_id)
                except NotFoundError:
                    return "skipped"
                return "deleted"

            with _progress(console) as progress:
                task = progress.add_task("delete", total=len(targets), info="")
                async with run_bulk(delete_one, targets, concurrency=concurrency) as results:
                    async for result in results:
                        if result.ok:
                            counts[str(result.value)] += 1
                        else:
                            counts["failed"] += 1
                            console.print(f"[red]{result.item}: {result.error}")
                        progress.update(task, advance=1)

    _run(job)
    click.echo(json.dumps(counts))
    if counts["failed"]:
        raise SystemExit(2)


def _delete_targets(path: Path) -> Iterator[dict[str, str]]:
    text = path.read_text(encoding="utf-8")
    first = text.lstrip()[:1]
    if path.suffix.lower() in (".csv", ".jsonl", ".ndjson") or first == "{":
        fields = _field_map()
        for _line, raw in read_raw(path):
            if isinstance(raw, str):
                continue
            target: dict[str, str] = {}
            for key, value in raw.items():
                field = fields.get(key)
                if key == "id":
                    target["id"] = str(value)
                elif field is not None and field.name in IDENTITY_KEYS:
                    target[field.name] = str(value)
            if target:
                yield target
    else:
        for line in text.splitlines():
            if line.strip():
                yield {"id": line.strip()}


@users.command("search")
@click.argument("query")
@click.option("--limit", default=50, show_default=True, type=int)
@click.pass_obj
def search_cmd(conn: Connection, query: str, limit: int) -> None:
    """Fuzzy-search users and print a table."""

    async def job() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        async with open_client(conn) as mgmt:
            async for user in mgmt.users.iter_search(query, page_size=min(limit, 100)):
                found.append(user_record(user))
                if len(found) >= limit:
                    break
        return found

    rows = _run(job)
    table = Table("id", "username", "email", "phone", "externalId")
    for record in rows:
        table.add_row(*(str(record.get(k, "")) for k in table_columns()))
    Console().print(table)
    click.echo(f"{len(rows)} users")


def table_columns() -> tuple[str, ...]:
    return ("id", "username", "email", "phone", "externalId")
