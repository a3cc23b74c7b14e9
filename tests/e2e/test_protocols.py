"""Standard protocols against the emulator: OIDC / OAuth 2.0 authorization code + PKCE with each
client authentication method, refresh, introspection, revocation, userinfo, client credentials,
online token validation, CAS 1.0 / 2.0 tickets and JWKS key rotation."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from aioauthing import AuthenticationClient, AuthingError, OAuthError
from aioauthing.runtime.errors import InvalidInputError, UnknownKeyError
from aioauthing.runtime.jwt import JwksCache, verify_token

pytestmark = pytest.mark.anyio

REDIRECT = "https://rp.example/callback"
SERVICE = "https://cas-client.example/app"
PASSWORD = "correct-horse-1"


@asynccontextmanager
async def oidc_client(pool: Any, **options: Any) -> AsyncIterator[AuthenticationClient]:
    """A client of the pool's application with ``options`` (auth methods, protocol...)."""
    options.setdefault("app_secret", pool.app_secret)
    async with AuthenticationClient(
        pool.app_id,
        host=pool.host,
        user_pool_id=pool.user_pool_id,
        public_key=pool.public_key,
        redirect_uri=REDIRECT,
        strict=True,
        **options,
    ) as client:
        yield client


def admin(settings: Any, path: str, body: dict[str, Any], **params: str) -> httpx.Response:
    """``POST /__emulator__{path}`` (the emulator's admin API)."""
    return httpx.post(f"{settings.host}/__emulator__{path}", json=body, params=params, timeout=10)


