"""``missing``: batch operations name the items that do not exist."""

from __future__ import annotations

from pathlib import Path

import pytest
from codegen.__main__ import generate
from codegen.errors import SpecErrors
from codegen.loader import load_spec

BATCH = """api:
  client: management
  class: HerdApi
  attribute: herd
models:
  Query:
    fields:
      petBatch: {type: "[Pet!]!", args: {ids: "[String!]!", by: String}}
  Mutation:
    fields:
      freePets: {type: CommonMessage, args: {ids: "[String!]!"}}
operations:
  batch:
    title: 批量获取宠物
    docs: {go: BatchPets}
    summary: Pets by ids.
    auth: management
    idempotent: true
    graphql: {operation: query petBatch, field: "petBatch(ids: $ids, by: $by)"}
    params:
      ids: {wire: ids, chunk: 3, missing: {match: by}, doc: The ids.}
      by: {wire: by, default: id, doc: What ids holds.}
  free:
    title: 放生宠物
    docs: {go: FreePets}
    summary: Free pets.
    auth: management
    idempotent: false
    graphql: {operation: mutation freePets, field: "freePets(ids: $ids)"}
    params:
      ids: {wire: ids, missing: herd.batch, doc: The ids.}
"""


def _code(spec_dir: Path, out: Path) -> str:
    generate(spec_dir, out, out.parent / "coverage.md")
    return (out / "herd.py").read_text(encoding="utf-8")


def test_a_lookup_names_the_missing_items_after_not_found(spec_dir: Path, tmp_path: Path) -> None:
    (spec_dir / "herd.yaml").write_text(BATCH, encoding="utf-8")
    code = _code(spec_dir, tmp_path / "g")
    free = code.split("async def free(")[1]
    assert (
        "        try:\n"
        "            data = await self._execute(ops.HERD_FREE, variables=variables)\n"
        "        except NotFoundError as exc:\n"
        '            await self._name_missing(exc, ids, ops.HERD_BATCH, "ids", 3)\n'
        "            raise\n"
    ) in free
    assert "from aioauthing.runtime.errors import NotFoundError" in code


def test_match_adds_a_strict_mode_checked_after_every_chunk(spec_dir: Path, tmp_path: Path) -> None:
    (spec_dir / "herd.yaml").write_text(BATCH, encoding="utf-8")
    batch = _code(spec_dir, tmp_path / "g").split("async def batch(")[1].split("async def")[0]
    assert "        strict: bool = False,\n" in batch
    assert batch.count('raise_missing(ids, found, by, "herd.batch")') == 2
    assert "found = await chunked(" in batch


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "missing: herd.batch",
            "missing: herd.nothing",
            "'herd.nothing' is not a GraphQL operation",
        ),
        (
            "missing: herd.batch",
            "missing: herd.free",
            "must take a list and return a list of models",
        ),
        ("missing: {match: by}", "missing: {match: kind}", "'kind' is not a parameter of batch"),
        ("missing: {match: by}", "missing: {field: id}", "must be a lookup call"),
        (
            "by: {wire: by, default: id,",
            "by: {wire: by, default: id, missing: {match: by},",
            "applies to a list",
        ),
    ],
)
def test_bad_missing_is_reported(spec_dir: Path, old: str, new: str, problem: str) -> None:
    assert old in BATCH
    (spec_dir / "herd.yaml").write_text(BATCH.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_dir)
    found = [str(e) for e in info.value.errors]
    assert any(problem in p and p.startswith("herd.yaml") for p in found), found
