"""Records under a parent, numbered, ordered and sorted: ``record.parent``, ``server: serial`` /
``order`` / ``secret`` and ``emulate`` ``sort`` / ``aliases`` (``spec/README.md``, "Emulator
records and behaviours") work from a spec edit alone, and the loader refuses them when
malformed, naming the file, the operation or model, and the key.

The round trip drops ``fixtures/functions.yaml`` and ``fixtures/function_steps.yaml`` into a
scratch copy of ``spec/``, regenerates, and drives the new ``mgmt.steps`` REST API against the
emulator in a child process that imports the scratch ``generated`` package (as
``test_spec_round_trip.py`` does).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from codegen.errors import SpecErrors
from codegen.loader import load_spec

from .scratch_spec import generate_scratch, run_child, scratch_spec

CHILD = """

    async def main() -> None:
        transport = EmulatorTransport(create_app(EmulatorConfig(allowed_hosts=("emulator.test",))))
        async with httpx.AsyncClient(transport=transport, base_url=HOST) as http:
            s = (await http.get("/__emulator__/settings")).json()
            common = dict(host=HOST, public_key=s["public_key"], strict=True, http_client=http)
            async with ManagementClient(s["user_pool_id"], s["secret"], **common) as mgmt:
                fn = await mgmt.functions.create(m.CreateFunctionInput(name="a", source_code="f"))
                other = await mgmt.functions.create(m.CreateFunctionInput(name="b", source_code="g"))
                steps = mgmt.steps
                made = [await steps.create(fn.id, f"step {i}") for i in range(12)]
                noted = await steps.create(other.id, "elsewhere", note="JS says notes")
                seen = {
                    "numbers": [s.id for s in made] + [noted.id],
                    "positions": [s.position for s in made] + [noted.position],
                    "defaults": (made[0].enabled, made[0].function_id, noted.notes),
                    "secrets": len({s.key for s in made}) == 12 and all(s.key for s in made),
                }
                listed = await steps.list(fn.id)
                seen["listed"] = (listed.total, len(listed.list))  # no page parameters: all
                changed = await steps.modify(fn.id, made[2].id, label="third")
                seen["modified"] = (changed.label, changed.position, changed.key == made[2].key)
                order = [s.id for s in reversed(made)]
                seen["sorted"] = (await steps.sort(fn.id, order)).message
                seen["order"] = [s.id for s in (await steps.list(fn.id)).list] == order
                seen["positions after sort"] = [s.position for s in (await steps.list(fn.id)).list]
                seen["partial sort"] = await error(steps.sort(fn.id, order[1:]))
                seen["foreign sort"] = await error(steps.sort(fn.id, [noted.id, *order[1:]]))
                seen["deleted"] = (await steps.delete(fn.id, made[5].id)).message
                left = (await steps.list(fn.id)).list
                seen["after delete"] = ([s.position for s in left], made[5].id in {s.id for s in left})
                seen["gone"] = await error(steps.modify(fn.id, made[5].id, label="x"))
                seen["foreign"] = await error(steps.delete(fn.id, noted.id))
                seen["no parent"] = await error(steps.list("0" * 24))
                seen["other kept"] = [s.id for s in (await steps.list(other.id)).list]
                first, second = made[0].id, made[1].id
                seen["disabled"] = (await steps.disable(fn.id, [first, second])).message
                seen["enabled"] = (await steps.enable(fn.id, second)).message
                flags = {s.id: s.enabled for s in (await steps.list(fn.id)).list}
                seen["flags"] = (flags[first], flags[second], flags[made[3].id])
                third = made[3].id  # a refused list changes none of them
                seen["disable foreign"] = await error(steps.disable(fn.id, [third, noted.id]))
                kept = {s.id: s.enabled for s in (await steps.list(fn.id)).list}
                seen["flags after refusal"] = kept[third]
                again = await steps.create(fn.id, "last")
                seen["next"] = (again.id, again.position)
        print(seen)
        expected = {
            "numbers": list(range(1, 14)),
            "positions": [*range(12), 0],
            "defaults": (True, fn.id, "JS says notes"),
            "secrets": True,
            "listed": (12, 12),
            "modified": ("third", 2, True),
            "sorted": "排序成功",
            "order": True,
            "positions after sort": list(range(12)),
            "partial sort": ("InvalidInputError", 400, "ids (every function step of the function, once each) 必填"),
            "foreign sort": ("NotFoundError", 404, "协议不存在"),
            "deleted": "删除成功",
            "after delete": (list(range(11)), False),
            "gone": ("NotFoundError", 404, "协议不存在"),
            "foreign": ("NotFoundError", 404, "协议不存在"),
            "no parent": ("NotFoundError", 404, "资源不存在"),
            "other kept": [13],
            "disabled": "停用成功",
            "enabled": "启用成功",
            "flags": (False, True, True),
            "disable foreign": ("NotFoundError", 404, "协议不存在"),
            "flags after refusal": True,
            "next": (14, 11),
        }
        assert seen == expected, seen

    asyncio.run(main())
    """


def _scratch(tmp_path: Path) -> Path:
    return scratch_spec(tmp_path, "functions.yaml", "function_steps.yaml")


def test_records_under_a_parent_numbered_ordered_and_sorted(tmp_path: Path) -> None:
    spec = _scratch(tmp_path)
    package = generate_scratch(spec, tmp_path)
    run_child(CHILD, package, tmp_path)


STEPS = "management/function_steps.yaml"
SORT_FUNCTIONS = """
  sort_rest:
    title: 排序函数
    summary: Functions have no order to sort.
    auth: management
    idempotent: true
    emulate: {sort: Function, ids: ids}
    rest: {method: POST, path: /api/v2/functions/sort, response: envelope}
    params:
      ids: {in: body, type: "[String!]!", doc: Function ids.}
    returns: {type: CommonMessage, from: envelope}
