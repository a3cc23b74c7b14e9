"""The emulator's part of the spec: ``record`` / ``writes`` on models, ``server`` / ``default`` on
fields, ``emulate`` on operations (see ``spec/README.md``, "Emulator records and behaviours").

Parsing happens while the loader walks a file (:func:`parse_record`, :func:`parse_emulate`);
:func:`check` runs once every file is read and every reference can be resolved.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from codegen.ir import EmulateDef, FieldDef, ModelDef, OperationDef, RecordDef, RelationDef
from codegen.typeref import TypeRef

if TYPE_CHECKING:
    from codegen.spec_base import _Walker

__all__ = [
    "ACTIONS",
    "SERVER_ROLES",
    "check",
    "parse_emulate",
    "parse_record",
    "parse_server",
]

SERVER_ROLES = (
    "id", "arn", "pool", "created", "updated", "hash", "issued", "derived", "resolved", "serial",
    "order", "secret",
)  # fmt: skip
"""Who sets a server-owned field: never copied from an input."""
RECORD_KEYS = {
    "entity", "key", "not_found", "unique", "scope", "relations", "references", "parent",
}  # fmt: skip
RELATION_KEYS = {"model", "stored", "missing"}
ACTIONS = (
    "create", "get", "update", "delete", "list", "batch_get", "add", "remove", "members", "sort",
)  # fmt: skip
EMULATE_KEYS = {*ACTIONS, "by", "rename", "ids", "message", "filters", "aliases", "set"}
_ENTITY = re.compile(r"^[a-z][a-z0-9_]*$")


def parse_server(w: _Walker, spec: dict[str, Any]) -> tuple[str, Any]:
    """A field's ``server`` role and ``default`` value."""
    server = spec.get("server", "")
    if server and server not in SERVER_ROLES:
        w.error(f"must be one of {', '.join(SERVER_ROLES)}", "server")
        server = ""
    default = spec.get("default")
    if isinstance(default, dict):
        w.error("a default is a constant (a scalar or a list), or $now", "default")
        default = None
    if server and default is not None:
        w.error("a server-owned field takes no default", "default")
    return server, default


def parse_record(w: _Walker, raw: Any) -> RecordDef | None:
    with w.at("record"):
        spec = w.mapping(raw, RECORD_KEYS)
        entity = w.text(spec.get("entity"), "entity", required=True)
        if entity and not _ENTITY.match(entity):
            w.error("entity names are lower_snake_case", "entity")
        scope = spec.get("scope") or {}
        if isinstance(scope, str):
            scope = {"field": scope}
        scope = w.mapping(scope, {"field", "default", "argument"})
        if "argument" in scope and ({"field", "default"} & set(scope)):
            w.error("a scope is a field (with a default) or an argument, not both", "scope")
        links: dict[str, dict[str, RelationDef]] = {"relations": {}, "references": {}}
        for kind, found in links.items():
            with w.at(kind):
                for name, rel in w.mapping(spec.get(kind)).items():
                    with w.at(name):
                        body = w.mapping(rel, RELATION_KEYS)
                        found[name] = RelationDef(
                            name=name,
                            model=w.text(body.get("model"), "model", required=True),
                            stored=w.text(body.get("stored"), "stored", required=True),
                            missing=w.text(body.get("missing"), "missing"),
                        )
        parent = None
        if "parent" in spec:  # {model: Application, field: appId}
            with w.at("parent"):
                body = w.mapping(spec["parent"], {"model", "field"})
                parent = RelationDef(
                    name="parent",
                    model=w.text(body.get("model"), "model", required=True),
                    stored=w.text(body.get("field"), "field", required=True),
                )
        unique: dict[str, str] = {}
        within: dict[str, str] = {}
        for field, rule in w.mapping(spec.get("unique")).items():
            if isinstance(rule, dict):  # {error: NAME, within: field}: unique per that value
                with w.at("unique", field):
                    rule = w.mapping(rule, {"error", "within"})
                    within[str(field)] = w.text(rule.get("within"), "within", required=True)
                    rule = rule.get("error")
            unique[str(field)] = str(rule)
        return RecordDef(
            entity=entity,
            key=w.text(spec.get("key"), "key") or "id",
            not_found=w.text(spec.get("not_found"), "not_found", required=True),
            unique=unique,
            unique_within=within,
            scope=str(scope.get("field") or scope.get("argument") or ""),
            scope_default=str(scope.get("default") or ""),
            scope_kept="argument" in scope,
            relations=links["relations"],
            references=links["references"],
            parent=parent,
        )


