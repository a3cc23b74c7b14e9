"""Render the IR into Python source with Jinja, then format it with ruff.

Output is deterministic: inputs are walked in file and declaration order, nothing depends on
time, paths or hash seeds, and ruff normalises the layout.
"""

from __future__ import annotations

import functools
import hashlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jinja2

from codegen import checks, records, views
from codegen.graphql import attach_documents, build_sdl
from codegen.ir import ApiDef, FieldDef, ModelDef, OperationDef, ParamDef, Spec
from codegen.typeref import SCALARS, TypeRef

TEMPLATES = Path(__file__).parent / "templates"
GENERATOR_VERSION = "1"


class TypeNamer:
    """Python type expressions for GraphQL type references."""

    def __init__(self, spec: Spec, models_prefix: str = "") -> None:
        self.spec = spec
        self.prefix = models_prefix

    def base(self, ref: TypeRef, *, param: bool = False) -> str:
        if ref.name in SCALARS:
            return SCALARS[ref.name]
        if ref.name in self.spec.scalars:
            return "Any"
        if ref.name in self.spec.enums:
            return f"{self.prefix}{ref.name} | str"
        return f"{self.prefix}{ref.name}"

    def expr(self, ref: TypeRef, *, param: bool = False) -> str:
        inner = self.base(ref, param=param)
        if ref.is_list:
            item = inner if ref.item_non_null else f"{inner} | None"
            # builtins.list: a model field or API method named ``list`` must not shadow the type.
            container = "Sequence" if param else "builtins.list"
            inner = f"{container}[{item}]"
        return inner if ref.non_null else f"{inner} | None"

    def field(self, model: ModelDef, fdef: FieldDef) -> tuple[str, str | None]:
        """(annotation, default expression or None for required)."""
        if fdef.udv == "value":
            return self._custom_field(model, fdef)
        if model.kind == "input":
            if fdef.type.non_null and fdef.required is not False:
                return self.expr(fdef.type), None
            return _none_last(f"{self.expr(fdef.type.nullable())} | Unset"), "UNSET"
        required = fdef.type.non_null if fdef.required is None else fdef.required
        if required:
            return self.expr(fdef.type), None
        return self.expr(fdef.type.nullable()), "None"

    @staticmethod
    def _custom_field(model: ModelDef, fdef: FieldDef) -> tuple[str, str | None]:
        """A custom data value: decoded on output models, encoded from inputs."""
        if model.kind == "input":
            if fdef.type.non_null and fdef.required is not False:
                return "CustomInput", None
            return "CustomInput | Unset | None", "UNSET"
        required = fdef.type.non_null if fdef.required is None else fdef.required
        return "CustomValue", None if required else "None"

    def param(self, p: ParamDef) -> str:
        if p.udv_key is not None:
            return self._custom_param(p)
        ref = p.type if (p.required or p.has_default) else p.type.nullable()
        expr = self.expr(ref, param=True)
        if not p.nullable and not ref.non_null:
            expr = expr.removesuffix(" | None")
        if not p.required and not p.has_default:
            expr = _none_last(expr + " | Unset")
        return expr

    @staticmethod
    def _custom_param(p: ParamDef) -> str:
        expr = "Mapping[str, CustomInput]" if p.udv_key == "map" else "CustomInput"
        if p.nullable:
            expr += " | None"
        if not p.required and not p.has_default:
            expr = _none_last(expr + " | Unset")
        return expr

    def returns(self, op: OperationDef) -> str:
        ref = op.returns.type
        if ref is None:
            return "None"
        if op.returns.source == "envelope":
            return f"{self.prefix}CommonMessage"
        return self.expr(ref)

    def structure_target(self, ref: TypeRef) -> str:
        """Expression for the type passed to ``self._structure`` (non-null form)."""
        inner = self.base(ref).split(" | ")[0]
        if ref.is_list:
            item = inner if ref.item_non_null or not self.is_model(ref) else f"{inner} | None"
            return f"builtins.list[{item}]"
        return inner

    def is_model(self, ref: TypeRef) -> bool:
        return ref.name in self.spec.models

    def is_enum(self, ref: TypeRef) -> bool:
        return ref.name in self.spec.enums

    def is_scalar(self, ref: TypeRef) -> bool:
        return ref.name in SCALARS or ref.name in self.spec.scalars


