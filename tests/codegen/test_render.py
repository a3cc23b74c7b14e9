"""Rendering the fixture spec: documents, SDL, determinism, and what a one-field change touches."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from codegen.__main__ import generate
from codegen.graphql import attach_documents, build_document, documents
from codegen.loader import load_spec

from graphql import build_schema, parse, validate

Edit = Callable[[str, str, str], None]


def _documents(spec_dir: Path) -> str:
    spec = load_spec(spec_dir)
    attach_documents(spec)
    return json.dumps(documents(spec), indent=2, ensure_ascii=False, sort_keys=True)


def render_to(spec_dir: Path, out: Path) -> dict[str, str]:
    generate(spec_dir, out, out.parent / f"{out.name}-coverage.md")
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}
    files["documents.json"] = _documents(spec_dir)  # what ``python -m codegen documents`` prints
    files["coverage.md"] = (out.parent / f"{out.name}-coverage.md").read_text(encoding="utf-8")
    return files


def test_selection_follows_the_model_and_cuts_cycles(spec_dir: Path) -> None:
    spec = load_spec(spec_dir)
    attach_documents(spec)
    get = next(op for op in spec.operations if op.name == "get")
    assert build_document(spec, get) == (
        "query pet($id: String!) {\n"
        "  pet(id: $id) {\n"
        "    id\n    name\n    color\n"
        "    owner {\n      id\n    }\n"
        "  }\n"
        "}\n"
    )


def test_every_document_validates_against_the_emitted_sdl(spec_dir: Path, tmp_path: Path) -> None:
    files = render_to(spec_dir, tmp_path / "generated")
    schema = build_schema(files["schema.graphql"])
    documents = json.loads(files["documents.json"])
    assert set(documents) == {"pet", "addPet", "pets"}
    for text in documents.values():
        assert validate(schema, parse(text)) == []


def test_generated_files_are_marked_and_name_their_sources(spec_dir: Path, tmp_path: Path) -> None:
    files = render_to(spec_dir, tmp_path / "generated")
    for name, text in files.items():
        if name.endswith((".py", ".graphql")):
            assert "DO NOT EDIT" in text.splitlines()[0], name
    assert "#   spec/pets.yaml" in files["pets.py"]


def test_generation_is_deterministic(spec_dir: Path, tmp_path: Path) -> None:
    assert render_to(spec_dir, tmp_path / "one") == render_to(spec_dir, tmp_path / "two")


def test_changing_one_field_changes_model_documents_and_sdl_only(
    spec_dir: Path, tmp_path: Path, edit: Edit
) -> None:
    before = render_to(spec_dir, tmp_path / "before")
    edit("models.yaml", 'name: "String | Name."', 'nickname: "String | Name."')
    after = render_to(spec_dir, tmp_path / "after")
    changed = {name for name in before if before[name] != after[name]}
    # manifest.json records the spec's hash; operations.py holds the document texts
    # (documents.json is not a generated file: it is what `python -m codegen documents` prints).
    # models.py only names the models; the spec file's own module defines them.
    assert changed == {
        "_models_models.py",
        "schema.graphql",
        "documents.json",
        "operations.py",
        "manifest.json",
    }
    assert not (tmp_path / "after" / "documents.json").exists()
    assert "nickname: str | None" in after["_models_models.py"]
    assert "    nickname\n" in json.loads(after["documents.json"])["pet"]


def test_generated_api_has_typed_methods_and_paginator(spec_dir: Path, tmp_path: Path) -> None:
    code = render_to(spec_dir, tmp_path / "generated")["pets.py"]
    assert "class PetsApi(ApiBase):" in code
    assert "async def get(\n        self,\n        id: str,\n    ) -> models.Pet | None:" in code
    assert 'v.require_non_empty("id", id)' in code
    assert "def iter_list(" in code and "Paginator[models.PagedPets]" in code
    assert "self._encrypt(secret_word)" in code


@pytest.mark.parametrize("name", ["GetPet", "AddPet", "ListPets", "PetDetail", "FeedPet"])
def test_coverage_table_lists_documented_names(spec_dir: Path, tmp_path: Path, name: str) -> None:
    coverage = render_to(spec_dir, tmp_path / "generated")["coverage.md"]
    assert f"| `{name}` |" in coverage


def test_choices_are_checked_before_sending(spec_dir: Path, tmp_path: Path) -> None:
    code = render_to(spec_dir, tmp_path / "generated")["pets.py"]
    assert (
        'if size is not UNSET:\n            v.check_choice("size", size, ("S", "M", "L"))' in code
    )


def test_the_formatter_of_generated_code_is_pinned() -> None:
    """A new ruff release must not make committed generated files stale: ruff is pinned."""
    from pathlib import Path

    from codegen.render import pinned_ruff

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    version = pinned_ruff(pyproject)
    assert version is not None and version.count(".") == 2, version