def parse_writes(w: _Walker, raw: Any) -> dict[str, Any]:
    """``writes: Model`` or ``writes: {model: Model, skip: [field, ...]}``."""
    if raw is None:
        return {}
    with w.at("writes"):
        spec = w.mapping(raw, {"model", "skip"}) if isinstance(raw, dict) else {"model": raw}
        skip = spec.get("skip") or []
        if not isinstance(skip, list) or not all(isinstance(s, str) for s in skip):
            w.error("expected a list of field names", "skip")
            skip = []
        return {
            "writes": w.text(spec.get("model"), "model", required=True),
            "writes_skip": tuple(skip),
        }


def parse_emulate(w: _Walker, raw: Any) -> EmulateDef | None:
    with w.at("emulate"):
        spec = w.mapping(raw, EMULATE_KEYS)
        actions = [a for a in ACTIONS if a in spec]
        if len(actions) != 1:
            w.error(f"name exactly one behaviour ({', '.join(ACTIONS)})")
            return None
        action = actions[0]
        target = w.text(spec.get(action), action, required=True)
        model, _, relation = target.partition(".")
        if relation and action not in ("add", "remove", "members"):
            w.error("only add, remove and members name a relation (Model.relation)", action)
        elif action == "members" and not relation:
            w.error("members names a relation (Model.relation)", action)
        filters = {str(k): str(v) for k, v in w.mapping(spec.get("filters")).items()}
        return EmulateDef(
            action=action,
            model=model,
            relation=relation,
            by=w.text(spec.get("by"), "by"),
            rename=w.text(spec.get("rename"), "rename"),
            ids=w.text(spec.get("ids"), "ids"),
            message=w.text(spec.get("message"), "message"),
            filters=filters,
            aliases={str(k): str(v) for k, v in w.mapping(spec.get("aliases")).items()},
            set={str(k): v for k, v in w.mapping(spec.get("set")).items()},
        )


def check(
    walker: type[_Walker],
    errors: list[Any],
    models: dict[str, ModelDef],
    roots: dict[str, dict[str, FieldDef]],
    operations: list[OperationDef],
    error_names: set[str],
) -> None:
    """References between records, inputs, operations and the error table."""
    for model in models.values():
        w = walker(model.source, errors)
        with w.at("models", model.name):
            _check_model(w, model, models, error_names)
    served: dict[str, tuple[OperationDef, EmulateDef]] = {}
    for op in operations:
        if op.emulate is None:
            continue
        w = walker(op.source, errors)
        with w.at("operations", op.name, "emulate"):
            _check_emulate(w, op, op.emulate, models, roots)
            em = op.emulate
            field = _served(op, em)
            first = served.setdefault(field, (op, em))
            if first[1] != em:
                w.error(
                    f"{field} already has another behaviour ({first[0].source}: {first[0].name})"
                )


