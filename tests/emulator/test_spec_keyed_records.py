"""Records kept per a call argument that is not a field (``record.scope.argument``) and put /
taken by key (``emulate`` ``add`` / ``remove`` naming a model, as the registration whitelists)
work from a spec edit alone, and the loader refuses them when malformed, naming the file, the
operation or model, and the key (``spec/README.md``, "Emulator records and behaviours").

The round trip drops ``fixtures/function_tags.yaml`` into a scratch copy of ``spec/``,
regenerates, and drives the new ``mgmt.tags`` REST API against the emulator in a child process
that imports the scratch ``generated`` package (as ``test_spec_parent_records.py`` does).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from codegen.errors import SpecErrors
from codegen.loader import load_spec

from .scratch_spec import generate_scratch, run_child, scratch_spec

CHILD = """

    def names(tags):
        return [t.name for t in tags]

    async def main() -> None:
        transport = EmulatorTransport(create_app(EmulatorConfig(allowed_hosts=("emulator.test",))))
        sent = {}

        async def keep(request):
            if "authorization" in request.headers:
                sent.update(request.headers)

        hooks = {"request": [keep]}
        async with httpx.AsyncClient(transport=transport, base_url=HOST, event_hooks=hooks) as http:
            s = (await http.get("/__emulator__/settings")).json()
            common = dict(host=HOST, public_key=s["public_key"], strict=True, http_client=http)
            async with ManagementClient(s["user_pool_id"], s["secret"], **common) as mgmt:
                tags = mgmt.tags
                seen = {}
                added = await tags.add("a", ["x", "y", "x"])
                seen["added"] = names(added)  # in the order given, repeats included
                seen["defaults"] = (added[0].weight, added[0].created_at == added[0].updated_at)
                seen["other kind"] = names(await tags.add("b", ["x"]))
                seen["listed"] = (names(await tags.list("a")), names(await tags.list("b")))
                await http.post("/__emulator__/clock", json={"advance": 3600})
                again = (await tags.add("a", ["x"]))[0]
                seen["kept"] = (again.created_at == added[0].created_at,
                                again.updated_at != added[0].updated_at)
                seen["place kept"] = names(await tags.list("a"))
                # the SDK refuses a blank item before sending: the emulator's own refusal, raw
                raw = await http.post(
                    "/api/v2/function-tags/a", json={"names": ["z", ""]},
                    headers={k: sent[k] for k in ("authorization", "x-authing-userpool-id")},
                )
                seen["empty"] = (raw.json()["code"], raw.json()["message"])
                seen["nothing written"] = names(await tags.list("a"))
                seen["detail"] = (await tags.detail("b", "x")).name
                seen["detail of another kind"] = await error(tags.detail("b", "y"))
                seen["removed"] = names(await tags.remove("a", ["y", "nope", "y"]))
                seen["left"] = (names(await tags.list("a")), names(await tags.list("b")))
                seen["added back"] = names(await tags.add("a", ["y"]))
                seen["last"] = names(await tags.list("a"))
        print(seen)
        expected = {
            "added": ["x", "y", "x"],
            "defaults": (1, True),
            "other kind": ["x"],
            "listed": (["x", "y"], ["x"]),
            "kept": (True, True),
            "place kept": ["x", "y"],
            "empty": (400, "names 不能为空"),
            "nothing written": ["x", "y"],
            "detail": "x",
            "detail of another kind": ("NotFoundError", 404, "资源不存在"),
            "removed": ["y"],
            "left": (["x"], ["x"]),
            "added back": ["y"],
            "last": ["x", "y"],
        }
        assert seen == expected, seen

    asyncio.run(main())
    """


def _scratch(tmp_path: Path) -> Path:
    return scratch_spec(tmp_path, "function_tags.yaml")


def test_records_kept_per_an_argument_added_and_removed_by_key(tmp_path: Path) -> None:
    spec = _scratch(tmp_path)
    package = generate_scratch(spec, tmp_path)
    run_child(CHILD, package, tmp_path)


TAGS = "management/function_tags.yaml"
EXTRA = """
  every:
    title: 全部标签
    summary: Every tag, of no kind.
    auth: management
    idempotent: true
    emulate: {list: FunctionTag}
    rest: {method: GET, path: /api/v2/function-tags, response: envelope}
    returns: "[FunctionTag!]!"
  put_one:
    title: 添加一个标签
    summary: Answers a message, not the tags.
    auth: management
    idempotent: true
    emulate: {add: FunctionTag, ids: names}
    rest: {method: PUT, path: "/api/v2/function-tags/{kind}", response: envelope}
    params:
      kind: {in: path, type: "String!", doc: Which kind.}
      names: {in: body, type: "[String]!", doc: The tags.}
    returns: {type: CommonMessage, from: envelope}
  take:
    title: 移除标签
    summary: No ids.
    auth: management
    idempotent: true
    emulate: {remove: FunctionTag}
    rest: {method: DELETE, path: "/api/v2/function-tags/{kind}", response: envelope}
    params:
      kind: {in: path, type: "String!", doc: Which kind.}
    returns: "[FunctionTag!]!"
  related:
    title: 标签详情
    summary: A relation on a get.
    auth: management
    idempotent: true
    emulate: {get: FunctionTag.users}
    rest: {method: GET, path: "/api/v2/function-tags/{kind}/{name}/x", response: envelope}
    params:
      kind: {in: path, type: "String!", doc: Which kind.}
      name: {in: path, type: "String!", doc: The tag.}
    returns: FunctionTag!
