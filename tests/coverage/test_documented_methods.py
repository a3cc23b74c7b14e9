"""Every method documented on the three Authing pages has an SDK call.

The lists beside this file are copied by hand from the documentation pages (one name per line,
as written there); the SDK side is read from the spec's ``docs:`` names, which also generate
``docs/coverage.md``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from codegen.loader import load_spec

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
PAGES = {
    # list file: (client kind, SDK key in `docs:`, number of methods on the page)
    "auth_go.txt": ("authentication", "go", 43),
    "auth_android.txt": ("authentication", "android", 34),
    "users_go.txt": ("management", "go", 34),
    # every exported method of the official Go clients' source files
    "auth_go_client.txt": ("authentication", "go", 69),
    "mfa_go.txt": ("authentication", "go", 11),
}


def documented(file: str) -> list[str]:
    path = HERE / file
    if not path.exists():
        pytest.fail(f"{file} is missing: list the page's documented methods there")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def sdk_names() -> dict[tuple[str, str], set[str]]:
    spec = load_spec(ROOT / "spec")
    names: dict[tuple[str, str], set[str]] = {}
    for api in spec.apis.values():
        for op in api.operations:
            for sdk, docs in op.docs.items():
                names.setdefault((api.client, sdk), set()).update(docs)
    for local in spec.local:
        for sdk, docs in local.docs.items():
            names.setdefault((local.client, sdk), set()).update(docs)
    return names


@pytest.mark.parametrize("file", sorted(PAGES))
def test_every_documented_method_has_an_sdk_call(
    file: str, sdk_names: dict[tuple[str, str], set[str]]
) -> None:
    client, sdk, count = PAGES[file]
    names = documented(file)
    assert len(names) == count, f"{file} should list the page's {count} methods, has {len(names)}"
    assert len(set(names)) == len(names), "a documented name is listed twice"
    missing = [n for n in names if n not in sdk_names.get((client, sdk), set())]
    assert missing == [], f"documented but not reachable from the SDK: {missing}"


@pytest.mark.parametrize("file", sorted(PAGES))
def test_coverage_page_lists_every_documented_method(file: str) -> None:
    coverage = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    missing = [n for n in documented(file) if f"| `{n}` |" not in coverage]
    assert missing == []


MODULES = sorted((HERE / "management").glob("*.txt"))


def module_entries(path: Path) -> list[tuple[str, str, str]]:
    entries = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line, _, reason = (part.strip() for part in line.partition(" -- "))
        sdk, _, name = line.rpartition(":")
        entries.append((sdk or "go", name, reason))
    return entries


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_every_official_management_method_has_an_sdk_call(
    path: Path, sdk_names: dict[tuple[str, str], set[str]]
) -> None:
    """tests/coverage/management/<module>.txt: every method of that official module's clients.

    A bare line is a Go method, ``python:``/``js:`` lines the other clients' methods; a method
    deliberately not provided says why after `` -- ``.
    """
    entries = module_entries(path)
    assert len({(sdk, name) for sdk, name, _ in entries}) == len(entries), (
        "a method is listed twice"
    )
    missing = [
        f"{sdk}:{name}"
        for sdk, name, reason in entries
        if not reason and name not in sdk_names.get(("management", sdk), set())
    ]
    assert missing == [], f"official methods without an SDK call: {missing}"


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_coverage_page_has_a_row_for_every_official_management_method(path: Path) -> None:
    coverage = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    missing = [name for _, name, _ in module_entries(path) if f"`{name}`" not in coverage]
    assert missing == []
