"""``python -m codegen [generate|check|documents|sdl]``: see ``spec/README.md``."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import tempfile
from pathlib import Path

from codegen.coverage import render_coverage
from codegen.errors import SpecErrors
from codegen.graphql import attach_documents, build_sdl, documents
from codegen.loader import load_spec
from codegen.render import render, write

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT / "spec"
OUT_DIR = ROOT / "src" / "aioauthing" / "generated"
PYPROJECT = ROOT / "pyproject.toml"
COVERAGE = ROOT / "docs" / "coverage.md"


def generate(spec_dir: Path, out_dir: Path, coverage: Path | None = COVERAGE) -> list[Path]:
    spec = load_spec(spec_dir)
    written = write(render(spec, spec_dir), out_dir, PYPROJECT)
    if coverage is not None:
        coverage.parent.mkdir(parents=True, exist_ok=True)
        lists = spec_dir.parent / "tests" / "coverage"
        coverage.write_text(render_coverage(spec, lists), encoding="utf-8")
        written.append(coverage)
    return written


def check(spec_dir: Path, out_dir: Path) -> list[str]:
    """Regenerate into a scratch directory; return the committed files that differ."""
    with tempfile.TemporaryDirectory(prefix="aioauthing-codegen-") as tmp:
        scratch = Path(tmp) / "generated"
        generate(spec_dir, scratch, Path(tmp) / "coverage.md")
        fresh = {p.name: p.read_text(encoding="utf-8") for p in scratch.iterdir() if p.is_file()}
        fresh[COVERAGE.name] = (Path(tmp) / "coverage.md").read_text(encoding="utf-8")
    committed = (
        {p.name: p.read_text(encoding="utf-8") for p in out_dir.iterdir() if p.is_file()}
        if out_dir.exists()
        else {}
    )
    if COVERAGE.exists():
        committed[COVERAGE.name] = COVERAGE.read_text(encoding="utf-8")
    stale = []
    for name in sorted(set(fresh) | set(committed)):
        if fresh.get(name) != committed.get(name):
            stale.append(name)
            diff = difflib.unified_diff(
                committed.get(name, "").splitlines(),
                fresh.get(name, "").splitlines(),
                f"committed/{name}",
                f"fresh/{name}",
                lineterm="",
                n=1,
            )
            print("\n".join(list(diff)[:40]), file=sys.stderr)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument(
        "command", nargs="?", default="generate", choices=["generate", "check", "documents", "sdl"]
    )
    parser.add_argument(
        "--spec", type=Path, default=SPEC_DIR, help="spec directory (default: spec/)"
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output package directory")
    args = parser.parse_args(argv)
    try:
        if args.command == "generate":
            written = generate(args.spec, args.out)
            print(f"generated {len(written)} files into {args.out}")
        elif args.command == "check":
            stale = check(args.spec, args.out)
            if stale:
                print("generated code is stale; run `nox -s generate` and commit:", file=sys.stderr)
                for name in stale:
                    print(f"  {args.out / name}", file=sys.stderr)
                return 1
            print("generated code is up to date")
        else:
            spec = load_spec(args.spec)
            attach_documents(spec)
            if args.command == "documents":
                print(json.dumps(documents(spec), indent=2, ensure_ascii=False, sort_keys=True))
            else:
                print(build_sdl(spec), end="")
    except SpecErrors as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