def _check_model(
    w: _Walker, model: ModelDef, models: dict[str, ModelDef], error_names: set[str]
) -> None:
    for fdef in model.fields.values():
        if (fdef.server or fdef.default is not None) and model.record is None:
            w.error("server and default need a record on the model", "fields", fdef.wire)
    if model.writes:
        target = models.get(model.writes)
        if model.kind != "input":
            w.error("only input models write records", "writes")
        elif target is None or target.record is None:
            w.error(f"{model.writes!r} is not a model with a record", "writes")
        else:
            for wire in model.writes_skip:
                if wire not in model.fields:
                    w.error(f"{model.name} has no field {wire!r}", "writes", "skip")
            for wire in model.fields:
                if wire not in target.fields and wire not in model.writes_skip:
                    w.error(
                        f"{model.writes} has no field {wire!r}: add it there so the emulator"
                        " stores it (or list it in writes.skip)",
                        "fields",
                        wire,
                    )
    record = model.record
    if record is None:
        return
    with w.at("record"):
        if model.kind != "object":
            w.error("records are output models")
        scope = "" if record.scope_kept else record.scope
        for key in (record.key, scope, *record.unique, *record.unique_within.values()):
            if key and key not in model.fields:
                w.error(f"{model.name} has no field {key!r}")
        if record.scope_kept and record.scope in model.fields:
            w.error(
                f"{record.scope!r} is a field of {model.name}: scope it with field:",
                "scope",
                "argument",
            )
        missing = [r.missing for r in record.references.values()]
        for name in (record.not_found, *record.unique.values(), *missing):
            if name and name not in error_names:
                w.error(f"{name!r} is not an error name of spec/errors.yaml")
        for rel in record.relations.values():
            other = models.get(rel.model)
            if other is None or other.record is None:
                w.error(f"{rel.model!r} is not a model with a record", "relations", rel.name)
            if rel.stored in model.fields:
                w.error("members are kept apart from the model's fields", "relations", rel.name)
        for ref in record.references.values():
            held = model.fields.get(ref.name)
            if held is None or held.type.name != ref.model or held.type.is_list:
                w.error(f"must name a field of type {ref.model}", "references", ref.name)
            if ref.model not in models or models[ref.model].record is None:
                w.error(f"{ref.model!r} is not a model with a record", "references", ref.name)
    _check_parent(w, model, record, models)


def _check_parent(
    w: _Walker, model: ModelDef, record: RecordDef, models: dict[str, ModelDef]
) -> None:
    """``parent`` names a model with a record and a plain field of this one holding its key;
    ``server: order`` (at most one ``Int`` field) numbers the records within their parent."""
    ordered = [f for f in model.fields.values() if f.server == "order"]
    if len(ordered) > 1:
        w.error("at most one field is server: order", "fields", ordered[1].wire)
    for fdef in ordered:
        if fdef.type.name != "Int" or fdef.type.is_list:
            w.error("server: order is an Int field (the position, from 0)", "fields", fdef.wire)
    parent = record.parent
    if parent is None:
        return
    with w.at("record", "parent"):
        other = models.get(parent.model)
        if other is None or other.record is None:
            w.error(f"{parent.model!r} is not a model with a record", "model")
        held = model.fields.get(parent.stored)
        if held is None:
            w.error(f"{model.name} has no field {parent.stored!r}", "field")
        elif held.server or held.type.is_list:
            w.error("the parent's key is a plain field (not server-owned, not a list)", "field")


