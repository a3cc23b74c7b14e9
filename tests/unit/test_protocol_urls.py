"""URL builders, PKCE values and the wire form of OAuth client authentication."""

from __future__ import annotations

import base64
import hashlib
import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from aioauthing.runtime import errors, protocols
from aioauthing.runtime.clients import AuthenticationClient

HOST = "https://app.example.test"


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


# -- PKCE -------------------------------------------------------------------------------------


def test_s256_challenge_is_unpadded_base64url_of_sha256() -> None:
    # RFC 7636 appendix B's example.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert (
        protocols.generate_code_challenge_digest(verifier)
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )
    for length in (43, 64, 128):
        verifier = protocols.generate_code_challenge(length)
        assert len(verifier) == length
        expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        challenge = protocols.generate_code_challenge_digest(verifier, "S256")
        assert challenge == expected.decode().rstrip("=") and "=" not in challenge
        assert protocols.generate_code_challenge_digest(verifier, "plain") == verifier


def test_verifiers_are_random_and_checked() -> None:
    assert protocols.generate_code_challenge() != protocols.generate_code_challenge()
    for length in (42, 129):
        with pytest.raises(errors.AuthingValidationError) as info:
            protocols.generate_code_challenge(length)
        assert info.value.parameter == "length"
    with pytest.raises(errors.AuthingValidationError):
        protocols.generate_code_challenge_digest("too-short")
    with pytest.raises(errors.AuthingValidationError):
        protocols.generate_code_challenge_digest("a" * 43, "S512")  # type: ignore[arg-type]


# -- authorize URLs ------------------------------------------------------------------------------


def test_oidc_authorize_url_has_exactly_the_given_parameters() -> None:
    url = protocols.build_authorize_url(
        HOST + "/",
        "app-1",
        redirect_uri="https://rp.example/cb?x=1",
        scope="openid email offline_access",
        state="st",
        nonce="nc",
        response_mode="form_post",
        code_challenge="c" * 43,
        code_challenge_method="S256",
    )
    assert url.startswith(HOST + "/oidc/auth?")
    assert "scope=openid%20email%20offline_access" in url  # spaces as %20
    assert query(url) == {
        "client_id": ["app-1"],
        "redirect_uri": ["https://rp.example/cb?x=1"],
        "scope": ["openid email offline_access"],
        "response_type": ["code"],
        "response_mode": ["form_post"],
        "state": ["st"],
        "nonce": ["nc"],
        "prompt": ["consent"],
        "code_challenge": ["c" * 43],
        "code_challenge_method": ["S256"],
    }


def test_oidc_defaults_random_state_and_nonce() -> None:
    first = query(protocols.build_authorize_url(HOST, "app-1"))
    second = query(protocols.build_authorize_url(HOST, "app-1"))
    assert first["scope"] == ["openid profile email phone address"]
    assert first["response_type"] == ["code"]
    assert "prompt" not in first and "code_challenge" not in first and "redirect_uri" not in first
    assert len(first["state"][0]) == 10 and first["state"] != second["state"]
    assert first["nonce"] != second["nonce"]
    with pytest.raises(errors.AuthingValidationError) as info:
        protocols.build_authorize_url(HOST, "app-1", code_challenge_method="S256")
    assert info.value.parameter == "code_challenge"


def test_oauth_cas_and_saml_urls() -> None:
    oauth = protocols.build_authorize_url(
        HOST, "app-1", protocol="oauth", redirect_uri="https://rp/cb", state="s", nonce="ignored"
    )
    assert urlsplit(oauth).path == "/oauth/auth"
    assert query(oauth) == {
        "client_id": ["app-1"],
        "redirect_uri": ["https://rp/cb"],
        "scope": ["user"],
        "response_type": ["code"],
        "state": ["s"],
    }
    with pytest.raises(errors.AuthingValidationError):
        protocols.build_authorize_url(HOST, "app-1", protocol="oauth", response_type="id_token")
    cas = protocols.build_authorize_url(HOST, "app-1", protocol="cas", service="https://svc/?a=b")
    assert cas == HOST + "/cas-idp/app-1?service=https%3A%2F%2Fsvc%2F%3Fa%3Db"
    assert protocols.build_cas_login_url(HOST, "app-1") == HOST + "/cas-idp/app-1"
    assert protocols.build_authorize_url(HOST, "app-1", protocol="saml") == (
        HOST + "/api/v2/saml-idp/app-1"
    )


def test_logout_urls() -> None:
    assert protocols.build_logout_url(HOST) == HOST + "/login/profile/logout"
    assert protocols.build_logout_url(HOST, redirect_uri="https://rp/bye") == (
        HOST + "/login/profile/logout?redirect_uri=https%3A%2F%2Frp%2Fbye"
    )
    expert = protocols.build_logout_url(
        HOST, expert=True, redirect_uri="https://rp/bye", id_token="id.tok.en"
    )
    assert urlsplit(expert).path == "/oidc/session/end"
    assert query(expert) == {
        "id_token_hint": ["id.tok.en"],
        "post_logout_redirect_uri": ["https://rp/bye"],
    }
    assert protocols.build_logout_url(HOST, expert=True) == HOST + "/oidc/session/end"
    with pytest.raises(errors.AuthingValidationError):
        protocols.build_logout_url(HOST, expert=True, redirect_uri="https://rp/bye")
    assert protocols.build_logout_url(HOST, protocol="cas", redirect_uri="https://s/") == (
        HOST + "/cas-idp/logout?url=https%3A%2F%2Fs%2F"
    )


