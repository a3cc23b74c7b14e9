"""Reading an import file: columns, conversions, the ignored id column, duplicates, streaming."""

from __future__ import annotations

from pathlib import Path

import pytest

from aioauthing.cli import rows as rows_module
from aioauthing.cli.importer import _Watermark
from aioauthing.cli.rows import Row, SeenIdentities, check_file, parse_rows, validate_file


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_columns_map_to_fields_and_custom_data(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "u.csv",
        "id,username,external_id,emailVerified,loginsCount,registerSource,custom.dept\n"
        "old-id-1,ann,e-1,TRUE,3,import;csv,eng\n",
    )
    [row] = list(parse_rows(path))
    assert row.errors == []
    assert row.fields == {
        "username": "ann",
        "external_id": "e-1",
        "email_verified": True,
        "logins_count": 3,
        "register_source": ["import", "csv"],
    }
    assert row.custom == {"dept": "eng"}  # and the export's id column is ignored


def test_jsonl_conversion_errors_name_the_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "u.jsonl",
        '{"username": "a", "blocked": "maybe"}\n'
        '{"username": "b", "loginsCount": "x"}\n'
        '{"username": "c", "nickname": {"a": 1}}\n'
        '{"custom.": 1, "username": "d"}\n'
        '{"nickname": "no identity"}\n'
        "[1, 2]\n",
    )
    count, problems = validate_file(path)
    assert count == 6
    assert [str(p) for p in problems] == [
        "line 1: blocked: 'maybe' is not a boolean",
        "line 2: logins_count: 'x' is not an integer",
        "line 3: nickname: expected text, got dict",
        "line 4: column 'custom.': empty custom data key",
        "line 5: no username, email, phone or externalId",
        "line 6: a JSON object per line is expected",
    ]


def test_duplicates_compare_emails_case_insensitively(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "u.jsonl",
        '{"email": "Ann@Example.com"}\n\n{"email": "ann@example.com", "phone": "+8613800000000"}\n'
        '{"phone": "+8613800000000"}\n',
    )
    _, problems = validate_file(path)
    assert [str(p) for p in problems] == [
        "line 3: duplicate row: email 'ann@example.com' already on line 1",
        "line 4: duplicate row: phone '+8613800000000' already on line 3",
    ]


def test_check_file_streams_problems_and_csv_cells_beyond_the_header(tmp_path: Path) -> None:
    path = _write(tmp_path, "u.csv", "username\na\nb,extra\n")
    seen: list[str] = []
    assert check_file(path, lambda p: seen.append(str(p))) == (2, 1)
    assert seen == ["line 3: more cells than header columns"]


def test_seen_identities_remember_the_first_line() -> None:
    seen = SeenIdentities()
    try:
        assert seen.first_line("email\0a@b.c", 4) is None
        assert seen.first_line("username\0a@b.c", 5) is None
        assert seen.first_line("email\0a@b.c", 9) == 4
        assert seen.first_line("email\0a@b.c", 12) == 4
    finally:
        seen.close()


def test_a_mapping_renames_or_drops_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, "u.csv", "Login,E-mail,Team,Notes\nann,ann@example.com,eng,hi\n")
    count, problems = validate_file(path)
    assert count == 0  # an unusable header: no row is checked
    assert [str(p) for p in problems] == [
        f"line 1: unknown column {name!r} in the header"
        for name in ("Login", "E-mail", "Team", "Notes")
    ]
    mapping = {"Login": "username", "E-mail": "email", "Team": "custom.team", "Notes": ""}
    assert validate_file(path, mapping=mapping) == (1, [])
    [row] = list(parse_rows(path, mapping=mapping))
    assert row.fields == {"username": "ann", "email": "ann@example.com"}
    assert row.custom == {"team": "eng"}


def test_the_checkpoint_watermark_only_counts_leading_rows_all_done() -> None:
    mark = _Watermark(10)
    for index in (12, 11, 14):
        mark.done(index)
    assert mark.next == 10  # row 10 still in flight
    mark.done(10)
    assert mark.next == 13
    mark.done(13)
    assert mark.next == 15


def test_check_file_keeps_the_parsed_rows_up_to_its_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "u.csv", "username,nickname\na,A\nb,B\nc,C\n")
    kept: list[Row] = []
    assert check_file(path, lambda p: None, keep=kept) == (3, 0)
    assert kept == list(parse_rows(path))
    assert [row.fields["username"] for row in kept] == ["a", "b", "c"]
    monkeypatch.setattr(rows_module, "KEEP_ROWS", 2)
    capped: list[Row] = []
    assert check_file(path, lambda p: None, keep=capped) == (3, 0)
    assert [row.fields["username"] for row in capped] == ["a", "b"]  # fewer than checked
