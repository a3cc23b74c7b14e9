"""``docs/coverage.md``: every documented method of the official sources and its SDK call.

Documentation pages: every name the spec's ``docs:`` give for that SDK. Official clients' source
files: the names of their list in ``tests/coverage/``, in its order. Each name's call comes from
the spec's ``docs:`` names (operations and ``local`` entries), so the table cannot drift from it.
"""

from __future__ import annotations

from pathlib import Path

from codegen.ir import OperationDef, Spec

PAGES = (
    # documentation pages: every name of the SDK key in the spec
    ("auth", "go", "Go 认证核心模块 (authentication core)"),
    ("auth", "android", "Android 核心认证 API (core auth API)"),
    ("management", "go", "Go 管理用户 (management: users)"),
)
PAGE_LISTS = {
    # a documentation page's own list in tests/coverage/ (the page's methods only)
    "Go 认证核心模块 (authentication core)": "auth_go.txt",
    "Android 核心认证 API (core auth API)": "auth_android.txt",
    "Go 管理用户 (management: users)": "users_go.txt",
}
MISSING = [("", "**missing**", "")]
SOURCES = (
    # official clients' source files: the names of a list in tests/coverage/, in its order
    (
        "auth_go_client.txt",
        "auth",
        "go",
        "Go `AuthenticationClient`: every exported method of `lib/authentication/authentication_client.go`",
    ),
    (
        "mfa_go.txt",
        "auth",
        "go",
        "Go 多因素认证模块: every exported method of `lib/authentication/mfa_client.go`",
    ),
)


def sdk_call(op: OperationDef, attribute: str | None, client: str = "management") -> str:
    if attribute and client != "authentication":
        return f"mgmt.{attribute}.{op.name}(...)"
    if attribute:
        # A group call given no token of its own sends the view's: the signed-in user's.
        given = any(p.location == "bearer" for p in op.params)
        view = "auth.as_user(token)" if op.auth == "user" and not given else "auth"
        return f"{view}.{attribute}.{op.name}(...)"
    if op.api_class == "UserApis":
        return f"auth.as_user(token).{op.name}(...)"
    return f"auth.{op.name}(...)"


def _wire(op: OperationDef) -> str:
    if op.graphql is not None:
        return f"GraphQL `{op.graphql.op_type} {op.graphql.op_name}`"
    assert op.rest is not None
    return f"REST `{op.rest.method} {op.rest.path}`"


def _rows(spec: Spec, client: str, sdk: str) -> dict[str, list[tuple[str, str, str]]]:
    """Documented name -> [(title, call, wire)] for one client and SDK."""
    rows: dict[str, list[tuple[str, str, str]]] = {}
    for api in spec.apis.values():
        if (api.client == "authentication") != (client == "auth"):
            continue
        for op in api.operations:
            for name in op.docs.get(sdk, []):
                call = sdk_call(op, api.attribute, api.client)
                rows.setdefault(name, []).append((op.title, call, _wire(op)))
    if client == "auth":
        for local in (entry for entry in spec.local if entry.client == "authentication"):
            for name in local.docs.get(sdk, []):
                wire = local.wire or "local (no request)"
                rows.setdefault(name, []).append((local.title, local.call, wire))
    return rows


