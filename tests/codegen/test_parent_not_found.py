"""A GraphQL call reading a field of a root object (``group(code).users``) raises the root
record's not-found error when the service answers the object as null."""

from __future__ import annotations

from pathlib import Path

from codegen.loader import load_spec
from codegen.views import parent_not_found

ROOT = Path(__file__).parent.parent.parent


def test_chained_non_null_reads_name_the_root_records_error() -> None:
    spec = load_spec(ROOT / "spec")
    ops = {op.sdk_name: op for op in spec.operations}
    assert parent_not_found(spec, ops["groups.list_users"]) == (404, "分组不存在")
    assert parent_not_found(spec, ops["roles.list_users"]) == (404, "角色不存在")
    # Not chained (detail answers None), or a nullable result (None is a value): nothing raised.
    assert parent_not_found(spec, ops["groups.detail"]) is None
    assert parent_not_found(spec, ops["roles.list_authorized_resources"]) is None
    assert parent_not_found(spec, ops["roles.find_users"]) is None


def test_generated_method_raises_before_decoding() -> None:
    text = (ROOT / "src/aioauthing/generated/groups.py").read_text(encoding="utf-8")
    assert 'raise NotFoundError(404, "分组不存在", operation="groups.list_users")' in text
