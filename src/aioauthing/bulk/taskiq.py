"""Bulk jobs on `Taskiq <https://taskiq-python.github.io>`_ workers, across processes and machines.

Register the tasks on your broker (``taskiq-redis``'s ``ListQueueBroker`` is a good default)::

    # jobs.py
    from taskiq_redis import ListQueueBroker, RedisAsyncResultBackend
    from aioauthing.bulk.taskiq import bulk_tasks

    # socket_timeout=None: redis-py 8 times reads out after 5 s, which kills an idle worker in its
    # blocking read of the queue (and loses the chunks it had taken)
    broker = ListQueueBroker(REDIS_URL, socket_timeout=None).with_result_backend(
        RedisAsyncResultBackend(REDIS_URL)
    )
    tasks = bulk_tasks(broker)

run ``taskiq worker jobs:broker`` on as many machines as you like, and enqueue a file from any of
them (``await tasks.enqueue_file("users.jsonl")``). Each task takes a chunk of rows and imports,
updates or deletes them through the worker process's one :class:`~aioauthing.ManagementClient`,
which shares the management token (:class:`~aioauthing.RedisTokenStore`) and the pool's
request budget (:class:`~aioauthing.runtime.redis_limiter.RedisRateLimiter`) with every other
worker through ``AIOAUTHING_REDIS_URL``. A retried task never duplicates a user: an existing user
counts as skipped, and a create whose answer was lost is looked up before it is tried again.

Workers read their connection from the environment: ``AUTHING_HOST``, ``AUTHING_USERPOOL_ID``,
``AUTHING_USERPOOL_SECRET`` (``AUTHING_PUBLIC_KEY`` optional), ``AIOAUTHING_REDIS_URL`` and
``AIOAUTHING_RATE_LIMIT`` (requests per second for the whole fleet; default: no shared budget),
``AIOAUTHING_CONCURRENCY`` (rows of one chunk in flight; default 16). Needs the ``taskiq``
extra (``pip install 'aioauthing[taskiq]'``); asyncio only.
"""

from __future__ import annotations

import dataclasses
import os
import socket
from collections.abc import Iterator, Mapping
from contextlib import AsyncExitStack
from itertools import islice
from pathlib import Path
from typing import Any

import anyio

from aioauthing.bulk import run_bulk

__all__ = ["BulkTasks", "WorkerSettings", "bulk_tasks", "chunks"]

_WORKER = f"{socket.gethostname()}:{os.getpid()}"
"""Which worker process ran a task (in every task's result)."""


@dataclasses.dataclass(frozen=True, slots=True)
class WorkerSettings:
    """How a worker reaches the pool (defaults: the environment variables above)."""

    host: str
    user_pool_id: str
    secret: str = dataclasses.field(repr=False)
    public_key: str | None = dataclasses.field(default=None, repr=False)
    redis_url: str | None = dataclasses.field(default=None, repr=False)
    rate_limit: float | None = None
    concurrency: int = 16

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WorkerSettings:
        values = os.environ if env is None else env
        missing = [
            name
            for name in ("AUTHING_HOST", "AUTHING_USERPOOL_ID", "AUTHING_USERPOOL_SECRET")
            if not values.get(name)
        ]
        if missing:
            raise RuntimeError(f"the bulk worker needs {', '.join(missing)} in its environment")
        rate = values.get("AIOAUTHING_RATE_LIMIT")
        return cls(
            host=values["AUTHING_HOST"],
            user_pool_id=values["AUTHING_USERPOOL_ID"],
            secret=values["AUTHING_USERPOOL_SECRET"],
            public_key=values.get("AUTHING_PUBLIC_KEY") or None,
            redis_url=values.get("AIOAUTHING_REDIS_URL") or None,
            rate_limit=float(rate) if rate else None,
            concurrency=int(values.get("AIOAUTHING_CONCURRENCY") or 16),
        )


class _WorkerClient:
    """The worker process's one client (made on first use, closed at worker shutdown)."""

    def __init__(self, settings: WorkerSettings | None) -> None:
        self._settings = settings
        self._stack: AsyncExitStack | None = None
        self._client: Any = None
        self._lock = anyio.Lock()

    @property
    def settings(self) -> WorkerSettings:
        if self._settings is None:
            self._settings = WorkerSettings.from_env()
        return self._settings

    async def get(self) -> Any:
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                self._client = await self._open()
        return self._client

    async def _open(self) -> Any:
        from aioauthing import ManagementClient

        s = self.settings
        stack = AsyncExitStack()
        kwargs: dict[str, Any] = {}
        if s.redis_url:
            from aioauthing.runtime.redis_limiter import RedisRateLimiter
            from aioauthing.runtime.redis_store import RedisTokenStore

            store = RedisTokenStore(s.redis_url)
            stack.push_async_callback(store.aclose)
            kwargs["token_store"] = store
            if s.rate_limit:
                limiter = RedisRateLimiter(s.redis_url, rate=s.rate_limit, pool_id=s.user_pool_id)
                stack.push_async_callback(limiter.aclose)
                kwargs["limiter"] = limiter
        elif s.rate_limit:
            kwargs["rate_limit"] = s.rate_limit
        client = ManagementClient(
            s.user_pool_id, s.secret, host=s.host, public_key=s.public_key, **kwargs
        )
        stack.push_async_callback(client.aclose)
        self._stack = stack
        return client

    async def close(self, *_: Any) -> None:
        stack, self._stack, self._client = self._stack, None, None
        if stack is not None:
            await stack.aclose()


