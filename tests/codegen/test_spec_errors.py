"""A bad spec fails with a message naming the file and the key path, before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from codegen.errors import SpecErrors
from codegen.loader import load_spec

Edit = Callable[[str, str, str], None]


def problems(spec_dir: Path) -> list[str]:
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_dir)
    return [str(e) for e in info.value.errors]


def test_the_fixture_spec_is_valid(spec_dir: Path) -> None:
    spec = load_spec(spec_dir)
    assert [op.name for op in spec.operations] == ["get", "add", "list", "detail", "feed"]


def test_unknown_key_is_named_with_its_path(spec_dir: Path, edit: Edit) -> None:
    edit(
        "pets.yaml",
        "    idempotent: true\n    graphql: {operation: query pet",
        "    idempotnet: true\n    graphql: {operation: query pet",
    )
    found = problems(spec_dir)
    assert any(p.startswith("pets.yaml: operations.get.idempotnet: unknown key") for p in found), (
        found
    )
    assert any("operations.get.idempotent: is required" in p for p in found), found


def test_dangling_type_reference(spec_dir: Path, edit: Edit) -> None:
    edit("models.yaml", 'owner: "Owner | Who owns it."', 'owner: "Ownr | Who owns it."')
    assert problems(spec_dir) == ["models.yaml: models.Pet.fields.owner.type: unknown type 'Ownr'"]


def test_duplicate_type_names_across_files(spec_dir: Path) -> None:
    (spec_dir / "more.yaml").write_text(
        'models:\n  Pet:\n    doc: Again.\n    fields:\n      id: "String!"\n', encoding="utf-8"
    )
    assert problems(spec_dir) == [
        "more.yaml: models.Pet: duplicate type name (first declared in models.yaml)"
    ]


def test_parameter_wire_path_must_exist(spec_dir: Path, edit: Edit) -> None:
    edit("pets.yaml", "name: {wire: input.name}", "name: {wire: input.nmae}")
    found = problems(spec_dir)
    assert "pets.yaml: operations.add.params.name.wire: input PetInput has no field 'nmae'" in found
    assert any("variable $input" not in p for p in found)


def test_every_variable_needs_a_parameter(spec_dir: Path, edit: Edit) -> None:
    edit("pets.yaml", "      color: {wire: color, doc: The colour.}\n", "")
    assert problems(spec_dir) == [
        "pets.yaml: operations.add.params: variable $color of the field call has no parameter (add one with wire: color)"
    ]


def test_argument_not_on_the_field(spec_dir: Path, edit: Edit) -> None:
    edit("pets.yaml", 'field: "pet(id: $id)"', 'field: "pet(key: $id)"')
    found = problems(spec_dir)
    assert "pets.yaml: operations.get.graphql.field: Query.pet has no argument 'key'" in found


def test_required_argument_must_be_bound(spec_dir: Path, edit: Edit) -> None:
    edit(
        "pets.yaml",
        'field: "addPet(input: $input, color: $color)"',
        'field: "addPet(color: $color)"',
    )
    found = problems(spec_dir)
    assert (
        "pets.yaml: operations.add.graphql.field: required argument Mutation.addPet(input) is not bound"
        in found
    )


def test_rest_path_placeholders_match_parameters(spec_dir: Path, edit: Edit) -> None:
    edit("pets.yaml", 'path: "/api/v2/pets/{petId}"', 'path: "/api/v2/pets/{id}"')
    found = problems(spec_dir)
    assert (
        "pets.yaml: operations.detail.params: path placeholder {id} has no parameter with in: path"
        in found
    )


def test_unknown_error_code(spec_dir: Path, edit: Edit) -> None:
    edit("pets.yaml", "errors: [2004]", "errors: [2004, 9999]")
    assert problems(spec_dir) == [
        "pets.yaml: operations.get.errors: error code 9999 is not in the error table (spec/errors.yaml)"
    ]


def test_bad_type_syntax(spec_dir: Path, edit: Edit) -> None:
    edit("models.yaml", '"Int! | Total."', '"[Int! | Total."')
    found = problems(spec_dir)
    assert (
        found[0]
        == "models.yaml: models.PagedPets.fields.totalCount.type: not a GraphQL type reference: '[Int!'"
    )


def test_all_problems_are_reported_together(spec_dir: Path, edit: Edit) -> None:
    edit("models.yaml", 'owner: "Owner | Who owns it."', 'owner: "Ownr | Who owns it."')
    edit("pets.yaml", "errors: [2004]", "errors: [9999]")
    assert len(problems(spec_dir)) == 2


def test_invalid_yaml_names_the_file(spec_dir: Path) -> None:
    (spec_dir / "broken.yaml").write_text("models: [\n", encoding="utf-8")
    found = problems(spec_dir)
    assert len(found) == 1 and found[0].startswith("broken.yaml: invalid YAML")


def test_choices_need_a_list_of_values_of_the_parameter_type(spec_dir: Path, edit: Edit) -> None:
    edit("pets.yaml", "choices: [S, M, L]", "choices: [S, 2]")
    assert problems(spec_dir) == [
        "pets.yaml: operations.detail.params.size.choices: "
        "choices must be a non-empty list of String values"
    ]


def test_choices_do_not_apply_to_enum_parameters(spec_dir: Path, edit: Edit) -> None:
    edit("pets.yaml", "color: {wire: color, doc:", "color: {wire: color, choices: [RED], doc:")
    assert problems(spec_dir) == [
        "pets.yaml: operations.add.params.color.choices: "
        "enum parameters are already checked against their values"
    ]


def test_rest_host_is_api_or_websocket(spec_dir: Path, edit: Edit) -> None:
    edit(
        "pets.yaml",
        "rest: {method: POST, path: /api/v2/pets/feed}",
        "rest: {method: POST, path: /api/v2/pets/feed, host: ws}",
    )
    assert problems(spec_dir) == ["pets.yaml: operations.feed.rest.host: must be api or websocket"]


def test_session_applies_to_authentication_operations_only(spec_dir: Path, edit: Edit) -> None:
    edit(
        "pets.yaml",
        "    idempotent: false\n    rest:",
        "    idempotent: false\n    session: login\n    rest:",
    )
    assert problems(spec_dir) == [
        "pets.yaml: operations.feed.session: only authentication operations change the remembered user"
    ]