def _none_last(expr: str) -> str:
    """``X | None | Unset`` -> ``X | Unset | None`` (top-level union members only)."""
    parts, depth, current = [], 0, ""
    for ch in expr:
        depth += ch == "["
        depth -= ch == "]"
        if ch == "|" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    if "None" in parts:
        parts = [p for p in parts if p != "None"] + ["None"]
    return " | ".join(parts)


def _pyrepr(value: Any) -> str:
    return repr(value)


def _wire_groups(params: list[ParamDef], location: str) -> dict[str, list[ParamDef]]:
    groups: dict[str, list[ParamDef]] = {}
    for p in params:
        if p.location == location:
            groups.setdefault(p.wire[0], []).append(p)
    return groups


def _doc_lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip().splitlines()] if text else []


def _environment(spec: Spec, namer: TypeNamer) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    env.filters["pyrepr"] = _pyrepr
    env.filters["doc_lines"] = _doc_lines
    env.filters["block"] = lambda v: (
        '"""\\\n' + v + '"""' if '"""' not in v and "\\" not in v else repr(v)
    )
    env.filters["tuple_repr"] = lambda v: repr(tuple(v))
    env.filters["json"] = lambda v: json.dumps(v, ensure_ascii=False)
    env.globals.update(
        spec=spec,
        t=namer,
        wire_groups=_wire_groups,
        param_checks=functools.partial(checks.param_checks, spec),
        checked_params=functools.partial(checks.checked_params, spec),
        validation_calls=views.validation_calls,
        rest_groups=views.rest_groups,
        api_imports=functools.partial(views.api_imports, spec),
        parent_not_found=functools.partial(views.parent_not_found, spec),
        sorted=sorted,
        enumerate=enumerate,
    )
    return env


def _sources_for_api(api: ApiDef) -> list[str]:
    return sorted(set(api.sources))


def _hash_inputs(spec_dir: Path) -> dict[str, str]:
    hashes = {}
    for rel in sorted(p.relative_to(spec_dir).as_posix() for p in spec_dir.rglob("*.yaml")):
        hashes[f"spec/{rel}"] = hashlib.sha256((spec_dir / rel).read_bytes()).hexdigest()
    for tpl in sorted(TEMPLATES.glob("*.jinja")):
        hashes[f"codegen/templates/{tpl.name}"] = hashlib.sha256(tpl.read_bytes()).hexdigest()
    return hashes


def render(spec: Spec, spec_dir: Path) -> dict[str, str]:
    """File name (relative to the generated package) -> content, before formatting."""
    attach_documents(spec)
    namer = TypeNamer(spec, "models.")
    env = _environment(spec, namer)
    all_sources = [f"spec/{f}" for f in spec.files]
    model_sources = sorted(
        {f"spec/{m.source}" for m in spec.models.values()}
        | {f"spec/{e.source}" for e in spec.enums.values()}
    )
    files: dict[str, str] = {}
    modules = {"authentication", "clients", "errors", "models", "operations"}
    modules |= {a.module for a in spec.apis.values() if a.attribute}
    files["__init__.py"] = env.get_template("init.py.jinja").render(
        sources=all_sources, modules=sorted(modules)
    )
    groups = _model_groups(spec)
    files["models.py"] = env.get_template("models.py.jinja").render(
        sources=model_sources,
        models=list(spec.models.values()),
        enums=list(spec.enums.values()),
        groups=sorted(groups.items()),
    )
    for module, group in groups.items():
        files[f"{module}.py"] = env.get_template("models_group.py.jinja").render(
            sources=[f"spec/{group[0].source}"],
            source=f"``spec/{group[0].source}``",
            t=namer,
            models=group,
        )
    files["operations.py"] = env.get_template("operations.py.jinja").render(
        sources=all_sources, operations=spec.operations
    )
    files["errors.py"] = env.get_template("errors.py.jinja").render(
        sources=sorted({"spec/errors.yaml"} & set(all_sources)) or all_sources,
        errors=spec.errors,
        families=spec.families,
    )
    files["emulator.py"] = env.get_template("emulator.py.jinja").render(
        sources=all_sources, **records.tables(spec.models, spec.roots, spec.operations)
    )
    auth_apis = [a for a in spec.apis.values() if a.client == "authentication" and not a.attribute]
    auth_ops = [op for a in auth_apis for op in a.operations]
    files["authentication.py"] = env.get_template("api.py.jinja").render(
        sources=sorted({f"spec/{s}" for a in auth_apis for s in a.sources}),
        classes=[
            (
                "AuthenticationApis",
                "Authentication operations that need no user token.",
                [o for o in auth_ops if o.api_class == "AuthenticationApis"],
            ),
            (
                "UserApis",
                "Operations that act as one signed-in user, with that user's token.",
                [o for o in auth_ops if o.api_class == "UserApis"],
            ),
        ],
    )
    mgmt_apis = [a for a in spec.apis.values() if a.client == "management"]
    auth_groups = [a for a in spec.apis.values() if a.client == "authentication" and a.attribute]
    for api in mgmt_apis + auth_groups:
        files[f"{api.module}.py"] = env.get_template("api.py.jinja").render(
            sources=[f"spec/{s}" for s in _sources_for_api(api)],
            classes=[(api.name, api.doc, api.operations)],
            base=api.base,
        )
    files["clients.py"] = env.get_template("clients.py.jinja").render(
        sources=sorted({f"spec/{s}" for a in mgmt_apis + auth_groups for s in a.sources}),
        apis=mgmt_apis,
        auth_groups=auth_groups,
    )
    header = "\n".join(f"# {line}" for line in _header_lines(all_sources))
    files["schema.graphql"] = header + "\n\n" + build_sdl(spec)
    manifest = {
        "generated": "by codegen from spec/ -- do not edit; regenerate with `nox -s generate`",
        "generator_version": GENERATOR_VERSION,
        "inputs": _hash_inputs(spec_dir),
        "operations": len(spec.operations),
        "models": len(spec.models),
        "enums": len(spec.enums),
    }
    files["manifest.json"] = (
        json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    )
    return files


