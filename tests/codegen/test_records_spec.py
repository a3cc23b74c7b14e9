"""The emulator's spec keys (record, writes, server, default, emulate, error variants) are strict:
a mistake fails with the file and the key path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from codegen.errors import SpecErrors
from codegen.loader import load_spec

ROOT = Path(__file__).resolve().parents[2]


CASES = [
    (
        "models/user_inputs.yaml",
        '      phoneCountryCode: "String"\n  UpdateUserInput:',
        '      phoneCountryCode: "String"\n      badge: "String"\n  UpdateUserInput:',
        "models/user_inputs.yaml: models.CreateUserInput.fields.badge: User has no field 'badge':"
        " add it there so the emulator stores it (or list it in writes.skip)",
    ),
    (
        "models/user.yaml",
        "      entity: users\n",
        "      entiti: users\n",
        "models/user.yaml: models.User.record.entiti: unknown key",
    ),
    (
        "models/user.yaml",
        "      not_found: USER_NOT_FOUND\n",
        "      not_found: USER_MISSING\n",
        "models/user.yaml: models.User.record: 'USER_MISSING' is not an error name of"
        " spec/errors.yaml",
    ),
    (
        "management/groups.yaml",
        "    emulate: {create: Group}\n",
        "    emulate: {create: Identity}\n",
        "management/groups.yaml: operations.create.emulate.create: 'Identity' is not a model with a"
        " record",
    ),
    (
        "management/groups.yaml",
        "    emulate: {update: Group, rename: newCode}\n",
        "    emulate: {update: Group, rename: newName}\n",
        "management/groups.yaml: operations.update.emulate.rename: Mutation.updateGroup has no"
        " argument 'newName'",
    ),
    (
        "models/user.yaml",
        "status: {type: UserStatus, default: Activated,",
        "status: {type: UserStatus, server: owned,",
        "models/user.yaml: models.User.fields.status.server: must be one of",
    ),
    (
        "errors.yaml",
        '      ROLE_NOT_FOUND: {message: 角色不存在, en: "The role does not exist"}\n',
        '      USER_NOT_FOUND: {message: 角色不存在, en: "The role does not exist"}\n',
        "errors.yaml: errors.2004.name: error name 'USER_NOT_FOUND' is already used",
    ),
    (
        "errors.yaml",
        '      PARAM_MISSING: {message: "缺少 {name}", en: "{name} is missing"}\n',
        '      PARAM_MISSING: {message: "缺少 {na-me}", en: "{name} is missing"}\n',
        "errors.yaml: errors.400.variants.PARAM_MISSING.message: placeholder {na-me} must be an"
        " identifier",
    ),
]


def test_bad_emulator_keys_name_file_and_path(tmp_path: Path) -> None:
    """All the mistakes at once: the loader reports every problem of one pass."""
    spec = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", spec)
    for file, old, new, _expected in CASES:
        path = spec / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(SpecErrors) as info:
        load_spec(spec)
    found = [str(e) for e in info.value.errors]
    for _file, _old, _new, expected in CASES:
        assert any(p.startswith(expected) for p in found), (expected, found)
