"""``aioauthing demo``: generate, import, search and export 2,000 users on an emulator."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
import click
from rich.console import Console

from aioauthing.cli.users import (
    Connection,
    export_users,
    import_users,
    open_client,
    print_summary,
    progress_bar,
)

__all__ = ["demo", "generate_users"]


def generate_users(path: Path, count: int) -> None:
    """Write ``count`` synthetic users as JSON Lines."""
    with path.open("w", encoding="utf-8") as fh:
        for i in range(count):
            record = {
                "username": f"demo{i:05d}",
                "email": f"demo{i:05d}@example.com",
                "externalId": f"ext-{i:05d}",
                "nickname": f"Demo User {i}",
                "phone": f"+8613{i:09d}",
            }
            fh.write(json.dumps(record) + "\n")


@click.command()
@click.option("--users", "count", default=2000, show_default=True, type=click.IntRange(1))
@click.option("--concurrency", default=32, show_default=True, type=click.IntRange(1, 256))
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write users.jsonl and export.jsonl (default: a new temporary directory).",
)
def demo(count: int, concurrency: int, directory: Path | None) -> None:
    """Import, search and export synthetic users on a fresh in-process emulator.

    The generated and exported files stay where the output says they are."""
    try:
        import aioauthing.emulator.app  # noqa: F401
    except ImportError as exc:
        from aioauthing.cli import missing_extra

        raise missing_extra("aioauthing demo", "cli,emulator", exc) from None
    console = Console(stderr=True)
    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="aioauthing-demo-"))
    else:
        directory.mkdir(parents=True, exist_ok=True)

    async def job() -> None:
        source = directory / "users.jsonl"
        generate_users(source, count)
        console.print(f"generated {count} users in {source}")
        async with open_client(Connection(emulator=True)) as mgmt:
            with progress_bar(console) as progress:
                task = progress.add_task("import", total=count, info="")

                def tick(_: Any) -> None:
                    progress.update(task, advance=1)

                stats = await import_users(mgmt, source, concurrency=concurrency, on_progress=tick)
            print_summary(console, stats)
            page = await mgmt.users.search("demo0001", limit=5)
            console.print(f"search 'demo0001': {page.total_count} matches")
            started = time.monotonic()
            target = directory / "export.jsonl"
            with target.open("w", encoding="utf-8") as out:
                exported = (await export_users(mgmt, out, "jsonl")).exported
            console.print(
                f"exported {exported} users to {target} in {time.monotonic() - started:.2f}s"
            )
            click.echo(json.dumps({**stats.as_dict(), "exported": exported}))

    anyio.run(job)
