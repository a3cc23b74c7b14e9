"""``aioauthing users``: bulk import / export / delete / search of a pool's users.

Connection flags go on the group or on the subcommand (``aioauthing users import FILE --host
...``); the group also reads ``AUTHING_HOST``, ``AUTHING_USERPOOL_ID`` and
``AUTHING_USERPOOL_SECRET``. Progress bars and summaries go to stderr; the last line on stdout is
a JSON summary, for scripts.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import anyio
import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from aioauthing.bulk import run_bulk
from aioauthing.cli.connection import Connection, connection_options, open_client
from aioauthing.cli.exporter import export_users, user_record
from aioauthing.cli.fleet import Shard, fleet_options, shard_options
from aioauthing.cli.importer import ImportStats, find_existing, import_users, read_checkpoint
from aioauthing.cli.rows import IDENTITY_KEYS, RowError, check_file, field_map, read_raw

__all__ = [
    "Connection",
    "ImportStats",
    "RowError",
    "export_users",
    "import_users",
    "open_client",
    "print_summary",
    "progress_bar",
    "users",
]


def progress_bar(console: Console) -> Progress:
    """The progress bar of every long job (``info`` is a free text field)."""
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
    recovered = f" ({stats.recovered} after a lost answer)" if stats.recovered else ""
    table.add_row("created", f"{stats.created}{recovered}")
    table.add_row("skipped (already existing)", str(stats.skipped))
    table.add_row("failed", str(stats.failed))
    table.add_row("retries", str(stats.retries))
    if stats.resumed_from:
        table.add_row("resumed from row", str(stats.resumed_from))
    if stats.retried_failures:
        table.add_row("failed earlier, sent again", str(stats.retried_failures))
    table.add_row("time", f"{stats.seconds:.2f}s")
    console.print(table)


def _conn(ctx: click.Context, **flags: Any) -> Connection:
    base = ctx.find_object(Connection) or Connection()
    return base.merged(**flags)


@click.group()
@connection_options(envvars=True)
@click.pass_context
def users(
    ctx: click.Context,
    /,
    host: str | None,
    user_pool_id: str | None,
    secret: str | None,
    public_key: str | None,
    emulator: bool,
) -> None:
    """Bulk jobs on a pool's users (import, export, delete, search)."""
    ctx.obj = Connection(
        host=host,
        user_pool_id=user_pool_id,
        secret=secret,
        public_key=public_key,
        emulator=emulator,
    )


# -- import --------------------------------------------------------------------------------------