def test_cas_v1_answer_parsing() -> None:
    assert protocols.parse_cas_v1("yes\nalice\n") == protocols.CasValidation(True, "alice")
    assert protocols.parse_cas_v1("no\n") == protocols.CasValidation(False)
    assert protocols.parse_cas_v1("") == protocols.CasValidation(False)


def test_client_methods_use_the_client_options() -> None:
    auth = AuthenticationClient(
        "app-1", app_host=HOST, redirect_uri="https://rp/cb", protocol="oauth"
    )
    assert query(auth.build_authorize_url(state="s"))["redirect_uri"] == ["https://rp/cb"]
    assert urlsplit(auth.build_authorize_url()).path == "/oauth/auth"
    with pytest.raises(errors.AuthingValidationError):
        AuthenticationClient("app-1", protocol="ldap")  # type: ignore[arg-type]
    with pytest.raises(errors.AuthingValidationError):
        AuthenticationClient("app-1", token_endpoint_auth_method="private_key_jwt")  # type: ignore[arg-type]


# -- client authentication on the wire -------------------------------------------------------------


class TokenEndpoint:
    """Records the requests and answers like an OAuth token endpoint."""

    def __init__(self, status: int = 200, body: Any = None) -> None:
        self.requests: list[httpx.Request] = []
        self.status = status
        self.body = body if body is not None else {"access_token": "at", "token_type": "Bearer"}

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, json=self.body)

    def client(self, **options: Any) -> AuthenticationClient:
        return AuthenticationClient(
            "app:1",
            app_host=HOST,
            app_secret="s3cr%t",
            redirect_uri="https://rp/cb",
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(self.handler)),
            **options,
        )


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "form", "authorization"),
    [
        ("client_secret_post", {"client_id": ["app:1"], "client_secret": ["s3cr%t"]}, None),
        # RFC 6749 §2.3.1: both parts form-urlencoded, then base64.
        ("client_secret_basic", {}, "Basic " + base64.b64encode(b"app%3A1:s3cr%25t").decode()),
        ("none", {"client_id": ["app:1"]}, None),
    ],
)
async def test_token_request_wire_form_per_client_auth_method(
    method: str, form: dict[str, list[str]], authorization: str | None
) -> None:
    server = TokenEndpoint()
    auth = server.client(token_endpoint_auth_method=method, protocol="oauth")
    tokens = await auth.get_access_token_by_code("the-code", code_verifier="v" * 43)
    assert tokens.access_token == "at"
    request = server.requests[-1]
    assert request.method == "POST" and request.url.path == "/oauth/token"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers.get("authorization") == authorization
    assert parse_qs(request.content.decode()) == {
        "grant_type": ["authorization_code"],
        "code": ["the-code"],
        "code_verifier": ["v" * 43],
        "redirect_uri": ["https://rp/cb"],
        **form,
    }


@pytest.mark.anyio
async def test_oauth_error_answers_raise_oauth_error_without_leaking_the_secret(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = TokenEndpoint(401, {"error": "invalid_client", "error_description": "bad secret"})
    auth = server.client()
    with (
        caplog.at_level(logging.DEBUG, logger="aioauthing"),
        pytest.raises(errors.OAuthError) as info,
    ):
        await auth.get_new_access_token_by_refresh_token("refresh-XYZ")
    assert "op=get_new_access_token_by_refresh_token" in caplog.text  # the payload was logged...
    assert info.value.error == "invalid_client" and info.value.http_status == 401
    assert info.value.message == "bad secret"
    assert "s3cr%t" not in caplog.text and "refresh-XYZ" not in caplog.text  # ...redacted
    assert "refresh-XYZ" not in repr(info.value) and "s3cr%t" not in str(info.value)


@pytest.mark.anyio
async def test_a_secret_is_required_unless_the_method_is_none() -> None:
    server = TokenEndpoint()
    auth = AuthenticationClient(
        "app-1",
        app_host=HOST,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(server.handler)),
    )
    with pytest.raises(errors.AuthingValidationError) as info:
        await auth.introspect_token("tok")
    assert info.value.parameter == "app_secret" and server.requests == []


@pytest.mark.anyio
async def test_authing_error_envelope_in_a_json_answer_raises() -> None:
    server = TokenEndpoint(200, {"code": 400, "message": "id_token 不合法"})
    with pytest.raises(errors.AuthingError) as info:
        await server.client().validate_token(id_token="x.y.z")
    assert info.value.code == 400 and info.value.message == "id_token 不合法"
