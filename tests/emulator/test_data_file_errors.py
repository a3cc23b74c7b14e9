"""A ``--data`` file that cannot be used stops the emulator with one line, never a traceback."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from aioauthing.cli import main
from aioauthing.emulator.config import EmulatorConfig
from aioauthing.emulator.persistence import DataFileError, _explain
from aioauthing.emulator.state import EmulatorState


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "state.db"
    state = EmulatorState(EmulatorConfig(data_path=path))
    assert state.backend is not None
    state.backend.close()
    return path


def _start(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["emulator", "--port", "0", "--data", str(path)])
    return result.exit_code, result.output


def _one_line(output: str, path: Path, *words: str) -> None:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert "Traceback" not in output
    assert lines[0].startswith(f"Error: {path}: ")
    for word in words:
        assert word in lines[0]
    assert "--data" in lines[0]


def test_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a database\n" * 100)
    code, output = _start(path)
    assert code == 1
    _one_line(output, path, "not an emulator data file")


def test_a_truncated_file(good_file: Path) -> None:
    raw = good_file.read_bytes()
    good_file.write_bytes(raw[: len(raw) // 3])
    code, output = _start(good_file)
    assert code == 1
    _one_line(output, good_file, "damaged")


def test_a_row_that_is_not_json(good_file: Path) -> None:
    with sqlite3.connect(good_file) as db:
        db.execute("UPDATE records SET body = '{broken' WHERE kind = 'pool'")
    code, output = _start(good_file)
    assert code == 1
    _one_line(output, good_file, "pool record", "cannot be read")


def test_a_row_of_the_wrong_shape(good_file: Path) -> None:
    with sqlite3.connect(good_file) as db:
        db.execute("""UPDATE records SET body = '{"unexpected": 1}' WHERE kind = 'pool'""")
    code, output = _start(good_file)
    assert code == 1
    _one_line(output, good_file, "do not describe an emulator state")


def test_a_read_only_database_is_explained(good_file: Path) -> None:
    """The real error SQLite raises on a read-only file, as the backend explains it."""
    db = sqlite3.connect(f"file:{good_file}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as info:
        db.execute("DELETE FROM records")
    db.close()
    error = _explain(good_file, info.value)
    assert isinstance(error, DataFileError)
    assert str(error).startswith(f"{good_file}: cannot be written (read-only); make it writable")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_a_read_only_file(good_file: Path) -> None:
    good_file.chmod(0o444)
    good_file.parent.chmod(0o555)
    try:
        code, output = _start(good_file)
    finally:
        good_file.parent.chmod(0o755)
    assert code == 1
    _one_line(output, good_file, "read-only")