def _listed(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _table(lines: list[str], heading: str, rows: list[tuple[str, str, str, str]]) -> None:
    lines += ["", f"## {heading}", "", f"{len(rows)} documented methods.", ""]
    lines += ["| Documented name | Title | aioauthing call | Wire |", "|---|---|---|---|"]
    for name, title, call, wire in rows:
        lines.append(f"| `{name}` | {title} | `{call}` | {wire} |")


def _module_lines(path: Path) -> tuple[str, list[tuple[str, str, str]]]:
    """A module list: its heading (first ``#`` line) and ``(sdk, name, reason)`` per method.

    A bare name is a Go method; ``python:NAME`` and ``js:NAME`` name the other clients' methods.
    ``NAME -- reason`` is a method deliberately not provided, with the reason shown in the table.
    """
    heading = path.stem
    entries: list[tuple[str, str, str]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            heading = heading if entries else line.lstrip("# ")
            continue
        line, _, reason = (part.strip() for part in line.partition(" -- "))
        sdk, _, name = line.rpartition(":")
        entries.append((sdk or "go", name, reason))
    return heading, entries


def _module_table(lines: list[str], spec: Spec, path: Path) -> None:
    heading, entries = _module_lines(path)
    ops: dict[int, tuple[OperationDef, str]] = {}
    index: dict[tuple[str, str], int] = {}
    for api in spec.apis.values():
        if api.client != "management":
            continue
        for op in api.operations:
            for sdk, names in op.docs.items():
                for name in names:
                    index.setdefault((sdk, name), id(op))
            ops[id(op)] = (op, sdk_call(op, api.attribute, api.client))
    locals_ = {
        (sdk, name): entry
        for entry in spec.local
        if entry.client == "management"
        for sdk, names in entry.docs.items()
        for name in names
    }
    listed = {(sdk, name) for sdk, name, _ in entries}
    rows: list[str] = []
    done: set[int] = set()
    shown: set[str] = set()
    for sdk, name, reason in entries:
        key = index.get((sdk, name))
        local = locals_.get((sdk, name))
        if key is None and local is not None and not reason:
            if local.name not in shown:
                shown.add(local.name)
                cells = {
                    sdk_: ", ".join(
                        f"`{n}`" for n in local.docs.get(sdk_, []) if (sdk_, n) in listed
                    )
                    for sdk_ in ("go", "python", "js")
                }
                wire = local.wire or "local (no request)"
                rows.append(
                    f"| {cells['go']} | {cells['python']} | {cells['js']} | `{local.call}` | {wire} |"
                )
            continue
        if key is None or reason:
            cells = {"go": "", "python": "", "js": ""}
            cells[sdk] = f"`{name}`"
            call = f"not provided: {reason}" if reason else "**missing**"
            rows.append(f"| {cells['go']} | {cells['python']} | {cells['js']} | {call} | |")
            continue
        if key in done:
            continue
        done.add(key)
        op, call = ops[key]
        cells = {
            sdk_: ", ".join(f"`{n}`" for n in op.docs.get(sdk_, []) if (sdk_, n) in listed)
            for sdk_ in ("go", "python", "js")
        }
        rows.append(
            f"| {cells['go']} | {cells['python']} | {cells['js']} | `{call}` | {_wire(op)} |"
        )
    lines += ["", f"## {heading}", "", f"{len(entries)} official methods, {len(rows)} rows.", ""]
    lines += ["| Go | Python | JS | aioauthing call | Wire |", "|---|---|---|---|---|"]
    lines += rows


def render_coverage(spec: Spec, lists: Path | None = None) -> str:
    lines = [
        "<!-- Generated by codegen from spec/ (each operation's `docs:` names) and the lists in",
        "     tests/coverage/ -- DO NOT EDIT. -->",
        "# Documentation coverage",
        "",
        "Every method documented on the Authing pages the SDK implements, every exported",
        "method of the official Go authentication and MFA clients, and every method of the",
        "official management clients (Go, Python `authing==4.5.18`, JS `authing-js-sdk` 4.x), one",
        "section per official module, with the aioauthing call that does it. `auth` is an",
        "`AuthenticationClient`, `auth.as_user(token)` its per-user view, `mgmt` a",
        "`ManagementClient`.",
    ]
    for client, sdk, heading in PAGES:
        known = _rows(spec, client, sdk)
        page = lists / PAGE_LISTS[heading] if lists is not None else None
        if page is not None and page.exists():
            # a documentation page lists only its own methods, in the page's order
            rows = [(n, *row) for n in _listed(page) for row in known.get(n) or MISSING]
        else:
            rows = [(name, *row) for name, entries in known.items() for row in entries]
        _table(lines, heading, rows)
    for file, client, sdk, heading in SOURCES:
        if lists is None or not (lists / file).exists():
            continue
        known = _rows(spec, client, sdk)
        rows = [(n, *row) for n in _listed(lists / file) for row in known.get(n) or MISSING]
        _table(lines, heading, rows)
    if lists is not None and (lists / "management").is_dir():
        for path in sorted((lists / "management").glob("*.txt")):
            _module_table(lines, spec, path)
    return "\n".join(lines) + "\n"
