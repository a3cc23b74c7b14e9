"""aioauthing's code generator: ``spec/*.yaml`` -> ``src/aioauthing/generated/``.

Run ``python -m codegen`` (or ``nox -s generate``). The pipeline is
:mod:`codegen.loader` (YAML -> validated IR, errors name file and key path; one module per spec
kind: :mod:`codegen.spec_models`, :mod:`codegen.spec_operations`, :mod:`codegen.spec_params`,
:mod:`codegen.spec_wire`, :mod:`codegen.records` for the emulator's keys) ->
:mod:`codegen.graphql` (SDL, documents, validation with graphql-core) ->
:mod:`codegen.render` (Jinja templates fed by the view-models of :mod:`codegen.views` ->
ruff-formatted, deterministic Python).
"""

from codegen.errors import SpecError

__all__ = ["SpecError"]
