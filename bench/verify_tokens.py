"""Local token verification against asking Authing (`checkLoginStatus`), in one run.

One emulator process issues a real RS256 user token. This process then measures, side by side:

* `AuthenticationClient.verify_token` in a loop: the full check (signature, claims) every call,
  JWKS cached after the first;
* `Authing.authenticate` (what the FastAPI/aiohttp integrations call per request) with the same
  token again and again: served from the verified-token cache after the first call;
* `checkLoginStatus` for the same token against the emulator (concurrency 1);
* the framework paths: a FastAPI route guarded by `Depends(authing.claims)` against the same
  route unguarded (in-process ASGI), and the aiohttp middleware called on a mocked request.

Per-core throughput is calls / `time.process_time()` of this process; wall figures include the
emulator's time for the remote calls. Goals (issue #8): local >= 100x the remote rate and
>= 10,000 verifications per second on one core.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx

from aioauthing import AuthenticationClient
from aioauthing.integrations import Authing, AuthingSettings

from ._emulator import emulator_process
from ._stats import median_spread

LOCAL_CALLS = 20_000
REMOTE_CALLS = 300
FRAMEWORK_CALLS = 400
FRAMEWORK_ROUNDS = 5


async def _timed(n: int, call: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) for ``n`` sequential awaits of ``call()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        await call()
    return time.perf_counter() - wall, time.process_time() - cpu


async def _user_token(auth: AuthenticationClient) -> str:
    email, password = "bench@example.test", "Bench-passw0rd"
    await auth.register_by_email(email, password)
    user = await auth.login_by_email(email, password)
    assert user is not None and user.token
    return user.token


async def _fastapi(settings: AuthingSettings, token: str) -> dict[str, tuple[float, float]]:
    from fastapi import Depends, FastAPI

    from aioauthing.integrations.fastapi import AuthingAuth

    authing = AuthingAuth(settings)
    app = FastAPI(lifespan=authing.lifespan)

    # (annotations are strings here, so the dependency goes in the default value)
    async def me(claims: Any = Depends(authing.claims)) -> dict[str, Any]:  # noqa: B008
        return {"id": claims.user_id}

    async def open_route() -> dict[str, Any]:
        return {"id": None}

    app.get("/me")(me)
    app.get("/open")(open_route)
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://app") as client,
    ):
        for path in ("/open", "/me"):  # warm up
            await _timed(50, lambda path=path: client.get(path, headers=headers))  # type: ignore[misc]
        out = {"/open": (0.0, 0.0), "/me": (0.0, 0.0)}
        for _ in range(FRAMEWORK_ROUNDS):  # alternate, so load drifts hit both alike
            for path in ("/open", "/me"):
                wall, cpu = await _timed(
                    FRAMEWORK_CALLS,
                    lambda path=path: client.get(path, headers=headers),  # type: ignore[misc]
                )
                out[path] = (out[path][0] + wall, out[path][1] + cpu)
        assert (await client.get("/me", headers=headers)).json()["id"]
        assert (await client.get("/me")).status_code == 401
    return out


async def _aiohttp(settings: AuthingSettings, token: str) -> tuple[float, float]:
    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    from aioauthing.integrations.aiohttp import AUTHING_KEY, authing_middleware, get_claims

    async def handler(request: web.Request) -> web.StreamResponse:
        get_claims(request)
        return web.Response()

    app = web.Application()
    async with Authing.open(settings) as runtime:
        app[AUTHING_KEY] = runtime
        headers = {"Authorization": f"Bearer {token}"}
        request = make_mocked_request("GET", "/me", headers=headers, app=app)
        await authing_middleware(request, handler)
        return await _timed(20_000, lambda: authing_middleware(request, handler))


async def _against_floor(
    auth: AuthenticationClient, host: str, token: str
) -> dict[str, list[float]]:
    """CPU us per call, in alternating rounds: verify_token, the RSA-2048 signature check alone
    (cryptography, the same key and bytes) and PyJWT's decode with the same key."""
    import base64
    import json

    import jwt
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    async with httpx.AsyncClient() as http:
        jwks = (await http.get(f"{host}/oidc/.well-known/jwks.json")).json()
    kid = jwt.get_unverified_header(token).get("kid")
    jwk = next(k for k in jwks["keys"] if k.get("kid") == kid)
    key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
    head, body, sig = token.split(".")
    signing_input = f"{head}.{body}".encode()
    signature = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))

    def rsa_only() -> None:
        key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr, call-arg]

    def pyjwt() -> None:
        jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False})  # type: ignore[arg-type]

    out: dict[str, list[float]] = {"verify_token": [], "rsa": [], "pyjwt": []}
    n = 2000
    for _ in range(5):
        c = time.process_time()
        for _ in range(n):
            await auth.verify_token(token)
        out["verify_token"].append((time.process_time() - c) / n * 1e6)
        c = time.process_time()
        for _ in range(n):
            rsa_only()
        out["rsa"].append((time.process_time() - c) / n * 1e6)
        c = time.process_time()
        for _ in range(n):
            pyjwt()
        out["pyjwt"].append((time.process_time() - c) / n * 1e6)
    return out