def chunks(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` items (the last one shorter)."""
    while chunk := list(islice(rows, size)):
        yield chunk


async def _each(client: _WorkerClient, rows: list[dict[str, Any]], work: Any) -> dict[str, Any]:
    mgmt = await client.get()
    counts: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []

    async def one(item: tuple[int, dict[str, Any]]) -> str:
        result: str = await work(mgmt, item[1])
        return result

    indexed = list(enumerate(rows))
    concurrency = client.settings.concurrency
    async with run_bulk(one, indexed, concurrency=concurrency, ordered=False) as results:
        async for result in results:
            if result.ok:
                counts[str(result.value)] = counts.get(str(result.value), 0) + 1
            else:
                counts["failed"] = counts.get("failed", 0) + 1
                errors.append(
                    {
                        "row": result.item[0],
                        "error": f"{type(result.error).__name__}: {result.error}",
                    }
                )
    return {**counts, "errors": errors, "worker": _WORKER}


async def _import(mgmt: Any, record: dict[str, Any]) -> str:
    from aioauthing.cli.importer import ImportStats, _import_row
    from aioauthing.cli.rows import parse_row

    row = parse_row(int(record.pop("__line__", 0)), record)
    outcome: str = await _import_row(mgmt, row, ImportStats(), max_attempts=8)
    return outcome


async def _find_id(mgmt: Any, record: Mapping[str, Any]) -> str | None:
    from aioauthing.cli.importer import find_existing
    from aioauthing.cli.rows import IDENTITY_KEYS, field_map

    if record.get("id"):
        return str(record["id"])
    fields = field_map()
    identity = {}
    for key, value in record.items():
        field = fields.get(key)
        if field is not None and field.name in IDENTITY_KEYS and value:
            identity[field.name] = str(value)
    found = await find_existing(mgmt, identity) if identity else None
    return None if found is None else str(found.id)


async def _update(mgmt: Any, record: dict[str, Any]) -> str:
    from aioauthing.cli.rows import field_map
    from aioauthing.generated.models import UpdateUserInput

    user_id = await _find_id(mgmt, record)
    if user_id is None:
        return "skipped"
    known = {f.name for f in _attrs_fields(UpdateUserInput)}
    fields = field_map()
    changes: dict[str, Any] = {}
    for key, value in record.items():
        field = fields.get(key)
        name = field.name if field is not None else key
        if key != "id" and name in known:
            changes[name] = value
    await mgmt.users.update(user_id, UpdateUserInput(**changes))
    return "updated"


async def _delete(mgmt: Any, record: dict[str, Any]) -> str:
    from aioauthing import NotFoundError

    user_id = await _find_id(mgmt, record)
    if user_id is None:
        return "skipped"
    try:
        await mgmt.users.delete(user_id)
    except NotFoundError:
        return "skipped"
    return "deleted"


def _attrs_fields(cls: type) -> Any:
    import attrs

    return attrs.fields(cls)


@dataclasses.dataclass(frozen=True, slots=True)
class BulkTasks:
    """The registered tasks: each takes a list of rows (dicts as in an import file)."""

    import_rows: Any
    """``{"created", "skipped", "recovered", "failed", "errors", "worker"}`` for a chunk of rows
    (counts of the outcomes that happened; ``worker`` is ``host:pid``)."""
    update_rows: Any
    """Rows with ``id`` (or a unique field to find the user by) and the fields to change."""
    delete_rows: Any
    """Rows with ``id`` or a unique field (externalId, email, username, phone)."""

    async def enqueue_file(
        self, path: str | os.PathLike[str], *, chunk_size: int = 100, action: str = "import"
    ) -> list[Any]:
        """Send ``path`` (CSV or JSON Lines) as chunks of ``chunk_size`` rows; the task handles.

        ``action`` is ``import``, ``update`` or ``delete``. Import files are checked first, as by
        ``aioauthing users import``: a bad file raises before anything is enqueued.
        """
        from aioauthing.cli.importer import InvalidFileError
        from aioauthing.cli.rows import RowError, check_file, read_raw

        task = {"import": self.import_rows, "update": self.update_rows, "delete": self.delete_rows}
        if action not in task:
            raise ValueError(f"action must be import, update or delete, not {action!r}")
        source = Path(path)
        if action == "import":
            problems: list[RowError] = []
            _, bad = check_file(source, problems.append)
            if bad:
                raise InvalidFileError(problems[:20], bad)

        def records() -> Iterator[dict[str, Any]]:
            for line, raw in read_raw(source):
                if isinstance(raw, dict):
                    yield {**raw, "__line__": line} if action == "import" else raw

        return [await task[action].kiq(chunk) for chunk in chunks(records(), chunk_size)]


def bulk_tasks(
    broker: Any, settings: WorkerSettings | None = None, *, prefix: str = "aioauthing"
) -> BulkTasks:
    """Register ``<prefix>.import_rows``, ``.update_rows`` and ``.delete_rows`` on ``broker``.

    Call it in the module your workers load (``taskiq worker module:broker``), with the same
    broker the producer uses. ``settings`` default to the worker's environment, read when the
    first task runs.
    """
    from taskiq import TaskiqEvents

    client = _WorkerClient(settings)
    broker.add_event_handler(TaskiqEvents.WORKER_SHUTDOWN, client.close)

    async def import_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return await _each(client, rows, _import)

    async def update_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return await _each(client, rows, _update)

    async def delete_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return await _each(client, rows, _delete)

    return BulkTasks(
        import_rows=broker.task(task_name=f"{prefix}.import_rows")(import_rows),
        update_rows=broker.task(task_name=f"{prefix}.update_rows")(update_rows),
        delete_rows=broker.task(task_name=f"{prefix}.delete_rows")(delete_rows),
    )
