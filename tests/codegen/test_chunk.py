"""``chunk: N``: long list parameters are split into requests of N, results joined in order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from codegen.__main__ import generate
from codegen.errors import SpecErrors
from codegen.graphql import attach_documents, documents
from codegen.loader import load_spec

BATCH = """api:
  client: management
  class: PetsApi
  attribute: pets
models:
  Query:
    fields:
      petBatch: {type: "[Pet!]!", args: {ids: "[String!]!"}}
operations:
  batch:
    title: 批量获取宠物
    docs: {go: BatchPets}
    summary: Pets by ids.
    auth: management
    idempotent: true
    graphql: {operation: query petBatch, field: "petBatch(ids: $ids)", include: [owner.nickname]}
    params:
      ids: {wire: ids, validate: non_empty, chunk: 3, doc: The ids.}
"""


def _with_nickname(spec_dir: Path) -> None:
    """Give Owner a field outside the default selection, for include to add."""
    models = spec_dir / "models.yaml"
    text = models.read_text(encoding="utf-8")
    old = '      pets: "[Pet!] | Pets'
    new = "      nickname: {type: String, select: false, doc: Nickname.}\n" + old
    models.write_text(text.replace(old, new, 1), encoding="utf-8")


def _documents(spec_dir: Path) -> str:
    spec = load_spec(spec_dir)
    attach_documents(spec)
    return json.dumps(documents(spec), indent=2, ensure_ascii=False, sort_keys=True)


def render_to(spec_dir: Path, out: Path) -> dict[str, str]:
    generate(spec_dir, out, out.parent / f"{out.name}-coverage.md")
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}
    files["documents.json"] = _documents(spec_dir)  # what ``python -m codegen documents`` prints
    return files


def _problems(spec_dir: Path) -> list[str]:
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_dir)
    return [str(e) for e in info.value.errors]


def test_a_chunked_parameter_recalls_the_method_per_chunk(spec_dir: Path, tmp_path: Path) -> None:
    _with_nickname(spec_dir)
    (spec_dir / "batch.yaml").write_text(BATCH, encoding="utf-8")
    code = render_to(spec_dir, tmp_path / "generated")["pets.py"]
    assert "v.check_max_items" not in code.split("async def batch(")[1]
    assert (
        "        if len(ids) > 3:\n"
        "            return await chunked(\n"
        "                ids,\n"
        "                3,\n"
        "                lambda part: self.batch(\n"
        "                    part,\n"
        "                ),\n"
        "            )\n"
    ) in code


def test_dotted_include_selects_inside_a_nested_model(spec_dir: Path, tmp_path: Path) -> None:
    _with_nickname(spec_dir)
    (spec_dir / "batch.yaml").write_text(BATCH, encoding="utf-8")
    documents = json.loads(render_to(spec_dir, tmp_path / "g")["documents.json"])
    assert "    owner {\n      id\n      nickname\n    }\n" in documents["petBatch"]
    assert "nickname" not in documents["pet"]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("chunk: 3", "chunk: 0", "chunk takes a positive integer"),
        ("chunk: 3", "chunk: 3, max_items: 5", "chunk splits long lists itself; drop max_items"),
        ('"[Pet!]!", args', '"Pet", args', "a chunked operation must return a list"),
        ("include: [owner.nickname]", "include: [owner.kennel]", "Owner has no field 'kennel'"),
    ],
)
def test_bad_chunk_or_include_is_reported(spec_dir: Path, old: str, new: str, problem: str) -> None:
    _with_nickname(spec_dir)
    (spec_dir / "batch.yaml").write_text(BATCH.replace(old, new), encoding="utf-8")
    found = _problems(spec_dir)
    assert any(problem in p and p.startswith("batch.yaml: operations.batch") for p in found), found