def sign_in(pool: Any, authorize_url: str, username: str = "alice") -> dict[str, Any]:
    """The emulator's browserless sign-in: the redirect to the callback, with its query."""
    response = admin(
        pool, "/oidc/authorize", {"url": authorize_url, "username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    query = parse_qs(urlsplit(answer["location"]).query)
    assert answer["location"].startswith(REDIRECT + "?")
    assert query["state"] == [parse_qs(urlsplit(authorize_url).query)["state"][0]]
    return answer


async def tokens_for(client: AuthenticationClient, pool: Any, scope: str) -> Any:
    """Run the S256 PKCE code flow for alice and return the token set."""
    verifier = client.generate_code_challenge(64)
    url = client.build_authorize_url(
        scope=scope,
        code_challenge=client.generate_code_challenge_digest(verifier),
        code_challenge_method="S256",
    )
    return await client.get_access_token_by_code(sign_in(pool, url)["code"], code_verifier=verifier)


@pytest.fixture
async def alice(authing_client: Any) -> Any:
    return await authing_client.register_by_username("alice", PASSWORD)


def claims_of(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


# -- authorization code + PKCE ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["client_secret_post", "client_secret_basic", "none"])
@pytest.mark.parametrize("pkce", ["S256", "plain"])
async def test_code_flow_with_pkce_and_each_client_auth_method(
    authing_pool: Any, alice: Any, method: str, pkce: str
) -> None:
    async with oidc_client(authing_pool, token_endpoint_auth_method=method) as client:
        verifier = client.generate_code_challenge()
        challenge = client.generate_code_challenge_digest(verifier, pkce)  # type: ignore[arg-type]
        url = client.build_authorize_url(
            scope="openid profile email",
            nonce="n-0S6_WzA2Mj",
            code_challenge=challenge,
            code_challenge_method=pkce,  # type: ignore[arg-type]
        )
        code = sign_in(authing_pool, url)["code"]

        tokens = await client.get_access_token_by_code(code, code_verifier=verifier)

    assert tokens.token_type == "Bearer" and tokens.expires_in == 3600
    assert tokens.scope == "openid profile email" and tokens.refresh_token is None
    id_claims = claims_of(tokens.id_token or "")
    assert id_claims["sub"] == alice.id and id_claims["aud"] == authing_pool.app_id
    assert id_claims["nonce"] == "n-0S6_WzA2Mj" and id_claims["preferred_username"] == "alice"
    assert id_claims["iss"] == f"{authing_pool.host}/oidc"
    access_claims = claims_of(tokens.access_token)
    assert access_claims["scope"] == "openid profile email" and access_claims["sub"] == alice.id
    # at_hash binds the id token to this access token (OIDC Core §3.1.3.6).
    digest = hashlib.sha256(tokens.access_token.encode()).digest()
    expected = base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()
    assert id_claims["at_hash"] == expected
    # The id token verifies locally against the emulator's JWKS.
    async with oidc_client(authing_pool) as client:
        verified = await client.verify_token(tokens.id_token or "")
    assert verified.sub == alice.id


async def test_wrong_verifier_and_reused_code_are_refused(authing_pool: Any, alice: Any) -> None:
    async with oidc_client(authing_pool) as client:
        verifier = client.generate_code_challenge()
        url = client.build_authorize_url(
            code_challenge=client.generate_code_challenge_digest(verifier),
            code_challenge_method="S256",
        )
        code = sign_in(authing_pool, url)["code"]
        with pytest.raises(OAuthError) as wrong:
            await client.get_access_token_by_code(code, code_verifier="x" * 43)
        assert wrong.value.error == "invalid_grant" and wrong.value.http_status == 400
        # The failed attempt spent the code: the right verifier is too late now.
        with pytest.raises(OAuthError) as spent:
            await client.get_access_token_by_code(code, code_verifier=verifier)
        assert spent.value.error == "invalid_grant"

        code = sign_in(authing_pool, url)["code"]
        await client.get_access_token_by_code(code, code_verifier=verifier)
        with pytest.raises(OAuthError) as reused:
            await client.get_access_token_by_code(code, code_verifier=verifier)
        assert reused.value.error == "invalid_grant"

        code = sign_in(authing_pool, url)["code"]
        with pytest.raises(OAuthError) as missing:
            await client.get_access_token_by_code(code)
        assert missing.value.error == "invalid_grant"


async def test_code_is_bound_to_redirect_uri_and_client(authing_pool: Any, alice: Any) -> None:
    async with oidc_client(authing_pool) as client:
        verifier = client.generate_code_challenge()
        url = client.build_authorize_url(
            code_challenge=client.generate_code_challenge_digest(verifier),
            code_challenge_method="S256",
        )
        code = sign_in(authing_pool, url)["code"]
        with pytest.raises(OAuthError) as info:
            await client.get_access_token_by_code(
                code, code_verifier=verifier, redirect_uri="https://evil.example/cb"
            )
        assert info.value.error == "invalid_grant"


@pytest.mark.parametrize("method", ["client_secret_post", "client_secret_basic"])
async def test_wrong_client_secret_is_invalid_client(
    authing_pool: Any, alice: Any, method: str
) -> None:
    async with oidc_client(
        authing_pool, app_secret="not-the-secret", token_endpoint_auth_method=method
    ) as client:
        with pytest.raises(OAuthError) as info:
            await client.get_access_token_by_code("any-code")
    assert info.value.error == "invalid_client" and info.value.http_status == 401


async def test_public_client_without_pkce_is_refused(authing_pool: Any, alice: Any) -> None:
    async with oidc_client(authing_pool, token_endpoint_auth_method="none") as client:
        code = sign_in(authing_pool, client.build_authorize_url())["code"]
        with pytest.raises(OAuthError) as info:
            await client.get_access_token_by_code(code)
    assert info.value.error == "invalid_client"


async def test_authorize_errors_come_back_in_the_redirect(authing_pool: Any, alice: Any) -> None:
    async with oidc_client(authing_pool) as client:
        url = client.build_authorize_url(response_type="token", state="s-1")
    answer = sign_in(authing_pool, url)
    assert answer["error"] == "unsupported_response_type" and "code" not in answer
    unknown = admin(
        authing_pool,
        "/oidc/authorize",
        {"url": url.replace(authing_pool.app_id, "000000000000000000000000"), "userId": alice.id},
    )
    assert unknown.status_code == 400


# -- refresh, introspection, revocation, userinfo ------------------------------------------------


@pytest.mark.parametrize("method", ["client_secret_post", "client_secret_basic", "none"])
async def test_refresh_introspect_and_revoke(authing_pool: Any, alice: Any, method: str) -> None:
    async with oidc_client(
        authing_pool,
        token_endpoint_auth_method=method,
        introspection_endpoint_auth_method=method,
        revocation_endpoint_auth_method=method,
    ) as client:
        tokens = await tokens_for(client, authing_pool, "openid profile offline_access")
        assert tokens.refresh_token

        refreshed = await client.get_new_access_token_by_refresh_token(tokens.refresh_token)
        assert refreshed.access_token != tokens.access_token
        assert claims_of(refreshed.id_token or "")["sub"] == alice.id

        active = await client.introspect_token(refreshed.access_token)
        assert active.active is True and active.sub == alice.id
        assert active.client_id == authing_pool.app_id
        assert active.scope == "openid profile offline_access"
        assert (await client.introspect_token(tokens.refresh_token)).active is True

        await client.revoke_token(refreshed.access_token)
        revoked = await client.introspect_token(refreshed.access_token)
        assert revoked.active is False and revoked.sub is None
        # Revoking one access token leaves the others alone.
        assert (await client.introspect_token(tokens.access_token)).active is True

        await client.revoke_token(tokens.refresh_token)
        assert (await client.introspect_token(tokens.refresh_token)).active is False
        with pytest.raises(OAuthError) as info:
            await client.get_new_access_token_by_refresh_token(tokens.refresh_token)
        assert info.value.error == "invalid_grant"


async def test_userinfo_returns_the_claims_of_the_granted_scopes(
    authing_pool: Any, alice: Any
) -> None:
    async with oidc_client(authing_pool) as client:
        narrow = await tokens_for(client, authing_pool, "openid")
        wide = await tokens_for(client, authing_pool, "openid profile email phone")
        assert await client.get_user_info_by_access_token(narrow.access_token) == {"sub": alice.id}
        info = await client.get_user_info_by_access_token(wide.access_token)
        assert info["sub"] == alice.id and info["preferred_username"] == "alice"
        assert {"email", "email_verified", "phone_number"} <= set(info)
        # A Bearer header works too (Python SDK style).
        response = await client.core.http_client.get(
            f"{authing_pool.host}/oidc/me",
            headers={"Authorization": f"Bearer {wide.access_token}"},
        )
        assert response.json() == info

        await client.revoke_token(wide.access_token)
        with pytest.raises(OAuthError) as revoked:
            await client.get_user_info_by_access_token(wide.access_token)
        assert revoked.value.error == "invalid_token" and revoked.value.http_status == 401


async def test_client_credentials(authing_pool: Any) -> None:
    async with oidc_client(authing_pool) as client:
        tokens = await client.get_access_token_by_client_credentials(
            "read:users", authing_pool.app_id, authing_pool.app_secret
        )
        assert tokens.id_token is None and tokens.refresh_token is None
        assert claims_of(tokens.access_token)["scope"] == "read:users"
        assert (await client.introspect_token(tokens.access_token)).active is True
        # A machine token stands for no user.
        with pytest.raises(OAuthError) as no_user:
            await client.get_user_info_by_access_token(tokens.access_token)
        assert no_user.value.error == "invalid_token"
        with pytest.raises(OAuthError) as bad:
            await client.get_access_token_by_client_credentials(
                "read:users", authing_pool.app_id, "wrong-secret"
            )
        assert bad.value.error == "invalid_client"


async def test_oauth_protocol_uses_the_oauth_endpoints(authing_pool: Any, alice: Any) -> None:
    async with oidc_client(authing_pool, protocol="oauth") as client:
        url = client.build_authorize_url(state="st-1")
        assert urlsplit(url).path == "/oauth/auth"
        code = sign_in(authing_pool, url)["code"]
        tokens = await client.get_access_token_by_code(code)
    assert tokens.scope == "user" and tokens.id_token is None
    assert claims_of(tokens.access_token)["iss"] == f"{authing_pool.host}/oauth"


async def test_logout_urls_are_served(authing_pool: Any, alice: Any) -> None:
    async with oidc_client(authing_pool) as client:
        tokens = await tokens_for(client, authing_pool, "openid offline_access")
        url = client.build_logout_url(
            expert=True, redirect_uri="https://rp.example/bye", id_token=tokens.id_token
        )
        response = await client.core.http_client.get(url)
        assert response.status_code == 302
        assert response.headers["location"] == "https://rp.example/bye"
        # Ending the session ends its refresh tokens.
        assert (await client.introspect_token(tokens.refresh_token or "")).active is False
        simple = await client.core.http_client.get(
            client.build_logout_url(redirect_uri="https://rp.example/bye")
        )
        assert simple.status_code == 302


# -- online validation of bad tokens ----------------------------------------------------------------


def forged(token: str, **changes: Any) -> str:
    """``token``'s claims re-signed with a key the emulator never published (same ``kid``)."""
    header = jwt.get_unverified_header(token)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode({**claims_of(token), **changes}, key, algorithm="RS256", headers=header)


def unsigned(token: str) -> str:
    return jwt.encode(claims_of(token), None, algorithm="none")


async def test_validate_token_accepts_good_tokens_and_refuses_bad_ones(
    authing_pool: Any, alice: Any
) -> None:
    async with oidc_client(authing_pool) as client:
        tokens = await tokens_for(client, authing_pool, "openid profile")
        claims = await client.validate_token(id_token=tokens.id_token)
        assert claims["sub"] == alice.id and claims["aud"] == authing_pool.app_id
        assert (await client.validate_token(access_token=tokens.access_token))["scope"]

        bad = {
            "malformed": "not.a.jwt",
            "wrongly signed": forged(tokens.id_token or ""),
            "alg none": unsigned(tokens.id_token or ""),
        }
        for name, token in bad.items():
            with pytest.raises(AuthingError) as info:
                await client.validate_token(id_token=token)
            assert info.value.code == 400, name
            assert info.value.message == "id_token 不合法", name
            assert (await client.introspect_token(token)).active is False, name

        for token in (forged(tokens.access_token), unsigned(tokens.access_token), "x.y.z"):
            with pytest.raises(OAuthError) as userinfo:
                await client.get_user_info_by_access_token(token)
            assert userinfo.value.error == "invalid_token"
            with pytest.raises(AuthingError) as online:
                await client.validate_token(access_token=token)
            assert online.value.message == "access_token 不合法"


async def test_expired_tokens_are_refused(authing_pool: Any, alice: Any) -> None:
    async with oidc_client(authing_pool) as client:
        tokens = await tokens_for(client, authing_pool, "openid")
        admin(
            authing_pool, "/clock", {"advance": 3601}, pool=authing_pool.user_pool_id
        ).raise_for_status()
        with pytest.raises(AuthingError) as online:
            await client.validate_token(access_token=tokens.access_token)
        assert online.value.code == 400
        assert (await client.introspect_token(tokens.access_token)).active is False
        with pytest.raises(OAuthError):
            await client.get_user_info_by_access_token(tokens.access_token)
        # The id token lives 14 days: still valid after an hour.
        assert (await client.validate_token(id_token=tokens.id_token))["sub"] == alice.id


async def test_validate_token_refuses_another_applications_token(
    authing_pool: Any, alice: Any
) -> None:
    other = admin(authing_pool, "/pools", {}).json()
    async with oidc_client(authing_pool) as client:
        foreign = await client.get_access_token_by_client_credentials(
            "read", other["app_id"], other["app_secret"]
        )
        with pytest.raises(AuthingError) as info:
            await client.validate_token(access_token=foreign.access_token)
        assert info.value.code == 400
        assert (await client.introspect_token(foreign.access_token)).active is False


# -- CAS ------------------------------------------------------------------------------------------


def cas_ticket(pool: Any, user_id: str, service: str = SERVICE) -> str:
    response = admin(
        pool, "/cas/login", {"appId": pool.app_id, "service": service, "userId": user_id}
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["location"] == f"{service}?ticket={answer['ticket']}"
    return str(answer["ticket"])


async def test_cas_v1_valid_reused_and_wrong_service(authing_pool: Any, alice: Any) -> None:
    async with oidc_client(authing_pool, protocol="cas") as client:
        login = urlsplit(client.build_authorize_url(service=SERVICE))
        assert login.path == f"/cas-idp/{authing_pool.app_id}"
        assert parse_qs(login.query) == {"service": [SERVICE]}

        ticket = cas_ticket(authing_pool, alice.id)
        first = await client.validate_ticket_v1(ticket, SERVICE)
        assert first.valid is True and first.username == "alice"
        again = await client.validate_ticket_v1(ticket, SERVICE)
        assert again.valid is False and again.username is None

        other = cas_ticket(authing_pool, alice.id)
        wrong = await client.validate_ticket_v1(other, "https://elsewhere.example/")
        assert wrong.valid is False
        # The failed validation spent the ticket.
        assert (await client.validate_ticket_v1(other, SERVICE)).valid is False


async def test_cas_v2_valid_reused_and_wrong_service(authing_pool: Any, alice: Any) -> None:
    async with oidc_client(authing_pool, protocol="cas") as client:
        ticket = cas_ticket(authing_pool, alice.id)
        xml = await client.validate_ticket_v2(ticket, SERVICE)
        assert "<cas:authenticationSuccess><cas:user>alice</cas:user>" in xml
        reused = await client.validate_ticket_v2(ticket, SERVICE, response_format="JSON")
        assert '"authenticationFailure"' in reused

        other = cas_ticket(authing_pool, alice.id)
        wrong = await client.validate_ticket_v2(other, "https://elsewhere.example/")
        assert "INVALID_TICKET" in wrong
        assert "authenticationSuccess" not in wrong

        logout = await client.core.http_client.get(client.build_logout_url(redirect_uri=SERVICE))
        assert logout.status_code == 302 and logout.headers["location"] == SERVICE


# -- JWKS rotation -----------------------------------------------------------------------------------


async def test_jwks_rotation_keeps_old_tokens_valid_and_the_cache_refetches(
    authing_pool: Any, alice: Any
) -> None:
    now = [time.monotonic()]
    async with oidc_client(authing_pool) as client:
        before = await tokens_for(client, authing_pool, "openid")
        jwks = JwksCache.for_host(authing_pool.host, client.core.http_client, clock=lambda: now[0])
        assert (await verify_token(before.id_token or "", jwks=jwks)).sub == alice.id
        assert jwks.fetch_count == 1

        rotated = admin(authing_pool, "/keys/rotate", {}).json()
        old_kid = jwt.get_unverified_header(before.id_token or "")["kid"]
        assert rotated["kid"] != old_kid and rotated["published"] == [rotated["kid"], old_kid]
        after = await tokens_for(client, authing_pool, "openid")
        assert jwt.get_unverified_header(after.id_token or "")["kid"] == rotated["kid"]

        # Within the refetch throttle an unknown kid is refused without a request...
        with pytest.raises(UnknownKeyError):
            await verify_token(after.id_token or "", jwks=jwks)
        assert jwks.fetch_count == 1
        # ...after it, the cache refetches once and knows both keys.
        now[0] += 31
        assert (await verify_token(after.id_token or "", jwks=jwks)).sub == alice.id
        assert (await verify_token(before.id_token or "", jwks=jwks)).sub == alice.id
        assert jwks.fetch_count == 2
        assert (await client.validate_token(id_token=before.id_token))["sub"] == alice.id

        # Rotating again without a grace period drops both earlier keys.
        admin(authing_pool, "/keys/rotate", {"keep": 0}).raise_for_status()
        with pytest.raises(AuthingError) as old_key:
            await client.validate_token(id_token=before.id_token)
        assert type(old_key.value) is InvalidInputError and old_key.value.code == 400
        with pytest.raises(AuthingError) as new_key:
            await client.validate_token(id_token=after.id_token)
        assert type(new_key.value) is InvalidInputError and new_key.value.code == 400
        now[0] += 601  # past the cache's TTL: it refetches and no longer finds the key
        with pytest.raises(UnknownKeyError):
            await verify_token(after.id_token or "", jwks=jwks)
