"""Load ``spec/**/*.yaml`` into the IR, rejecting anything unknown, dangling or inconsistent.

Every problem is reported as a :class:`~codegen.errors.SpecError` naming the file and the key
path (``operations.login_by_email.params.email.wire``), so a maintainer can fix the spec without
reading this module. All problems of one pass are collected and raised together.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from codegen import records
from codegen.errors import SpecError, SpecErrors
from codegen.ir import (
    ApiDef,
    EnumDef,
    ErrorDef,
    FieldDef,
    LocalDef,
    ModelDef,
    Spec,
)
from codegen.spec_base import (
    _IDENT,
    _PY_NAME,
    API_KEYS,
    DOC_SDKS,
    ENUM_KEYS,
    FILE_KEYS,
    LOCAL_KEYS,
    MODEL_KEYS,
    ROOTS,
    _Walker,
    snake_case,
    upper_snake,
)
from codegen.spec_models import ModelsMixin
from codegen.spec_operations import OperationsMixin
from codegen.spec_params import ParamsMixin
from codegen.spec_wire import WireMixin

__all__ = ["Loader", "load_spec", "snake_case", "upper_snake"]


class Loader(ModelsMixin, OperationsMixin, ParamsMixin, WireMixin):
    """Reads a spec directory. Use :func:`load_spec`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors: list[SpecError] = []
        self.scalars: dict[str, str] = {}
        self.enums: dict[str, EnumDef] = {}
        self.models: dict[str, ModelDef] = {}
        self.roots: dict[str, dict[str, FieldDef]] = {r: {} for r in ROOTS}
        self.root_sources: dict[str, set[str]] = {r: set() for r in ROOTS}
        self.raw_ops: list[tuple[_Walker, str, dict[str, Any], ApiDef | None]] = []
        self.apis: dict[str, ApiDef] = {}
        self.errors_table: dict[int, ErrorDef] = {}
        self.error_names: set[str] = set()
        self.families: dict[str, str] = {}
        self.files: list[str] = []
        self.local: list[LocalDef] = []
        self.type_sources: dict[str, str] = {}

    def load(self) -> Spec:
        paths = sorted(p for p in self.root.rglob("*.yaml") if p.is_file())
        if not paths:
            raise SpecErrors([SpecError(str(self.root), "", "no *.yaml files found")])
        for path in paths:
            rel = path.relative_to(self.root).as_posix()
            self.files.append(rel)
            w = _Walker(rel, self.errors)
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                w.error(f"invalid YAML: {exc}")
                continue
            self._file(w, w.mapping(data, FILE_KEYS))
        self._check_types()
        operations = self._operations()
        records.check(_Walker, self.errors, self.models, self.roots, operations, self.error_names)
        if self.errors:
            raise SpecErrors(self.errors)
        return Spec(
            files=self.files,
            scalars=self.scalars,
            enums=self.enums,
            models=self.models,
            roots=self.roots,
            root_sources=self.root_sources,
            operations=operations,
            apis=self.apis,
            errors=self.errors_table,
            families=self.families,
            local=self.local,
        )

    def _file(self, w: _Walker, data: dict[str, Any]) -> None:
        api: ApiDef | None = None
        if "api" in data:
            with w.at("api"):
                api = self._api(w, w.mapping(data["api"], API_KEYS))
        with w.at("scalars"):
            for name, doc in w.mapping(data.get("scalars")).items():
                with w.at(name):
                    if self._declare(w, name):
                        self.scalars[name] = w.text(doc, "") if doc else ""
        with w.at("enums"):
            for name, raw in w.mapping(data.get("enums")).items():
                with w.at(name):
                    self._enum(w, name, w.mapping(raw, ENUM_KEYS))
        with w.at("models"):
            for name, raw in w.mapping(data.get("models")).items():
                with w.at(name):
                    self._model(w, name, w.mapping(raw, MODEL_KEYS))
        with w.at("families"):
            for name, doc in w.mapping(data.get("families")).items():
                if not _IDENT.match(name) or not name.endswith("Error"):
                    w.error("family names are exception class names ending in 'Error'", name)
                self.families[name] = w.text(doc, name)
        with w.at("errors"):
            self._errors(w, data.get("errors"))
        with w.at("local"):
            for name, raw in w.mapping(data.get("local")).items():
                with w.at(name):
                    entry = w.mapping(raw, LOCAL_KEYS)
                    docs = {
                        sdk: [n] if isinstance(n, str) else list(n)
                        for sdk, n in w.mapping(entry.get("docs"), DOC_SDKS).items()
                    }
                    self.local.append(
                        LocalDef(
                            name=name,
                            title=w.text(entry.get("title"), "title", required=True),
                            docs=docs,
                            call=w.text(entry.get("call"), "call", required=True),
                            summary=w.text(entry.get("summary"), "summary", required=True),
                            wire=w.text(entry.get("wire"), "wire"),
                            client=self._local_client(w, entry.get("client")),
                            source=w.file,
                        )
                    )
        with w.at("operations"):
            ops = w.mapping(data.get("operations"))
            if ops and api is None:
                w.error("a file with operations needs an 'api' section naming the class they join")
            for name, raw in ops.items():
                self.raw_ops.append((_Walker(w.file, self.errors), name, raw, api))

    @staticmethod
    def _local_client(w: _Walker, raw: object) -> str:
        client = "authentication" if raw is None else str(raw)
        if client not in ("authentication", "management"):
            w.error("client is 'authentication' or 'management'", client)
        return client

    def _api(self, w: _Walker, spec: dict[str, Any]) -> ApiDef | None:
        client = w.text(spec.get("client"), "client", required=True)
        if client not in ("authentication", "management"):
            w.error("must be 'authentication' or 'management'", "client")
            return None
        name = w.text(spec.get("class"), "class", required=True)
        attribute = w.text(spec.get("attribute"), "attribute") or None
        doc = w.text(spec.get("doc"), "doc")
        base = w.text(spec.get("base"), "base") or None
        if base is not None and not re.match(r"^[a-z_][a-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*$", base):
            w.error("write it as package.module:ClassName (a subclass of ApiBase)", "base")
            base = None
        if not name or not _IDENT.match(name):
            w.error("must be a Python class name", "class")
            return None
        if client == "management" and not attribute:
            w.error("management APIs need the client attribute they are reached by", "attribute")
        if attribute and not _PY_NAME.match(attribute):
            w.error("must be a lower-case Python name", "attribute")
        existing = self.apis.get(name)
        if existing is not None:
            if (existing.client, existing.attribute) != (client, attribute):
                w.error(f"class {name} is declared differently in {existing.sources[0]}", "class")
            existing.sources.append(w.file)
            existing.doc = existing.doc or doc
            return existing
        module = snake_case(name.removesuffix("Api").removesuffix("Apis"))
        api = ApiDef(name, client, attribute, doc, module, [w.file], base=base)  # type: ignore[arg-type]
        self.apis[name] = api
        return api


def load_spec(root: Path) -> Spec:
    """Load and validate every YAML file under ``root``; raise :class:`SpecErrors` on problems."""
    return Loader(root).load()