def _check_emulate(
    w: _Walker,
    op: OperationDef,
    em: EmulateDef,
    models: dict[str, ModelDef],
    roots: dict[str, dict[str, FieldDef]],
) -> None:
    model = models.get(em.model)
    if model is None or model.record is None:
        w.error(f"{em.model!r} is not a model with a record", em.action)
        return
    record = model.record
    if em.relation and em.relation not in record.relations:
        w.error(f"{em.model} has no relation {em.relation!r}", em.action)
    if op.rest is not None:
        root, name = op.rest.method, op.rest.path
        args: dict[str, Any] = {p.wire[0]: p for p in op.params}
    else:
        assert op.graphql is not None
        root = "Query" if op.graphql.op_type == "query" else "Mutation"
        name = op.graphql.path[0][0]
        field = roots[root].get(name)
        if field is None:
            return  # reported by the GraphQL checks
        args = dict(field.args)
        if em.action == "members":
            if len(op.graphql.path) < 2 or op.graphql.path[-1][0] != em.relation:
                w.error(f"the call must end in .{em.relation}(...)", em.action)
            return
    if record.scope_kept and record.scope not in args:
        w.error(
            f"{root}.{name} has no argument {record.scope!r}: {em.model} records are kept"
            " per its value (record.scope.argument)"
        )
    if em.action in ("add", "remove") and not em.relation:
        result = _result_type(op, roots)
        if result is not None and (result.name != em.model or not result.is_list):
            w.error(
                f"{em.action} of {em.model} records (no relation) answers them: the call must"
                f" return a list of {em.model}",
                em.action,
            )
        if record.parent is not None:
            w.error(f"{em.action} of records works on a model without a parent", em.action)
        for fdef in model.fields.values() if em.action == "add" else ():
            needed = fdef.type.non_null and not fdef.server and fdef.default is None
            if fdef.wire != record.key and needed:
                w.error(
                    f"{em.action} makes a record from its key alone: {em.model}.{fdef.wire}"
                    " needs a default or a server role",
                    em.action,
                )
    for key in ("by", "rename", "ids"):
        value = getattr(em, key)
        if value and value.split(".")[0] not in args:
            w.error(f"{root}.{name} has no argument {value!r}", key)
    for arg, target in em.filters.items():
        if arg not in args:
            w.error(f"{root}.{name} has no argument {arg!r}", "filters", arg)
        relation = target.removeprefix("relation.")
        if target.startswith("relation.") and relation not in record.relations:
            w.error(f"{em.model} has no relation {relation!r}", "filters", arg)
        elif not target.startswith("relation.") and target not in model.fields:
            w.error(f"{em.model} has no field {target!r}", "filters", arg)
    for target, value in em.set.items():
        if em.action != "update":
            w.error("only update takes set", "set")
            break
        held = model.fields.get(target)
        if held is None or held.server or target in record.references:
            w.error(f"{em.model} has no writable field {target!r}", "set", target)
        elif isinstance(value, (dict, list)) or value is None:
            w.error("set writes constants (a string, number or boolean)", "set", target)
    if em.set and em.aliases:
        w.error("set writes no argument: aliases make no sense with it", "aliases")
    for arg, target in em.aliases.items():
        if em.action not in ("create", "update"):
            w.error("only create and update take aliases", "aliases")
            break
        if arg not in args:
            w.error(f"{root}.{name} has no argument {arg!r}", "aliases", arg)
        held = model.fields.get(target)
        if held is None or held.server or target in record.references:
            w.error(f"{em.model} has no writable field {target!r}", "aliases", arg)
    if em.action in ("add", "remove", "sort") and not em.ids:
        w.error(
            f"{em.action} needs ids: the argument listing the "
            + (
                "records in their new order"
                if em.action == "sort"
                else "members"
                if em.relation
                else "keys of the records"
            )
        )
    ordered = any(f.server == "order" for f in model.fields.values())
    if em.action == "sort" and not ordered:
        w.error(f"{em.model} has no server: order field to sort", em.action)
    if em.action == "sort" and record.parent is None:
        w.error(f"sort works within a parent: {em.model} has no record.parent", em.action)
    elif em.action == "sort" and record.parent and record.parent.stored not in args:
        w.error(
            f"{root}.{name} has no argument {record.parent.stored!r} naming the parent", em.action
        )


def _result_type(op: OperationDef, roots: dict[str, dict[str, FieldDef]]) -> TypeRef | None:
    """What the call answers: its GraphQL root field's type, or a REST call's ``returns``."""
    if op.graphql is None:
        return op.returns.type
    root = "Query" if op.graphql.op_type == "query" else "Mutation"
    field = roots[root].get(op.graphql.path[0][0])
    return field.type if field is not None else None


