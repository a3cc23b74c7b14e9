"""The GraphQL side of the spec: the SDL it implies and the documents the SDK sends.

Selection sets are derived from the result model (every field in its default selection, nested
models recursively, a model never nested inside itself), so changing a model in ``spec/`` changes
every document that selects it. Each document is validated against the emitted SDL with
graphql-core at generation time.
"""

from __future__ import annotations

from codegen.errors import SpecError, SpecErrors
from codegen.ir import FieldDef, ModelDef, OperationDef, Spec
from graphql import GraphQLSchema, build_schema, parse, validate

INDENT = "  "


def _description(doc: str, indent: str) -> list[str]:
    if not doc:
        return []
    text = doc.replace('"""', '\\"""')
    return [f'{indent}"""{text}"""']


def _field_sdl(fdef: FieldDef) -> str:
    args = ""
    if fdef.args:
        args = "(" + ", ".join(f"{a}: {t}" for a, t in fdef.args.items()) + ")"
    return f"{fdef.wire}{args}: {fdef.type}"


def build_sdl(spec: Spec) -> str:
    """The schema implied by the spec: scalars, enums, types, inputs, then Query and Mutation."""
    out: list[str] = []
    for name, doc in spec.scalars.items():
        out += [*_description(doc, ""), f"scalar {name}", ""]
    for enum in spec.enums.values():
        if not enum.graphql:
            continue
        out += [*_description(enum.doc, ""), f"enum {enum.name} {{"]
        for value, doc in enum.values.items():
            out += [*_description(doc, INDENT), f"{INDENT}{value}"]
        out += ["}", ""]
    for model in spec.models.values():
        if not model.graphql:
            continue
        keyword = "input" if model.kind == "input" else "type"
        out += [*_description(model.doc, ""), f"{keyword} {model.name} {{"]
        for fdef in model.fields.values():
            out += [*_description(fdef.doc, INDENT), f"{INDENT}{_field_sdl(fdef)}"]
        out += ["}", ""]
    for root in ("Query", "Mutation"):
        fields = spec.roots[root]
        if not fields:
            continue
        out.append(f"type {root} {{")
        for fdef in fields.values():
            out += [*_description(fdef.doc, INDENT), f"{INDENT}{_field_sdl(fdef)}"]
        out += ["}", ""]
    return "\n".join(out).rstrip() + "\n"


def selection(
    spec: Spec, model: ModelDef, include: tuple[str, ...], depth: int, seen: tuple[str, ...]
) -> list[str]:
    """Lines of the selection set for ``model``; ``include`` adds non-default fields
    (``customData`` at this level, ``list.customData`` inside ``list``)."""
    pad = INDENT * depth
    lines: list[str] = []
    for fdef in model.fields.values():
        if not (fdef.select or fdef.wire in include):
            continue
        nested = spec.models.get(fdef.type.name)
        if nested is None:
            lines.append(f"{pad}{fdef.wire}")
            continue
        if nested.name in seen:
            continue
        prefix = f"{fdef.wire}."
        deeper = tuple(i[len(prefix) :] for i in include if i.startswith(prefix))
        inner = selection(spec, nested, deeper, depth + 1, (*seen, nested.name))
        if inner:
            lines += [f"{pad}{fdef.wire} {{", *inner, f"{pad}}}"]
    return lines


def build_document(spec: Spec, op: OperationDef) -> str:
    gql = op.graphql
    assert gql is not None
    header = f"{gql.op_type} {gql.op_name}"
    if gql.variables:
        header += "(" + ", ".join(f"${v}: {t}" for v, t in gql.variables.items()) + ")"
    lines = [header + " {"]
    closers: list[str] = []
    for depth, (fname, bindings) in enumerate(gql.path, start=1):
        call = fname
        if bindings:
            call += "(" + ", ".join(f"{a}: ${v}" for a, v in bindings.items()) + ")"
        last = depth == len(gql.path)
        pad = INDENT * depth
        if not last:
            lines.append(f"{pad}{call} {{")
            closers.insert(0, f"{pad}}}")
            continue
        model = spec.models.get(gql.result.name) if gql.result else None
        if model is None:
            lines.append(f"{pad}{call}")
        else:
            lines.append(f"{pad}{call} {{")
            lines += selection(spec, model, gql.include, depth + 1, (model.name,))
            lines.append(f"{pad}}}")
    lines += closers
    lines.append("}")
    return "\n".join(lines) + "\n"


def attach_documents(spec: Spec) -> GraphQLSchema:
    """Build every operation's document, validate it against the SDL, return the schema."""
    sdl = build_sdl(spec)
    try:
        schema = build_schema(sdl)
    except Exception as exc:  # graphql-core raises GraphQLError / TypeError with a clear message
        raise SpecErrors(
            [SpecError("(emitted SDL)", "", f"the spec's types do not form a valid schema: {exc}")]
        ) from exc
    problems: list[SpecError] = []
    by_name: dict[str, tuple[str, str]] = {}
    for op in spec.operations:
        if op.graphql is None:
            continue
        document = build_document(spec, op)
        op.graphql.document = document
        for err in validate(schema, parse(document)):
            problems.append(
                SpecError(
                    op.source,
                    f"operations.{op.name}.graphql",
                    f"document does not validate: {err.message}",
                )
            )
        previous = by_name.get(op.graphql.op_name)
        if previous is not None and previous[1] != document:
            problems.append(
                SpecError(
                    op.source,
                    f"operations.{op.name}.graphql.operation",
                    f"operation name {op.graphql.op_name!r} is also used by {previous[0]} with a different document",
                )
            )
        by_name.setdefault(op.graphql.op_name, (op.name, document))
    if problems:
        raise SpecErrors(problems)
    return schema


def documents(spec: Spec) -> dict[str, str]:
    """GraphQL operation name -> exact document text, for ``python -m codegen documents``."""
    return {
        op.graphql.op_name: op.graphql.document for op in spec.operations if op.graphql is not None
    }
