"""``udv``: custom data roles on model fields and parameters become typed conversions."""

from __future__ import annotations

from pathlib import Path

import pytest
from codegen.__main__ import generate
from codegen.errors import SpecErrors
from codegen.loader import load_spec

TAGS = """api:
  client: management
  class: TagsApi
  attribute: tags
enums:
  TagType:
    doc: Data type of a tag.
    values: [STRING, NUMBER]
models:
  Tag:
    doc: One tag value.
    fields:
      key: {type: "String!", udv: key, doc: Key.}
      dataType: {type: "TagType!", udv: type, doc: Type.}
      value: {type: "String", udv: value, doc: Value.}
  TagInput:
    doc: A tag to write.
    kind: input
    fields:
      key: {type: "String!", udv: key, doc: Key.}
      value: {type: "String!", udv: value, doc: Value.}
  Query:
    fields:
      tags: {type: "[Tag!]!", args: {petId: "String!"}}
  Mutation:
    fields:
      setTag: {type: "[Tag!]", args: {petId: "String!", key: "String!", value: "String!"}}
      setTags: {type: "[Tag!]", args: {petId: "String!", tags: "[TagInput!]!"}}
operations:
  set:
    title: 设置标签
    docs: {go: SetTag}
    summary: Set one tag.
    auth: management
    idempotent: true
    graphql: {operation: mutation setTag, field: "setTag(petId: $petId, key: $key, value: $value)"}
    params:
      pet_id: {wire: petId, doc: The pet.}
      key: {wire: key, doc: The key.}
      value: {wire: value, udv: key, doc: The value.}
  set_many:
    title: 设置多个标签
    docs: {go: SetTags}
    summary: Set tags.
    auth: management
    idempotent: true
    graphql: {operation: mutation setTags, field: "setTags(petId: $petId, tags: $tags)"}
    params:
      pet_id: {wire: petId, doc: The pet.}
      tags: {wire: tags, doc: The tags.}
"""


def _generated(spec_dir: Path, out: Path) -> dict[str, str]:
    generate(spec_dir, out, out.parent / "coverage.md")
    return {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}


def _problems(spec_dir: Path) -> list[str]:
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_dir)
    return [str(e) for e in info.value.errors]


def test_value_fields_are_typed_and_carry_their_role(spec_dir: Path, tmp_path: Path) -> None:
    (spec_dir / "tags.yaml").write_text(TAGS, encoding="utf-8")
    code = _generated(spec_dir, tmp_path / "g")
    models, api = code["_models_tags.py"], code["tags.py"]
    assert "from aioauthing.runtime.custom_data import CustomInput, CustomValue" in models
    assert (
        'value: CustomValue = attrs.field(default=None, metadata={"wire": "value", "udv": "value"})'
        in models
    )
    assert 'value: CustomInput = attrs.field(metadata={"wire": "value", "udv": "value"})' in models
    assert 'metadata={"wire": "dataType", "udv": "type"}' in models
    assert "        value: CustomInput,\n" in api
    assert 'variables["value"] = self._encode_custom(key, value)' in api


def test_models_without_roles_import_nothing(spec_dir: Path, tmp_path: Path) -> None:
    code = _generated(spec_dir, tmp_path / "g")
    assert not any("custom_data" in code[name] for name in code if name.startswith("_models_"))
    assert "custom_data" not in code["models.py"]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "udv: key, doc: Key.}\n      dataType",
            "udv: name, doc: Key.}\n      dataType",
            "must be one of key, type, value, target",
        ),
        (
            '{type: "String", udv: value',
            '{type: "Int", udv: value',
            "a custom data value travels as a String",
        ),
        (
            '{type: "TagType!", udv: type, doc: Type.}',
            '"TagType! | Type."',
            "needs a field with udv: type",
        ),
        (
            "value: {wire: value, udv: key,",
            "value: {wire: value, udv: name,",
            "udv: 'name' is not a parameter of set",
        ),
        (
            "tags: {wire: tags,",
            "tags: {wire: tags, udv: pet_id,",
            "udv applies to a String parameter",
        ),
    ],
)
def test_bad_roles_are_reported(spec_dir: Path, old: str, new: str, problem: str) -> None:
    assert old in TAGS
    (spec_dir / "tags.yaml").write_text(TAGS.replace(old, new, 1), encoding="utf-8")
    found = _problems(spec_dir)
    assert any(problem in p and p.startswith("tags.yaml") for p in found), found
