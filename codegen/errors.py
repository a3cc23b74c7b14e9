"""The one exception the generator raises for a bad spec."""

from __future__ import annotations


class SpecError(Exception):
    """A problem in ``spec/``, located by file and key path."""

    def __init__(self, file: str, path: str, problem: str) -> None:
        self.file = file
        self.path = path
        self.problem = problem
        where = f"{file}: {path}" if path else file
        super().__init__(f"{where}: {problem}")


class SpecErrors(Exception):
    """Several :class:`SpecError` found in one pass (reported together)."""

    def __init__(self, errors: list[SpecError]) -> None:
        self.errors = errors
        lines = "\n".join(f"  - {e}" for e in errors)
        super().__init__(f"{len(errors)} problem(s) in the spec:\n{lines}")