def _model_groups(spec: Spec) -> dict[str, list[ModelDef]]:
    """Generated module (``_models_<spec file>``, ``models/`` left out) -> the models that spec
    file declares, in declaration order: ``models.py`` loads one when one of them is touched."""
    groups: dict[str, list[ModelDef]] = {}
    for model in spec.models.values():
        stem = model.source.removeprefix("models/").removesuffix(".yaml")
        stem = stem.replace("/", "_").replace("-", "_")
        groups.setdefault(f"_models_{stem}", []).append(model)
    return groups


def _header_lines(sources: list[str]) -> list[str]:
    return [
        "Generated by aioauthing's codegen from the files below -- DO NOT EDIT.",
        "Change spec/ (or codegen/templates/) and run `nox -s generate` instead.",
        *(f"  {s}" for s in sources),
    ]


def pinned_ruff(pyproject: Path) -> str | None:
    """The ruff version pinned in the ``codegen`` dependency group (``ruff==X.Y.Z``)."""
    if not pyproject.exists():
        return None
    groups = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("dependency-groups", {})
    for dep in groups.get("codegen", []):
        if isinstance(dep, str) and dep.replace(" ", "").startswith("ruff=="):
            return dep.split("==", 1)[1].strip()
    return None


def _check_ruff(base: list[str], pyproject: Path) -> None:
    """Refuse to format with another ruff than the pinned one (it would change the output)."""
    wanted = pinned_ruff(pyproject)
    if wanted is None:
        return
    found = subprocess.run([*base, "--version"], capture_output=True, text=True, check=True)
    version = found.stdout.split()[-1] if found.stdout.split() else "?"
    if version != wanted:
        raise SystemExit(
            f"codegen formats generated code with ruff=={wanted} (pyproject.toml, dependency-group"
            f" codegen), but this environment has ruff {version}: pip install ruff=={wanted}"
        )


def write(files: dict[str, str], out_dir: Path, pyproject: Path) -> list[Path]:
    """Write the files, remove stale generated files, format the Python ones with ruff."""
    base = [sys.executable, "-m", "ruff"]
    _check_ruff(base, pyproject)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in sorted(files.items()):
        path = out_dir / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    for stale in sorted(out_dir.iterdir()):
        if stale.is_file() and stale.name not in files:
            stale.unlink()
    py_files = [str(p) for p in written if p.suffix == ".py"]
    config = ["--config", str(pyproject)] if pyproject.exists() else []
    # Only the formatter runs: its output does not depend on where the files are written,
    # so generating into a scratch directory (codegen_check) gives byte-identical files.
    subprocess.run([*base, "format", "--quiet", *config, *py_files], check=True)
    return written