def _parse_maps(maps: tuple[str, ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in maps:
        column, sep, target = item.partition("=")
        if not sep or not column:
            raise click.BadParameter(f"{item!r} is not COLUMN=FIELD", param_hint="--map")
        mapping[column] = target.strip()
    return mapping


@users.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the whole file; send nothing.")
@click.option("--concurrency", default=16, show_default=True, type=click.IntRange(1, 256))
@click.option(
    "--resume",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Checkpoint file: skip the rows an earlier run finished (failed rows are sent again), "
    "record progress.",
)
@click.option(
    "--failures",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write failed rows with their error here (JSON Lines).",
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Read COLUMN as FIELD (a user field or custom.<key>); COLUMN= ignores it. Repeatable.",
)
@shard_options(what="rows by a stable hash of their unique key; --resume gets one file per shard")
@fleet_options()
@connection_options(envvars=False)
@click.pass_context
def import_cmd(
    ctx: click.Context,
    /,
    file: Path,
    dry_run: bool,
    concurrency: int,
    resume: Path | None,
    failures: Path | None,
    maps: tuple[str, ...],
    shard: Shard | None,
    redis_url: str | None,
    rate_limit: float | None,
    **flags: Any,
) -> None:
    """Import users from FILE (CSV or JSON Lines); safe to re-run.

    Columns are CreateUserInput fields (externalId or external_id, email, username, phone,
    password, nickname, ...); custom.<key> columns are custom data; an export's id column is
    ignored. The whole file is checked first: any problem is reported with its line number and
    nothing is sent. Users that already exist (same externalId, email, username or phone) are
    skipped.
    """
    console = Console(stderr=True)
    mapping = _parse_maps(maps)
    total, problems = check_file(file, lambda p: click.echo(str(p), err=True), mapping=mapping)
    if problems or dry_run:
        click.echo(f"{total} rows checked, {problems} problems; nothing sent.")
        if problems:
            raise SystemExit(1)
        return
    conn = _conn(ctx, redis_url=redis_url, rate_limit=rate_limit, **flags)
    if shard is not None:
        resume = shard.checkpoint(resume)

    async def job() -> ImportStats:
        async with open_client(conn) as mgmt, contextlib.AsyncExitStack() as stack:
            fh = stack.enter_context(failures.open("w", encoding="utf-8")) if failures else None
            progress = stack.enter_context(progress_bar(console))
            done = read_checkpoint(resume, file)
            shown = total if shard is None else None  # a shard's size is known at the end
            task = progress.add_task("import", total=shown, completed=done, info="")
            failed = ahead = 0
            shown_at = 0.0

            def flush() -> None:
                nonlocal ahead, shown_at
                progress.update(task, advance=ahead, info=f"[red]{failed} failed" if failed else "")
                ahead, shown_at = 0, time.monotonic()

            def tick(result: Any) -> None:
                # the bar redraws ~10 times a second: hand it the count as often, not per row
                nonlocal failed, ahead
                failed += not result.ok
                ahead += 1
                if not result.ok or time.monotonic() - shown_at >= 0.05:
                    flush()

            try:
                return await import_users(
                    mgmt,
                    file,
                    concurrency=concurrency,
                    resume=resume,
                    failures=fh,
                    on_progress=tick,
                    check=False,
                    mapping=mapping,
                    shard=shard,
                )
            finally:
                flush()

    try:
        stats = anyio.run(job)
    except KeyboardInterrupt:
        hint = f"; run again with --resume {resume} to continue" if resume else ""
        click.echo(f"interrupted{hint}", err=True)
        raise SystemExit(130) from None
    print_summary(console, stats)
    click.echo(json.dumps(stats.as_dict()))
    if stats.failed:
        raise SystemExit(2)


# -- export --------------------------------------------------------------------------------------


@users.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl"]),
    default=None,
    help="Default: from the -o extension (.csv, else jsonl).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option(
    "--custom-data/--no-custom-data",
    default=True,
    show_default=True,
    help="Export custom data as custom.<key> columns (one extra request per page).",
)
@shard_options(what="a contiguous range of pages")
@fleet_options()
@connection_options(envvars=False)
@click.pass_context
def export_cmd(
    ctx: click.Context,
    /,
    fmt: str | None,
    output: Path | None,
    custom_data: bool,
    shard: Shard | None,
    redis_url: str | None,
    rate_limit: float | None,
    **flags: Any,
) -> None:
    """Export every user, page by page (the output imports back with `users import`)."""
    console = Console(stderr=True)
    if fmt is None:
        fmt = "csv" if output is not None and output.suffix.lower() == ".csv" else "jsonl"
    conn = _conn(ctx, redis_url=redis_url, rate_limit=rate_limit, **flags)

    async def job() -> Any:
        async with open_client(conn) as mgmt, contextlib.AsyncExitStack() as stack:
            out: IO[str] = (
                stack.enter_context(output.open("w", encoding="utf-8", newline=""))
                if output
                else sys.stdout
            )
            progress = stack.enter_context(progress_bar(console))
            task = progress.add_task("export", total=None, info="")

            def tick(done: int, total: int | None) -> None:
                progress.update(task, completed=done, total=total)

            return await export_users(
                mgmt, out, fmt, custom_data=custom_data, on_progress=tick, shard=shard
            )

    started = time.monotonic()
    stats = anyio.run(job)
    console.print(f"exported {stats.exported} users in {time.monotonic() - started:.2f}s")
    if stats.custom_left_out:
        console.print(
            f"[yellow]{stats.custom_left_out} custom values have no user-defined field and are "
            "not in the CSV; use --format jsonl to keep them"
        )


# -- delete --------------------------------------------------------------------------------------


def delete_targets(path: Path) -> Iterator[dict[str, str]]:
    """Lazily: ``{"id": ...}`` or identities, from ids one per line or CSV / JSON Lines rows."""
    with path.open(encoding="utf-8-sig") as fh:
        first = fh.read(1)
    if path.suffix.lower() in (".csv", ".jsonl", ".ndjson", ".json") or first == "{":
        fields = field_map()
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
        return
    with path.open(encoding="utf-8-sig") as fh:
        for line in fh:
            text = line.strip()
            if text:
                yield {"email": text} if "@" in text else {"id": text}


@users.command("delete")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Look every user up and report; delete nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--concurrency", default=16, show_default=True, type=click.IntRange(1, 256))
@shard_options(what="targets by the same stable hash as import")
@fleet_options()
@connection_options(envvars=False)
@click.pass_context
def delete_cmd(
    ctx: click.Context,
    /,
    file: Path,
    dry_run: bool,
    yes: bool,
    concurrency: int,
    shard: Shard | None,
    redis_url: str | None,
    rate_limit: float | None,
    **flags: Any,
) -> None:
    """Delete the users listed in FILE (users not found count as skipped).

    FILE holds ids (or emails) one per line, or CSV / JSON Lines rows with id or
    username/email/phone/externalId. Asks before deleting unless --yes.
    """
    console = Console(stderr=True)
    conn = _conn(ctx, redis_url=redis_url, rate_limit=rate_limit, **flags)

    def targets() -> Iterator[dict[str, str]]:
        for target in delete_targets(file):
            if shard is None or shard.owns_record(target):
                yield target

    total = sum(1 for _ in targets())
    if total == 0 and shard is None:  # one shard of a short file may well be empty
        raise click.ClickException(f"{file}: no users listed; nothing to delete")
    if not dry_run and not yes:
        where = "a fresh emulator pool" if conn.emulator else f"pool {conn.user_pool_id}"
        click.confirm(
            f"Delete up to {total} users listed in {file} from {where}?", abort=True, err=True
        )
    action = "found" if dry_run else "deleted"
    counts = {action: 0, "skipped": 0, "failed": 0}

    async def job() -> None:
        from aioauthing import NotFoundError

        async with open_client(conn) as mgmt:

            async def delete_one(target: dict[str, str]) -> str:
                user_id = target.get("id")
                if not user_id:
                    found = await find_existing(mgmt, target)
                    if found is None:
                        return "skipped"
                    user_id = found.id
                try:
                    if dry_run:
                        await mgmt.users.detail(user_id)
                    else:
                        await mgmt.users.delete(user_id)
                except NotFoundError:
                    return "skipped"
                return action

            with progress_bar(console) as progress:
                task = progress.add_task("delete", total=total, info="")
                async with run_bulk(delete_one, targets(), concurrency=concurrency) as results:
                    async for result in results:
                        if result.ok:
                            counts[str(result.value)] += 1
                        else:
                            counts["failed"] += 1
                            console.print(f"[red]{result.item}: {result.error}")
                        progress.update(task, advance=1)

    started = time.monotonic()
    anyio.run(job)
    verb = "would delete (found)" if dry_run else "deleted"
    console.print(
        f"{verb} {counts[action]}, skipped (not found) {counts['skipped']}, "
        f"failed {counts['failed']} in {time.monotonic() - started:.2f}s"
        + ("; dry run: nothing was deleted" if dry_run else "")
    )
    click.echo(json.dumps(counts))
    if counts["failed"]:
        raise SystemExit(2)


# -- search --------------------------------------------------------------------------------------

TABLE_COLUMNS = ("id", "username", "email", "phone", "externalId")


@users.command("search")
@click.argument("query")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per user (JSON Lines).")
@connection_options(envvars=False)
@click.pass_context
def search_cmd(ctx: click.Context, /, query: str, limit: int, as_json: bool, **flags: Any) -> None:
    """Fuzzy-search users and print a table (full ids), or JSON Lines with --json."""
    conn = _conn(ctx, **flags)

    async def job() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        async with open_client(conn) as mgmt:
            async for user in mgmt.users.iter_search(query, page_size=min(limit, 100)):
                found.append(user_record(user))
                if len(found) >= limit:
                    break
        return found

    rows = anyio.run(job)
    if as_json:
        for record in rows:
            click.echo(json.dumps(record, ensure_ascii=False, default=str))
        click.echo(f"{len(rows)} users", err=True)
        return
    table = Table()
    for column in TABLE_COLUMNS:
        longest = max((len(str(r.get(column, ""))) for r in rows), default=0)
        if column == "id":  # never shortened: it is what the other commands take
            table.add_column(column, no_wrap=True, min_width=max(longest, 2))
        else:
            table.add_column(column, overflow="fold")
    for record in rows:
        table.add_row(*(str(record.get(k, "")) for k in TABLE_COLUMNS))
    Console().print(table)
    click.echo(f"{len(rows)} users")