"""
MODELS = """
  BothTag:
    doc: A scope both ways.
    graphql: false
    record: {entity: both_tags, key: name, scope: {argument: kind, default: a}, not_found: NOT_FOUND}
    fields: {name: "String! | The tag."}
  FieldTag:
    doc: An argument scope naming a field.
    graphql: false
    record: {entity: field_tags, key: name, scope: {argument: kind}, not_found: NOT_FOUND}
    fields: {name: "String! | The tag.", kind: "String | The kind."}
"""
CASES: list[tuple[str, str, str]] = [
    (
        '      name: "String! | The tag."\n',
        '      name: "String! | The tag."\n      label: "String! | No default."\n',
        f"{TAGS}: operations.add.emulate.add: add makes a record from its key alone:"
        " FunctionTag.label needs a default or a server role",
    ),
]
EXTRA_ERRORS = [
    f"{TAGS}: models.BothTag.record.scope: a scope is a field (with a default) or an argument,"
    " not both",
    f"{TAGS}: models.FieldTag.record.scope.argument: 'kind' is a field of FieldTag: scope it"
    " with field:",
    f"{TAGS}: operations.every.emulate: GET./api/v2/function-tags has no argument 'kind':"
    " FunctionTag records are kept per its value (record.scope.argument)",
    f"{TAGS}: operations.put_one.emulate.add: add of FunctionTag records (no relation) answers"
    " them: the call must return a list of FunctionTag",
    f"{TAGS}: operations.take.emulate: remove needs ids: the argument listing the keys of the"
    " records",
    f"{TAGS}: operations.related.emulate.get: only add, remove and members name a relation",
]


def test_malformed_argument_scopes_and_keyed_adds_are_refused(tmp_path: Path) -> None:
    """Every mistake at once: the loader reports each with its file and key path."""
    spec = _scratch(tmp_path)
    path = spec / TAGS
    text = path.read_text(encoding="utf-8")
    for old, new, _expected in CASES:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    text = text.replace("models:\n", "models:\n" + MODELS.lstrip("\n"), 1)
    path.write_text(text + EXTRA, encoding="utf-8")
    with pytest.raises(SpecErrors) as info:
        load_spec(spec)
    found = [str(e) for e in info.value.errors]
    for wanted in [e for _o, _n, e in CASES] + EXTRA_ERRORS:
        assert any(p.startswith(wanted) for p in found), (wanted, found)