async def _run(raw: dict[str, Any]) -> dict[str, Any]:
    settings = AuthingSettings.from_mapping(raw)
    async with AuthenticationClient(
        settings.app_id,
        host=settings.host,
        user_pool_id=settings.user_pool_id,
        public_key=settings.public_key,
    ) as auth:
        token = await _user_token(auth)
        await auth.verify_token(token)  # fetch the JWKS once
        for _ in range(20):
            await auth.check_login_status(token)
        status = await auth.check_login_status(token)
        assert status is not None and status.status is True
        results: dict[str, Any] = {
            "local": await _timed(LOCAL_CALLS, lambda: auth.verify_token(token)),
            "remote": await _timed(REMOTE_CALLS, lambda: auth.check_login_status(token)),
        }
        results["floor"] = await _against_floor(auth, settings.host, token)
    async with Authing.open(settings) as runtime:
        header = f"Bearer {token}"
        await runtime.authenticate(header)
        results["cached"] = await _timed(LOCAL_CALLS * 5, lambda: runtime.authenticate(header))
    results["fastapi"] = await _fastapi(settings, token)
    results["aiohttp"] = await _aiohttp(settings, token)
    return results


def main() -> None:
    with emulator_process() as settings:
        r = anyio.run(_run, settings)
    local_wall, local_cpu = r["local"]
    remote_wall, remote_cpu = r["remote"]
    local_rate, local_core = LOCAL_CALLS / local_wall, LOCAL_CALLS / local_cpu
    remote_rate = REMOTE_CALLS / remote_wall
    print("token verification: local verify_token (RS256, JWKS cached) vs checkLoginStatus")
    print(
        f"  local verify_token : {local_rate:9.0f} /s wall, {local_core:9.0f} /s per core"
        f" ({local_cpu / LOCAL_CALLS * 1e6:.1f} us CPU each, {LOCAL_CALLS} calls)"
    )
    print(
        f"  checkLoginStatus   : {remote_rate:9.0f} /s wall, {remote_wall / REMOTE_CALLS * 1e6:6.0f} us"
        f" per call, {remote_cpu / REMOTE_CALLS * 1e6:.0f} us client CPU ({REMOTE_CALLS} calls,"
        " concurrency 1)"
    )
    cached_wall, cached_cpu = r["cached"]
    cached_rate = LOCAL_CALLS * 5 / cached_wall
    print(
        f"  authenticate, repeat: {cached_rate:8.0f} /s wall, {LOCAL_CALLS * 5 / cached_cpu:9.0f} /s"
        f" per core (verified-token cache hit, {LOCAL_CALLS * 5} calls)"
    )
    print(
        f"  ratio local/remote : {local_rate / remote_rate:9.0f}x full verification,"
        f" {cached_rate / remote_rate:.0f}x repeat token (goal >= 100x)"
    )
    print(f"  per-core throughput: {local_core:9.0f} /s full verification (goal >= 10,000/s)")
    floor = r["floor"]
    ratios = [v / f for v, f in zip(floor["verify_token"], floor["rsa"], strict=True)]
    print(
        f"  against the floor (5 alternating rounds, us CPU per call): verify_token"
        f" {median_spread(floor['verify_token'], '.1f')}, RSA-2048 signature check alone"
        f" {median_spread(floor['rsa'], '.1f')}, PyJWT decode {median_spread(floor['pyjwt'], '.1f')};"
        f" verify_token / RSA alone {median_spread(ratios, '.2f')}x (goal <= 2x)"
    )
    n = FRAMEWORK_CALLS * FRAMEWORK_ROUNDS
    _, open_cpu = r["fastapi"]["/open"]
    _, me_cpu = r["fastapi"]["/me"]
    print(
        f"  FastAPI in-process : {n / me_cpu:9.0f} req/s per core guarded, {n / open_cpu:.0f}"
        f" unguarded: the dependency adds {(me_cpu - open_cpu) / n * 1e6:.0f} us CPU per request"
        " (repeat token; the noise of this measurement is several us)"
    )
    _, mw_cpu = r["aiohttp"]
    print(
        f"  aiohttp middleware : {20_000 / mw_cpu:9.0f} /s per core"
        f" ({mw_cpu / 20_000 * 1e6:.1f} us CPU per call on a mocked request, repeat token)"
    )
