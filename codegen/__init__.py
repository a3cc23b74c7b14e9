"""aioauthing's code generator: ``spec/*.yaml`` -> ``src/aioauthing/generated/``.

Run ``python -m codegen`` (or ``nox -s generate``). The pipeline is
:mod:`codegen.loader` (YAML -> validated IR, errors name file and key path) ->
:mod:`codegen.graphql` (SDL, documents, validation with graphql-core) ->
:mod:`codegen.render` (Jinja templates -> ruff-formatted, deterministic Python).
"""

from codegen.errors import SpecError

__all__ = ["SpecError"]
