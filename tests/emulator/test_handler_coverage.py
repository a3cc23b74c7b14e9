"""Every operation of the spec has an emulator handler: a resolver or a REST route.

A GraphQL operation needs a resolver for its root field and for every field of its chain that
takes arguments (``user(id).roles(namespace)`` needs ``Query.user`` and ``User.roles``); a REST
operation needs a route with the same method and path (placeholder names aside).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from codegen.ir import OperationDef
from codegen.loader import load_spec

from aioauthing.emulator import rooms  # noqa: F401  (importing registers them)
from aioauthing.emulator.registry import GRAPHQL_RESOLVERS, REST_ROUTES

ROOT = Path(__file__).resolve().parents[2]
SPEC = load_spec(ROOT / "spec")


def _placeholders(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _route_pattern(needed: str) -> re.Pattern[str]:
    """A spec placeholder matches a route's placeholder or a fixed segment (``/{protocol}/token``
    is served as ``/oidc/token`` and ``/oauth/token``)."""
    return re.compile(
        "".join(
            "(?:\\{\\}|[^/ ]+)" if part == "{}" else re.escape(part)
            for part in re.split(r"(\{\})", needed)
        )
        + "$"
    )


def _needed(op: OperationDef) -> list[str]:
    if op.rest is not None:
        return [f"{op.rest.method} {_placeholders(op.rest.path)}"]
    assert op.graphql is not None
    root = "Query" if op.graphql.op_type == "query" else "Mutation"
    fields = SPEC.roots[root]
    owner, needed = root, []
    for depth, (name, _bindings) in enumerate(op.graphql.path):
        fdef = fields[name]
        if depth == 0 or fdef.args:
            needed.append(f"{owner}.{name}")
        model = SPEC.models.get(fdef.type.name)
        owner, fields = fdef.type.name, (model.fields if model else {})
    return needed


def _served() -> set[str]:
    rest = {f"{r.method} {_placeholders(r.path)}" for r in REST_ROUTES}
    return rest | set(GRAPHQL_RESOLVERS)


OPERATIONS = [op for op in SPEC.operations if not op.internal]


@pytest.mark.parametrize("op", OPERATIONS, ids=[f"{o.api_class}.{o.name}" for o in OPERATIONS])
def test_operation_has_an_emulator_handler(op: OperationDef) -> None:
    served = _served()
    missing = [
        name
        for name in _needed(op)
        if name not in served and not any(_route_pattern(name).match(s) for s in served)
    ]
    assert not missing, f"{op.source}: {op.name} has no emulator handler for {missing}"
