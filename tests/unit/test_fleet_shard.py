"""``--shard K/N``: a stable split of rows and pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from aioauthing.cli.fleet import Shard, parse_shard, shard_key


def test_every_key_lands_in_exactly_one_shard_of_n() -> None:
    keys = [f"email=user{i}@example.com" for i in range(2000)]
    shards = [Shard(k, 4) for k in range(1, 5)]
    owners = [[s.index for s in shards if s.owns(key)] for key in keys]
    assert all(len(o) == 1 for o in owners)
    sizes = [sum(1 for o in owners if o == [s.index]) for s in shards]
    assert min(sizes) > 400  # roughly even: 500 expected each


def test_the_hash_is_stable_across_processes() -> None:
    # Not Python's per-process salted hash(): another interpreter with another seed agrees.
    code = (
        "from aioauthing.cli.fleet import Shard\n"
        "print([[k for k in range(1, 8) if Shard(k, 7).owns(f'id=u{i}')][0] for i in range(50)])"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    here = [next(k for k in range(1, 8) if Shard(k, 7).owns(f"id=u{i}")) for i in range(50)]
    assert out.strip() == str(here)
    assert len(set(here)) == 7


def test_shard_key_prefers_unique_fields_in_import_order() -> None:
    assert shard_key({"email": "a@b.co", "externalId": "x1"}) == "external_id=x1"
    assert shard_key({"external_id": "x1"}) == "external_id=x1"
    assert shard_key({"id": "u1", "email": "a@b.co"}) == "email=a@b.co"
    assert shard_key({"id": "u1"}) == "id=u1"


def test_page_ranges_cover_every_page_once() -> None:
    for pages in (0, 1, 3, 10, 21):
        seen = [p for k in range(1, 5) for p in Shard(k, 4).page_range(pages)]
        assert seen == list(range(1, pages + 1))


def test_each_shard_gets_its_own_checkpoint_file(tmp_path: Path) -> None:
    ckpt = tmp_path / "import.ckpt"
    assert Shard(2, 4).checkpoint(ckpt) == tmp_path / "import.ckpt.shard2of4"
    assert Shard(2, 4).checkpoint(None) is None


@pytest.mark.parametrize("text", ["0/4", "5/4", "2", "a/b", "2/0", "/4"])
def test_bad_shards_are_refused_in_plain_words(text: str) -> None:
    with pytest.raises(click.BadParameter, match="K/N"):
        parse_shard(None, None, text)


def test_good_shard_parses() -> None:
    assert parse_shard(None, None, "3/4") == Shard(3, 4)
    assert str(Shard(3, 4)) == "3/4"