def tables(
    models: dict[str, ModelDef], roots: dict[str, dict[str, FieldDef]], ops: list[OperationDef]
) -> dict[str, Any]:
    """The view-model of ``generated/emulator.py``: plain data, printed as Python literals."""
    recs: dict[str, Any] = {}
    for model in models.values():
        rec = model.record
        if rec is None:
            continue
        stored = [
            f
            for f in model.fields.values()
            if not f.args and f.server not in ("issued", "resolved")
        ]
        recs[model.name] = {
            "entity": rec.entity,
            "key": rec.key,
            "scope": rec.scope,
            "scope_default": rec.scope_default,
            "scope_kept": rec.scope_kept,
            "not_found": rec.not_found,
            "unique": rec.unique,
            "unique_within": rec.unique_within,
            "fields": tuple(f.wire for f in stored),
            "writable": tuple(
                f.wire for f in stored if not f.server and f.wire not in rec.references
            ),
            "server": {f.wire: f.server for f in model.fields.values() if f.server},
            "defaults": {f.wire: f.default for f in stored if f.default is not None},
            "relations": {
                r.name: {"model": r.model, "stored": r.stored} for r in rec.relations.values()
            },
            "references": {
                r.name: {"model": r.model, "stored": r.stored, "missing": r.missing}
                for r in rec.references.values()
            },
            "parent": {"model": rec.parent.model, "field": rec.parent.stored}
            if rec.parent
            else None,
            "order": next((f.wire for f in stored if f.server == "order"), ""),
        }
    writes = {m.name: m.writes for m in models.values() if m.writes}
    behaviours: dict[str, Any] = {}
    for op in ops:
        em = op.emulate
        if em is None:
            continue
        record = models[em.model].record
        assert record is not None
        served = _served(op, em)
        if op.graphql is not None:
            root = "Query" if op.graphql.op_type == "query" else "Mutation"
            field = roots[root][op.graphql.path[0][0]]
            result, arg_types = field.type, field.args
        else:
            result = op.returns.type or TypeRef("CommonMessage", non_null=False)
            arg_types = {p.wire[0]: p.type for p in op.params}
        listed = result
        if em.action == "members" and op.graphql is not None:
            listed = models[em.model].fields[em.relation].type
        entry = {
            "action": em.action,
            "model": em.model,
            "relation": em.relation,
            "by": em.by or record.key,
            "rename": em.rename,
            "ids": em.ids,
            "message": em.message,
            "filters": em.filters,
            "aliases": em.aliases,
            "set": em.set,
            "inputs": tuple(
                arg for arg, ref in arg_types.items() if writes.get(ref.name) == em.model
            ),
            "nullable": not result.non_null,
            "returns_list": result.is_list,
            "page": _page_fields(models, listed) if em.action in ("list", "members") else None,
            "paged": "limit" in arg_types or op.graphql is not None,
            "parent": bool(record.parent and record.parent.stored in arg_types),
            "ints": tuple(arg for arg, ref in arg_types.items() if ref.name == "Int"),
            "auth": op.auth,
            "rest": op.rest is not None,
            "body": any(p.location == "body" for p in op.params),
            "by_list": bool(
                (by := arg_types.get((em.by or record.key).split(".")[0])) and by.is_list
            ),
        }
        behaviours.setdefault(served, entry)  # check() rejects two different declarations
    return {"records": recs, "writes": writes, "behaviours": behaviours}


def _served(op: OperationDef, em: EmulateDef) -> str:
    """What a behaviour serves: ``Type.field`` (GraphQL) or ``METHOD /path`` (REST)."""
    if op.rest is not None:
        return f"{op.rest.method} {op.rest.path}"
    assert op.graphql is not None
    if em.action == "members" and len(op.graphql.path) > 1:
        return f"{em.model}.{em.relation}"
    root = "Query" if op.graphql.op_type == "query" else "Mutation"
    return f"{root}.{op.graphql.path[0][0]}"


def _page_fields(models: dict[str, ModelDef], result: TypeRef) -> tuple[str, str] | None:
    """``(items, total)`` wire names of a page model (``{list, totalCount}``, ``{list, total}``)."""
    model = models.get(result.name)
    if result.is_list or model is None:
        return None
    items = next((f.wire for f in model.fields.values() if f.type.is_list), None)
    total = next((f.wire for f in model.fields.values() if f.type.name == "Int"), None)
    return (items, total) if items and total else None
