from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURE_SPEC = Path(__file__).parent / "fixture_spec"


@pytest.fixture
def spec_dir(tmp_path: Path) -> Path:
    """A private copy of the fixture spec that a test may edit."""
    target = tmp_path / "spec"
    shutil.copytree(FIXTURE_SPEC, target)
    return target


@pytest.fixture
def edit(spec_dir: Path) -> Callable[[str, str, str], None]:
    """Replace text in one fixture spec file (the old text must be present)."""

    def replace(file: str, old: str, new: str) -> None:
        path = spec_dir / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return replace
