"""Authentication API groups (``attribute`` on an authentication file: ``auth.mfa``), calls given
their own bearer token (``in: bearer``) and hand-written bases (``base``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from codegen.__main__ import generate
from codegen.errors import SpecErrors
from codegen.loader import load_spec

GROUP = """\
api:
  client: authentication
  class: VetApi
  attribute: vet
  base: aioauthing.runtime.qrcode:QrCodePolling
  doc: The vet.
operations:
  visit:
    title: 看兽医
    docs: {go: VisitVet}
    summary: Visit with a vet pass.
    auth: user
    idempotent: false
    rest: {method: POST, path: /api/v2/vet/visit}
    params:
      pet_id: {in: body, wire: petId, type: String!, doc: The pet.}
      vet_token: {in: bearer, type: String!, secret: true, validate: non_empty, doc: The pass.}
    returns: Pet!
  history:
    title: 看病记录
    docs: {go: VetHistory}
    summary: The signed-in user's visits.
    auth: user
    idempotent: true
    rest: {method: GET, path: /api/v2/vet/history}
    params:
      vet_token: {in: bearer, type: String, secret: true, doc: "A pass (default: the view's token)."}
    returns: Pet!
"""


def test_group_module_bearer_and_base(spec_dir: Path, tmp_path: Path) -> None:
    (spec_dir / "vet.yaml").write_text(GROUP, encoding="utf-8")
    out = tmp_path / "generated"
    generate(spec_dir, out, tmp_path / "coverage.md")
    code = (out / "vet.py").read_text(encoding="utf-8")
    assert "from aioauthing.runtime.qrcode import QrCodePolling" in code
    assert "class VetApi(QrCodePolling):" in code
    assert "bearer=vet_token," in code  # required: always its own token
    assert "bearer=None if vet_token is UNSET else vet_token," in code  # else the view's
    clients = (out / "clients.py").read_text(encoding="utf-8")
    assert "def vet(self) -> VetApi:" in clients
    assert "return VetApi(self._core, self._token)" in clients
    coverage = (tmp_path / "coverage.md").read_text(encoding="utf-8")
    assert "| `VisitVet` | 看兽医 | `auth.vet.visit(...)` |" in coverage


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "    auth: user\n    idempotent: false",
            "    auth: none\n    idempotent: false",
            "in: bearer",
        ),
        ("base: aioauthing.runtime.qrcode:QrCodePolling", "base: QrCodePolling", "base"),
    ],
)
def test_bad_group_specs_are_named(spec_dir: Path, old: str, new: str, problem: str) -> None:
    assert old in GROUP
    (spec_dir / "vet.yaml").write_text(GROUP.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_dir)
    found = [str(e) for e in info.value.errors]
    assert any(p.startswith("vet.yaml:") and problem in p for p in found), found
