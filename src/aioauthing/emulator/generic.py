"""Generic handlers: every operation whose spec declares ``emulate`` is served here (GraphQL
fields and REST routes alike).

The behaviours (``create``, ``get``, ``update``, ``delete``, ``list``, ``batch_get``, ``add``,
``remove`` (members of a relation, or records by key), ``members``, ``sort``) work on records shaped by the spec (:mod:`.entities`), kept in
``pool.directory`` like the rooms' records (:mod:`.store`; users in ``pool.users``). Which field,
argument, error name and message each one uses comes from
:data:`aioauthing.generated.emulator.BEHAVIOURS`; nothing here names an entity.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..generated.emulator import BEHAVIOURS, RECORDS
from .context import RequestContext
from .entities import new_record, next_serial, view, write
from .errors import biz
from .registry import Envelope, Resolver, RestCall, RestHandler, resolver, rest_route
from .state import Pool, format_date
from .store import ok, page, records, save
from .users import paginate, user_view

__all__ = ["extend", "register_all"]

Spec = dict[str, Any]
_HOOKS: dict[str, dict[str, Callable[..., None]]] = {}


def extend(model: str, **hooks: Callable[..., Any]) -> None:
    """A room's logic around the generic handlers of ``model``: ``prepare(values)`` checks and
    normalizes what a create / update writes; ``check(pool, values, current)`` then checks them
    against other records (a parent that must exist; ``current`` is ``None`` on a create);
    ``after(ctx, pool, old, new)`` follows an update
    or a delete (``new`` is ``None``), e.g. to move what refers to a renamed record;
    ``show(pool, record)`` is the wire form when the room computes some of it (a node's path);
    ``lookup(pool, key)`` finds a record the store does not hold (the pool's default
    application, a parent of agreements)."""
    _HOOKS.setdefault(model, {}).update(hooks)


def _hook(kind: str, model: str, *args: Any) -> Any:
    if found := _HOOKS.get(model, {}).get(kind):
        return found(*args)
    return None


def _store(pool: Pool, model: str) -> dict[str, Any]:
    """``key -> record`` of ``model`` (users live in ``pool.users``)."""
    if model == "User":
        return pool.users
    return records(pool, RECORDS[model]["entity"])


def _save(ctx: RequestContext, pool: Pool, model: str) -> None:
    if model != "User":  # users persist one by one (state.put_user / delete_user)
        save(ctx, pool, RECORDS[model]["entity"])


def _put(
    ctx: RequestContext,
    pool: Pool,
    model: str,
    record: dict[str, Any],
    previous: dict[str, Any] | None = None,
) -> None:
    """Store a new or changed record (users through the state: unique indexes, persistence)."""
    if model == "User":
        ctx.state.put_user(pool, record, previous=previous)
        return
    rec, store = RECORDS[model], _store(pool, model)
    key = _key(rec, record, record[rec["key"]])
    if previous is not None:
        old = _key(rec, previous, previous[rec["key"]])
        if old != key:  # renamed: the record moves (else it keeps its place in lists)
            store.pop(old, None)
    store[key] = record
    _save(ctx, pool, model)


def _remove(ctx: RequestContext, pool: Pool, model: str, record: dict[str, Any]) -> None:
    if model == "User":
        ctx.state.delete_user(pool, record["id"])
        return
    rec = RECORDS[model]
    _store(pool, model).pop(_key(rec, record, record[rec["key"]]), None)


def _key(rec: Spec, source: dict[str, Any], key: Any) -> str:
    """The storage key: ``scope/key`` for scoped records (roles in a namespace), else ``key``."""
    if not rec["scope"]:
        return str(key)
    return f"{source.get(rec['scope']) or rec['scope_default']}/{key}"


def _show(pool: Pool, model: str, record: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    """The wire form: the model's fields, referenced records nested (spec ``references``)."""
    if model == "User":
        return user_view(record)
    if "show" in _HOOKS.get(model, {}):
        computed: dict[str, Any] = _hook("show", model, pool, record)
        return computed
    shown = view(model, record)
    for field, ref in RECORDS[model]["references"].items():
        other = _store(pool, ref["model"]).get(record.get(ref["stored"]) or "")
        shown[field] = _show(pool, ref["model"], other, depth + 1) if other and depth < 8 else None
    return shown


def _find(pool: Pool, model: str, args: dict[str, Any], key: Any) -> dict[str, Any] | None:
    found: dict[str, Any] | None = _store(pool, model).get(_key(RECORDS[model], args, key))
    if found is None and key is not None:
        found = _hook("lookup", model, pool, key)
    return found


def _in_parent(em: Spec, args: dict[str, Any], record: dict[str, Any] | None) -> bool:
    """Whether ``record`` belongs to the parent the call names (always, for a call naming none)."""
    parent = RECORDS[em["model"]]["parent"]
    return record is not None and (
        not em["parent"] or record.get(parent["field"]) == args.get(parent["field"])
    )


def _siblings(pool: Pool, model: str, parent_key: Any) -> list[dict[str, Any]]:
    """The records of ``model`` under one parent (all of them without a parent), in their order
    (``server: order``, then key) when the model keeps one, else in insertion order."""
    rec = RECORDS[model]
    found = [
        r
        for r in _store(pool, model).values()
        if rec["parent"] is None or r.get(rec["parent"]["field"]) == parent_key
    ]
    if rec["order"]:
        found.sort(key=lambda r: (r.get(rec["order"]) or 0, _sortable(r.get(rec["key"]))))
    return found


def _sortable(key: Any) -> tuple[int, Any]:
    """A key that orders numbers as numbers (agreement 10 after 9) and the rest as text."""
    return (0, key) if isinstance(key, int) else (1, str(key))


def _renumber(pool: Pool, model: str, ordered: list[dict[str, Any]]) -> None:
    """Positions from 0 in the given order (``server: order``)."""
    field = RECORDS[model]["order"]
    for position, record in enumerate(ordered):
        record[field] = position


def _require(pool: Pool, model: str, args: dict[str, Any], key: Any) -> dict[str, Any]:
    found = _find(pool, model, args, key)
    if found is None:
        raise biz(RECORDS[model]["not_found"])
    return found


def _check_unique(
    pool: Pool, model: str, values: dict[str, Any], *, skip: dict[str, Any] | None = None
) -> None:
    rec = RECORDS[model]
    for field, error in rec["unique"].items():
        value = values.get(field)
        if value is None:
            continue
        bounds = [b for b in (rec["scope"], rec["unique_within"].get(field)) if b]
        for other in _store(pool, model).values():
            same_scope = all(other.get(b) == values.get(b) for b in bounds)
            if other is not skip and same_scope and other.get(field) == value:
                raise biz(error)


def _values(em: Spec, model: str, args: dict[str, Any]) -> dict[str, Any]:
    """The record fields an operation's arguments carry (scalars, then ``writes`` inputs)."""
    rec = RECORDS[model]
    values = {k: v for k, v in args.items() if k in rec["writable"]}
    for name in em["inputs"]:
        values.update(args.get(name) or {})
    if rec["parent"]:  # never moved by a write (create sets it from the call's parent)
        values.pop(rec["parent"]["field"], None)
    for name, field in em["aliases"].items():  # remark -> remarks; the field's own name wins
        if not values.get(field) and args.get(name) is not None:
            values[field] = args[name]
    return values


def _arg(args: dict[str, Any], path: str) -> Any:
    """An argument, or a value inside an input argument (``input.id``)."""
    value: Any = args
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _authorize(ctx: RequestContext, em: Spec, args: dict[str, Any] | None = None) -> Pool:
    """The caller's pool; with ``args``, the parent the call names must exist (its
    ``not_found``) before anything else is looked at."""
    if em["auth"] == "management":
        pool = ctx.require_management()
    elif em["auth"] == "user":
        pool = ctx.require_user()[0]
    else:
        pool = ctx.pool
    if args is not None and em["parent"]:
        parent = RECORDS[em["model"]]["parent"]
        _require(pool, parent["model"], args, args.get(parent["field"]))
    return pool


# ---------------------------------------------------------------- behaviours
def _create(ctx: RequestContext, em: Spec, args: dict[str, Any]) -> Any:
    model = em["model"]
    pool, rec = _authorize(ctx, em, args), RECORDS[model]
    values = _values(em, model, args)
    _hook("prepare", model, values)
    _hook("check", model, pool, values, None)
    if rec["scope_kept"]:  # the call's argument, kept with the record (not a field)
        values[rec["scope"]] = args.get(rec["scope"])
    elif rec["scope"] and not values.get(rec["scope"]):
        values[rec["scope"]] = rec["scope_default"]
    _check_unique(pool, model, values)
    record = new_record(
        model,
        record_id=ctx.state.ids.object_id() if {"id", "arn"} & set(rec["server"].values()) else "",
        pool_id=pool.id,
        now=format_date(pool.now()),
        values=values,
        serial=next_serial(model, _store(pool, model).values()),
        secret=ctx.state.ids.secret() if "secret" in rec["server"].values() else None,
    )
    if em["parent"]:  # the parent the call names (already checked)
        field = rec["parent"]["field"]
        record[field] = args[field]
    if rec["scope_kept"]:
        record[rec["scope"]] = values[rec["scope"]]
    if rec["order"]:  # last of its parent's records
        record[rec["order"]] = len(_siblings(pool, model, record.get(_parent_field(rec))))
    for relation in rec["relations"].values():
        record[relation["stored"]] = []
    for name, ref in rec["references"].items():  # an argument naming the other record's key
        other = _find(pool, ref["model"], record, args[name]) if args.get(name) else None
        if args.get(name) and other is None:
            raise biz(ref["missing"] or RECORDS[ref["model"]]["not_found"])
        record[ref["stored"]] = _key(RECORDS[ref["model"]], record, args[name]) if other else None
    _put(ctx, pool, model, record)
    return _show(pool, model, record)


def _parent_field(rec: Spec) -> str:
    return str(rec["parent"]["field"]) if rec["parent"] else ""


def _own(pool: Pool, em: Spec, args: dict[str, Any], key: Any) -> dict[str, Any] | None:
    """The record ``key`` names, if it belongs to the call's parent (another's is not found)."""
    found = _find(pool, em["model"], args, key)
    return found if _in_parent(em, args, found) else None


def _require_own(pool: Pool, em: Spec, args: dict[str, Any], key: Any) -> dict[str, Any]:
    found = _own(pool, em, args, key)
    if found is None:
        raise biz(RECORDS[em["model"]]["not_found"])
    return found


def _get(ctx: RequestContext, em: Spec, args: dict[str, Any]) -> Any:
    pool, model = _authorize(ctx, em, args), em["model"]
    found = _own(pool, em, args, _arg(args, em["by"]))
    if found is None:
        if em["nullable"]:
            return None
        raise biz(RECORDS[model]["not_found"])
    return _show(pool, model, found)


def _update(ctx: RequestContext, em: Spec, args: dict[str, Any]) -> Any:
    """Write the arguments (or the spec's ``set`` constants) to the record ``by`` names, or to
    every record of a list (all must exist first); with a ``message`` (or a list), answer it."""
    pool, model = _authorize(ctx, em, args), em["model"]
    given = _arg(args, em["by"])
    if em["by_list"] and not _key_list(given):
        raise biz("NOT_STRING_LIST", name=em["by"])  # the ids of the records to change
    keys = list(dict.fromkeys(given)) if isinstance(given, list) else [given]
    found = [_require_own(pool, em, args, key) for key in keys]
    changed = [_update_one(ctx, pool, em, args, current) for current in found]
    if _answers_message(em, args):
        return ok(em["message"] or "更新成功")
    return _show(pool, model, changed[0])


def _key_list(given: Any) -> bool:
    """A non-empty list of keys (non-empty strings or numbers)."""
    return (
        isinstance(given, list)
        and bool(given)
        and all(isinstance(k, int | str) and not isinstance(k, bool) and k != "" for k in given)
    )


def _answers_message(em: Spec, args: dict[str, Any]) -> bool:
    """An update answers its ``message`` (REST: an envelope) when it has one or changes a list."""
    return em["action"] == "update" and bool(
        em["message"] or isinstance(_arg(args, em["by"]), list)
    )


def _update_one(
    ctx: RequestContext, pool: Pool, em: Spec, args: dict[str, Any], current: dict[str, Any]
) -> dict[str, Any]:
    model = em["model"]
    rec = RECORDS[model]
    record = dict(current)
    if em["set"]:  # the spec's constants, as they are: no argument is written
        changes = dict(em["set"])
    else:
        changes = {k: v for k, v in _values(em, model, args).items() if v is not None}
        _hook("prepare", model, changes)
        _hook("check", model, pool, changes, current)
    new_key = args.get(em["rename"]) if em["rename"] else None
    if new_key is not None and new_key != record[rec["key"]]:
        changes[rec["key"]] = new_key
    if changes:
        _check_unique(pool, model, {**record, **changes}, skip=current)
    write(model, record, changes, now=format_date(pool.now()))
    _put(ctx, pool, model, record, previous=current)
    _hook("after", model, ctx, pool, current, record)
    return record


def _delete(ctx: RequestContext, em: Spec, args: dict[str, Any]) -> Any:
    pool, model = _authorize(ctx, em, args), em["model"]
    rec = RECORDS[model]
    given = _arg(args, em["by"])
    keys = list(given) if isinstance(given, list) else [given]
    found = [_require_own(pool, em, args, key) for key in keys]
    for record in found:
        _remove(ctx, pool, model, record)
        _hook("after", model, ctx, pool, record, None)
    if rec["order"]:  # the parents' remaining records close the gaps
        for parent_key in dict.fromkeys(r.get(_parent_field(rec)) for r in found):
            _renumber(pool, model, _siblings(pool, model, parent_key))
    _save(ctx, pool, model)
    return ok(em["message"] or "删除成功")


def _matches(rec: Spec, record: dict[str, Any], em: Spec, args: dict[str, Any]) -> bool:
    for arg, target in em["filters"].items():
        wanted = args.get(arg)
        if wanted is None:
            continue
        if target.startswith("relation."):
            stored = rec["relations"][target.removeprefix("relation.")]["stored"]
            if wanted not in (record.get(stored) or []):
                return False
        elif record.get(target) != wanted:
            return False
    return True


def _list(ctx: RequestContext, em: Spec, args: dict[str, Any]) -> Any:
    pool, model = _authorize(ctx, em, args), em["model"]
    rec = RECORDS[model]
    if em["parent"]:
        candidates = _siblings(pool, model, args.get(_parent_field(rec)))
    elif rec["order"]:
        candidates = sorted(_store(pool, model).values(), key=lambda r: r.get(rec["order"]) or 0)
    else:
        candidates = list(_store(pool, model).values())
    if rec["scope_kept"]:  # only the scope the call names (whitelist entries of one type)
        candidates = [r for r in candidates if r.get(rec["scope"]) == args.get(rec["scope"])]
    items = [_show(pool, model, r) for r in candidates if _matches(rec, r, em, args)]
    return _page(em, items, args)


def _sort(ctx: RequestContext, em: Spec, args: dict[str, Any]) -> Any:
    """Put the parent's records in the order argument ``ids`` gives: every one, once each."""
    pool, model = _authorize(ctx, em, args), em["model"]
    rec, name = RECORDS[model], em["ids"]
    keys = args.get(name)
    if not isinstance(keys, list) or not all(isinstance(k, int | str) for k in keys):
        raise biz("NOT_STRING_LIST", name=name)
    chosen = [_require_own(pool, em, args, key) for key in keys]
    siblings = _siblings(pool, model, args.get(_parent_field(rec)))
    if len({id(r) for r in chosen}) != len(chosen) or len(chosen) != len(siblings):
        every = f"{_noun(model)} of the {_noun(rec['parent']['model'])}"
        raise biz("PARAMS_REQUIRED", names=f"{name} (every {every}, once each)")
    _renumber(pool, model, chosen)
    _save(ctx, pool, model)
    return ok(em["message"] or "排序成功")


def _noun(model: str) -> str:
    """One record of ``model`` in words: its entity name, singular (``agreements``)."""
    return str(RECORDS[model]["entity"]).removesuffix("s").replace("_", " ")


def _batch_get(ctx: RequestContext, em: Spec, args: dict[str, Any]) -> Any:
    pool, model = _authorize(ctx, em, args), em["model"]
    return [_show(pool, model, _require_own(pool, em, args, k)) for k in _arg(args, em["by"]) or []]


def _member_ids(ctx: RequestContext, em: Spec, args: dict[str, Any]) -> list[Any]:
    relation = RECORDS[em["model"]]["relations"][em["relation"]]
    ids = list(args.get(em["ids"]) or [])
    for member in ids:
        _require(ctx.pool, relation["model"], args, member)
    return ids


def _change_members(ctx: RequestContext, em: Spec, args: dict[str, Any], add: bool) -> Any:
    pool, model = _authorize(ctx, em, args), em["model"]
    rec = RECORDS[model]
    stored = rec["relations"][em["relation"]]["stored"]
    ids = _member_ids(ctx, em, args)
    record = _require_own(pool, em, args, _arg(args, em["by"]))
    members: list[Any] = list(record.get(stored) or [])
    for member in ids:
        if add and member not in members:
            members.append(member)
        if not add and member in members:
            members.remove(member)
    _put(ctx, pool, model, {**record, stored: members}, previous=record)
    return ok(em["message"] or ("添加成功" if add else "移除成功"))


def _keys(em: Spec, args: dict[str, Any]) -> list[Any]:
    """The keys argument ``ids`` lists: every one non-empty (checked before any write)."""
    keys = list(args.get(em["ids"]) or [])
    if any(key is None or key == "" for key in keys):
        raise biz("EMPTY_VALUE", name=em["ids"])
    return keys


def _add_records(ctx: RequestContext, em: Spec, args: dict[str, Any]) -> Any:
    """A record for every key listed (one already there keeps its other fields, its ``updated``
    fields are stamped); answers them in the order given, repeats included."""
    pool, model = _authorize(ctx, em, args), em["model"]
    rec, now = RECORDS[model], format_date(pool.now())
    added = []
    for key in _keys(em, args):
        current = _find(pool, model, args, key)
        if current is None:
            record = new_record(model, record_id="", pool_id=pool.id, now=now)
            record[rec["key"]] = key
            if rec["scope"]:
                record[rec["scope"]] = args.get(rec["scope"]) or rec["scope_default"] or None
        else:
            record = dict(current)
            write(model, record, {}, now=now)
        _store(pool, model)[_key(rec, record, key)] = record
        added.append(_show(pool, model, record))
    _save(ctx, pool, model)
    return added


def _remove_records(ctx: RequestContext, em: Spec, args: dict[str, Any]) -> Any:
    """Delete the records listed (keys naming none are skipped); answers the ones removed."""
    pool, model = _authorize(ctx, em, args), em["model"]
    removed = []
    for key in _keys(em, args):
        found = _store(pool, model).pop(_key(RECORDS[model], args, key), None)
        if found is not None:
            removed.append(_show(pool, model, found))
    _save(ctx, pool, model)
    return removed


def _members(ctx: RequestContext, em: Spec, parent: dict[str, Any], args: dict[str, Any]) -> Any:
    """``Model.relation(page, limit)``: the members of the parent record, one page."""
    pool, model = _authorize(ctx, em), em["model"]
    rec = RECORDS[model]
    relation = rec["relations"][em["relation"]]
    record = _find(pool, model, parent, parent.get(rec["key"])) or {}
    store = _store(pool, relation["model"])
    found = [store[m] for m in record.get(relation["stored"]) or [] if m in store]
    if relation["model"] == "User":
        return paginate(found, args.get("page"), args.get("limit"))  # newest first, as Authing
    return _page(em, [_show(pool, relation["model"], m) for m in found], args)


def _page(em: Spec, items: list[Any], args: dict[str, Any]) -> Any:
    """A plain list, or one page in the result model's names (``{list, totalCount}``...)."""
    if em["returns_list"] or not em["page"]:
        return items
    names, total = em["page"]
    if not em["paged"]:  # a REST list without page and limit: all of them
        return {names: items, total: len(items)}
    one = page(items, args.get("page"), args.get("limit"))
    return {names: one["list"], total: one["totalCount"]}


_ROOT_ACTIONS: dict[str, Callable[[RequestContext, Spec, dict[str, Any]], Any]] = {
    "create": _create,
    "get": _get,
    "update": _update,
    "delete": _delete,
    "list": _list,
    "batch_get": _batch_get,
    "add": lambda ctx, em, args: (
        _change_members(ctx, em, args, True) if em["relation"] else _add_records(ctx, em, args)
    ),
    "remove": lambda ctx, em, args: (
        _change_members(ctx, em, args, False) if em["relation"] else _remove_records(ctx, em, args)
    ),
    "sort": _sort,
}


def _rest_handler(em: Spec) -> RestHandler:
    """A REST face: path, query and JSON body merged into arguments (``Int`` ones parsed)."""

    def serve(ctx: RequestContext, call: RestCall) -> Any:
        if em["body"] and call.body is not None and not isinstance(call.body, dict):
            raise biz("JSON_OBJECT_REQUIRED")  # a body, but not the JSON object of the parameters
        args: dict[str, Any] = {**call.query, **(call.body if isinstance(call.body, dict) else {})}
        args.update(call.path_params)
        if "userPoolId" in call.path_params and args["userPoolId"] != _authorize(ctx, em).id:
            raise biz("NO_PERMISSION")  # a path naming a pool must name the caller's
        for name in em["ints"]:
            if isinstance(args.get(name), str):
                try:
                    args[name] = int(args[name])
                except ValueError as exc:
                    raise biz("NOT_INTEGER", name=name) from exc
        if em["action"] == "members":
            model = em["model"]
            pool = _authorize(ctx, em)
            record = _require(pool, model, args, _arg(args, em["by"]))
            return _members(ctx, em, record, args)
        result = _ROOT_ACTIONS[em["action"]](ctx, em, args)
        enveloped = em["action"] in ("delete", "sort") or (
            em["action"] in ("add", "remove") and em["relation"]
        )
        if enveloped or _answers_message(em, args):
            return Envelope(message=result["message"])
        return result

    return serve


def _handler(em: Spec) -> Resolver:
    if em["action"] == "members":

        def members(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
            return _members(ctx, em, parent, args)

        return members
    action = _ROOT_ACTIONS[em["action"]]

    def serve(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
        return action(ctx, em, args)

    serve.__name__ = f"generic_{em['action']}_{em['model']}"
    return serve


def register_all() -> None:
    """Register a resolver for every field the spec gives a generic behaviour."""
    for served, em in BEHAVIOURS.items():
        if em["rest"]:
            method, _, path = served.partition(" ")
            rest_route(method, path)(_rest_handler(em))
        else:
            resolver(served)(_handler(em))


register_all()