"""
CASES: list[tuple[str | None, str | None, str]] = [
    (
        "      parent: {model: Function, field: functionId}",
        "      parent: {model: FunctionSteps, field: functionId, id: functionId}",
        f"{STEPS}: models.FunctionStep.record.parent.model: 'FunctionSteps' is not a model with"
        " a record",
    ),
    (None, None, f"{STEPS}: models.FunctionStep.record.parent.id: unknown key"),
    (
        "set: {enabled: false}, message: 停用成功}",
        "set: {position: 0}, message: 停用成功}",
        f"{STEPS}: operations.disable.emulate.set.position: FunctionStep has no writable field"
        " 'position'",
    ),
    (
        "    emulate: {update: FunctionStep, by: stepId, set: {enabled: true}, message: 启用成功}",
        "    emulate: {get: FunctionStep, by: stepId, set: {enabled: true}}",
        f"{STEPS}: operations.enable.emulate.set: only update takes set",
    ),
    (
        '      functionId: "String! | The function."\n',
        '      fnId: "String! | The function."\n',
        f"{STEPS}: models.FunctionStep.record.parent.field: FunctionStep has no field 'functionId'",
    ),
    (
        '      notes: "String | Notes."\n',
        "      notes: {type: String, server: order, doc: Notes.}\n",
        f"{STEPS}: models.FunctionStep.fields.position: at most one field is server: order",
    ),
    (
        "    emulate: {sort: FunctionStep, ids: ids, message: 排序成功}\n",
        "    emulate: {sort: FunctionStep, message: 排序成功}\n",
        f"{STEPS}: operations.sort.emulate: sort needs ids: the argument listing the records in"
        " their new order",
    ),
    (
        "    emulate: {create: FunctionStep, aliases: {note: notes}}\n",
        "    emulate: {create: FunctionStep, aliases: {note: key}}\n",
        f"{STEPS}: operations.create.emulate.aliases.note: FunctionStep has no writable field"
        " 'key'",
    ),
    (
        "    emulate: {delete: FunctionStep, by: stepId, message: 删除成功}\n",
        "    emulate: {delete: FunctionStep, by: stepId, message: 删除成功, aliases: {a: b}}\n",
        f"{STEPS}: operations.delete.emulate.aliases: only create and update take aliases",
    ),
]


def test_malformed_parent_order_sort_and_aliases_are_refused(tmp_path: Path) -> None:
    """Every mistake at once: the loader reports each with its file and key path."""
    spec = _scratch(tmp_path)
    for old, new, _expected in CASES:
        if old is None or new is None:  # reported by the edit before
            continue
        path = spec / STEPS
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    # sort on a model with no server: order field, in another file
    functions = spec / "management" / "functions.yaml"
    text = functions.read_text(encoding="utf-8")
    functions.write_text(text + SORT_FUNCTIONS, encoding="utf-8")
    with pytest.raises(SpecErrors) as info:
        load_spec(spec)
    found = [str(e) for e in info.value.errors]
    expected = [e for _o, _n, e in CASES] + [
        "management/functions.yaml: operations.sort_rest.emulate.sort: Function has no server:"
        " order field to sort",
        "management/functions.yaml: operations.sort_rest.emulate.sort: sort works within a"
        " parent: Function has no record.parent",
    ]
    for wanted in expected:
        assert any(p.startswith(wanted) for p in found), (wanted, found)
