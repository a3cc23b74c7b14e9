"""Bulk jobs split across processes and machines: ``--shard K/N``, ``--redis``, ``--rate-limit``.

* ``--shard K/N`` (K from 1 to N): this process handles the rows whose unique key (the first of
  externalId, email, username, phone; else the id) hashes to shard K. The hash is stable
  (BLAKE2b of the key, not Python's salted ``hash``), so every machine agrees on the split. The
  checkpoint file of ``--resume PATH`` becomes ``PATH.shardKofN``: one per shard.
* ``--redis URL`` (or ``AIOAUTHING_REDIS_URL``): the management token is shared through Redis
  (one token request for the whole fleet) and, with ``--rate-limit``, so is the budget.
* ``--rate-limit R``: requests per second for the pool; with ``--redis`` the budget of the whole
  fleet (:class:`~aioauthing.runtime.redis_limiter.RedisRateLimiter`), else of this process.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = [
    "ENV_REDIS",
    "Shard",
    "fleet_options",
    "parse_shard",
    "shard_key",
    "shard_options",
]

ENV_REDIS = "AIOAUTHING_REDIS_URL"
_IDENTITY_ORDER = ("external_id", "externalId", "email", "username", "phone", "id")

F = TypeVar("F", bound=Callable[..., Any])


@dataclasses.dataclass(slots=True, frozen=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, key: str) -> bool:
        """Whether ``key`` (a row's unique key) belongs to this shard."""
        digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.count == self.index - 1

    def owns_record(self, record: Mapping[str, Any]) -> bool:
        return self.owns(shard_key(record))

    def checkpoint(self, path: Path | None) -> Path | None:
        """The per-shard checkpoint file for ``--resume path``."""
        if path is None:
            return None
        return path.with_name(f"{path.name}.shard{self.index}of{self.count}")

    def page_range(self, pages: int) -> range:
        """Contiguous 1-based page numbers of this shard among ``pages`` pages."""
        start = (self.index - 1) * pages // self.count
        end = self.index * pages // self.count
        return range(start + 1, end + 1)


def shard_key(record: Mapping[str, Any]) -> str:
    """``"email=ada@example.com"``: the first unique field a row or delete target has."""
    for name in _IDENTITY_ORDER:
        value = record.get(name)
        if value not in (None, ""):
            wire = "external_id" if name == "externalId" else name
            return f"{wire}={value}"
    return repr(sorted(record.items()))


def parse_shard(_ctx: Any, _param: Any, value: str | None) -> Shard | None:
    """Click callback: ``"2/4"`` -> ``Shard(2, 4)``."""
    if value is None:
        return None
    index, sep, count = value.partition("/")
    try:
        shard = Shard(int(index), int(count))
    except ValueError:
        shard = None
    if not sep or shard is None or not 1 <= shard.index <= shard.count:
        raise click.BadParameter(f"{value!r} is not K/N with 1 <= K <= N (e.g. 2/4)")
    return shard


def shard_options(*, what: str) -> Callable[[F], F]:
    """``--shard K/N``."""
    return click.option(
        "--shard",
        default=None,
        metavar="K/N",
        callback=parse_shard,
        help=f"Handle only shard K of N ({what}); run N processes, K = 1..N.",
    )


def fleet_options() -> Callable[[F], F]:
    """``--redis URL`` and ``--rate-limit R``."""

    def decorate(fn: F) -> F:
        fn = click.option(
            "--rate-limit",
            type=click.FloatRange(min=0, min_open=True),
            default=None,
            metavar="R",
            help="Requests per second for the pool: the whole fleet's with --redis, else this "
            "process's.",
        )(fn)
        fn = click.option(
            "--redis",
            "redis_url",
            default=None,
            envvar=ENV_REDIS,
            show_envvar=True,
            metavar="URL",
            help="Share the management token (and the --rate-limit budget) through this Redis.",
        )(fn)
        return fn

    return decorate
