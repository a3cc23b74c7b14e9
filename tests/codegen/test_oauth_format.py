"""The spec keys of the OAuth endpoints: ``rest.body: form``, ``auth: client`` with
``rest.client_auth``, parameters defaulting to a client option, and secret model fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from codegen.__main__ import generate
from codegen.errors import SpecErrors
from codegen.loader import load_spec

TOKEN_SPEC = """\
api:
  client: authentication
  class: AuthenticationApis
  doc: Sign in.
models:
  Tokens:
    doc: Tokens.
    graphql: false
    fields:
      access_token: {type: String!, secret: true, doc: The token.}
      scope: "String | Scopes."
operations:
  exchange:
    title: 换取
    summary: Exchange a code.
    auth: client
    idempotent: false
    rest: {method: POST, path: "/{protocol}/token", response: json, body: form, client_auth: token}
    params:
      code: {in: body, type: String!, secret: true, doc: The code.}
      redirect_uri: {in: body, type: String, client: redirect_uri, doc: Redirect.}
      protocol: {in: path, type: String, client: protocol, doc: Protocol.}
      grant_type: {in: body, type: String!, value: authorization_code}
    returns: Tokens!
"""


def write(spec_dir: Path, text: str) -> None:
    (spec_dir / "oauth.yaml").write_text(text, encoding="utf-8")


def problems(spec_dir: Path) -> list[str]:
    with pytest.raises(SpecErrors) as info:
        load_spec(spec_dir)
    return [str(e) for e in info.value.errors]


def test_client_auth_operation_renders_its_descriptor_and_method(
    spec_dir: Path, tmp_path: Path
) -> None:
    write(spec_dir, TOKEN_SPEC)
    out = tmp_path / "generated"
    generate(spec_dir, out, tmp_path / "coverage.md")
    operations = (out / "operations.py").read_text(encoding="utf-8")
    assert "auth=AuthKind.CLIENT," in operations
    assert "body=BodyFormat.FORM," in operations
    assert "client_auth=ClientAuthEndpoint.TOKEN," in operations
    assert 'ClientValue("body", "redirect_uri", "redirect_uri"),' in operations
    assert 'ClientValue("path", "protocol", "protocol"),' in operations
    assert 'secret_fields=("code",),' in operations
    api = (out / "authentication.py").read_text(encoding="utf-8")
    # Client-option parameters are keyword-only and omitted unless given.
    assert "redirect_uri: str | Unset = UNSET," in api
    assert 'if protocol is not UNSET:\n            path_params["protocol"] = protocol' in api
    models = "".join(p.read_text(encoding="utf-8") for p in sorted(out.glob("_models_*.py")))
    assert 'access_token: str = attrs.field(repr=False, metadata={"wire": "access_token"})' in (
        models
    )


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            ", client_auth: token}",
            "}",
            "oauth.yaml: operations.exchange.auth: auth: client needs rest.client_auth",
        ),
        (
            "body: form, ",
            "",
            "oauth.yaml: operations.exchange.auth: auth: client needs rest.client_auth",
        ),
        (
            "client_auth: token}",
            "client_auth: userinfo}",
            "oauth.yaml: operations.exchange.rest.client_auth: must be one of token, introspection, revocation",
        ),
        (
            "auth: client",
            "auth: none",
            "oauth.yaml: operations.exchange.rest.client_auth: only operations with auth: client",
        ),
        (
            "method: POST",
            "method: GET",
            "oauth.yaml: operations.exchange.rest.body: a GET request carries no body",
        ),
        (
            "client: protocol,",
            "client: host,",
            "oauth.yaml: operations.exchange.params.protocol.client: must be one of app_id, protocol, redirect_uri",
        ),
        (
            "client: redirect_uri,",
            "client: redirect_uri, default: x,",
            "oauth.yaml: operations.exchange.params.redirect_uri: a parameter defaulting to a client option",
        ),
    ],
)
def test_misuse_is_reported_with_its_key_path(
    spec_dir: Path, old: str, new: str, problem: str
) -> None:
    assert old in TOKEN_SPEC
    write(spec_dir, TOKEN_SPEC.replace(old, new, 1))
    found = problems(spec_dir)
    assert any(p.startswith(problem) for p in found), found
