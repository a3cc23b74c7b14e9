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
emulator's time for the remote calls. Every figure is the median of its rounds with the spread
(min-max, n); the local and remote loops alternate round by round, as do the three sides of the
floor comparison and the two FastAPI routes, so a change of load hits both sides alike. Goals
(issue #8): local >= 100x the remote rate and >= 10,000 verifications per second on one core;
(issue #20) verify_token <= 2x the RSA-2048 signature check alone. With
``BENCH_BASELINE_SRC=/path/to/other/src`` the floor rounds also time that tree's
``runtime/jwt.py`` against this one's, both called directly.
"""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import httpx

from aioauthing import AuthenticationClient
from aioauthing.integrations import Authing, AuthingSettings

from ._emulator import emulator_process
from ._stats import loadavg, machine, median_spread

ROUNDS = 5
LOCAL_CALLS = 4_000
"""Per round (full verifications, and 5x as many verified-token cache hits)."""
REMOTE_CALLS = 60
FLOOR_ROUNDS = 11
FLOOR_CALLS = 1_000
FRAMEWORK_CALLS = 400
MIDDLEWARE_CALLS = 4_000
PATHS = ("/open", "/shaped", "/me")


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


async def _fastapi(settings: AuthingSettings, token: str) -> dict[str, list[float]]:
    from fastapi import Depends, FastAPI, Request

    from aioauthing.integrations.fastapi import AuthingAuth, _Documented

    authing = AuthingAuth(settings)
    app = FastAPI(lifespan=authing.lifespan)

    # (annotations are strings here, so the dependency goes in the default value)
    async def me(claims: Any = Depends(authing.claims)) -> dict[str, Any]:  # noqa: B008
        return {"id": claims.user_id}

    async def open_route() -> dict[str, Any]:
        return {"id": None}

    async def nothing(request: Request, _: _Documented = None) -> None:
        """FastAPI's share: a dependency of the same shape (Request, Bearer scheme) doing nothing."""

    nothing.__annotations__ = {"request": Request, "_": _Documented, "return": None}  # not strings

    async def shaped(_: Any = Depends(nothing)) -> dict[str, Any]:  # noqa: B008
        return {"id": None}

    app.get("/me")(me)
    app.get("/open")(open_route)
    app.get("/shaped")(shaped)
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://app") as client,
    ):
        for path in PATHS:  # warm up
            await _timed(50, lambda path=path: client.get(path, headers=headers))  # type: ignore[misc]
        out: dict[str, list[float]] = {path: [] for path in PATHS}  # CPU seconds per round
        for _ in range(ROUNDS):  # alternate, so load drifts hit all alike
            for path in PATHS:
                _, cpu = await _timed(
                    FRAMEWORK_CALLS,
                    lambda path=path: client.get(path, headers=headers),  # type: ignore[misc]
                )
                out[path].append(cpu)
        assert (await client.get("/me", headers=headers)).json()["id"]
        assert (await client.get("/me")).status_code == 401
    return out


async def _aiohttp(settings: AuthingSettings, token: str) -> list[float]:
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
        rounds = []
        for _ in range(ROUNDS):
            _, cpu = await _timed(MIDDLEWARE_CALLS, lambda: authing_middleware(request, handler))
            rounds.append(cpu)
        return rounds


async def _jwt_modules(
    host: str, app_id: str, token: str
) -> dict[str, Callable[[str], Awaitable[Any]]]:
    """With ``BENCH_BASELINE_SRC``: ``runtime.verify_token`` of that tree's ``runtime/jwt.py``
    (loaded beside this one, sharing its errors module) and of this tree, both called directly
    with a warm JWKS cache of their own, for a side-by-side comparison of the two modules."""
    baseline = os.environ.get("BENCH_BASELINE_SRC")
    if not baseline:
        return {}
    import aioauthing.runtime.jwt as this

    path = Path(baseline) / "aioauthing" / "runtime" / "jwt.py"
    spec = importlib.util.spec_from_file_location("aioauthing.runtime._baseline_jwt", path)
    assert spec is not None and spec.loader is not None, path
    other = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(other)
    http = httpx.AsyncClient()  # (left to the garbage collector: the bench process ends soon)
    sides: dict[str, Callable[[str], Awaitable[Any]]] = {}
    for name, module in (("baseline", other), ("this tree", this)):
        cache = module.JwksCache.for_host(host, http)

        def verify(token: str, module: Any = module, cache: Any = cache) -> Awaitable[Any]:
            return module.verify_token(token, jwks=cache, audience=app_id)  # type: ignore[no-any-return]

        await verify(token)  # fetch the JWKS once
        sides[name] = verify
    return sides


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

    pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()  # made once: the cheapest call

    def rsa_only() -> None:
        key.verify(signature, signing_input, pkcs1, sha256)  # type: ignore[union-attr]

    def pyjwt() -> None:
        jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False})  # type: ignore[arg-type]

    out: dict[str, list[float]] = {"verify_token": [], "rsa": [], "pyjwt": []}
    sides = await _jwt_modules(host, auth.app_id, token)
    for name in sides:
        out[name] = []
    n = FLOOR_CALLS
    for _ in range(FLOOR_ROUNDS):
        c = time.process_time()
        for _ in range(n):
            await auth.verify_token(token)
        out["verify_token"].append((time.process_time() - c) / n * 1e6)
        for name, verify in sides.items():
            c = time.process_time()
            for _ in range(n):
                await verify(token)
            out[name].append((time.process_time() - c) / n * 1e6)
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
        results: dict[str, Any] = {"local": [], "remote": []}
        for _ in range(ROUNDS):  # alternate, so load drifts hit both alike
            results["local"].append(await _timed(LOCAL_CALLS, lambda: auth.verify_token(token)))
            results["remote"].append(
                await _timed(REMOTE_CALLS, lambda: auth.check_login_status(token))
            )
        results["floor"] = await _against_floor(auth, settings.host, token)
    async with Authing.open(settings) as runtime:
        header = f"Bearer {token}"
        await runtime.authenticate(header)
        results["cached"] = [
            await _timed(LOCAL_CALLS * 5, lambda: runtime.authenticate(header))
            for _ in range(ROUNDS)
        ]
    results["fastapi"] = await _fastapi(settings, token)
    results["aiohttp"] = await _aiohttp(settings, token)
    return results


def main() -> None:
    start = machine()
    with emulator_process() as settings:
        r = anyio.run(_run, settings)
    local_wall = [LOCAL_CALLS / wall for wall, _ in r["local"]]
    local_core = [LOCAL_CALLS / cpu for _, cpu in r["local"]]
    local_us = [cpu / LOCAL_CALLS * 1e6 for _, cpu in r["local"]]
    remote_wall = [REMOTE_CALLS / wall for wall, _ in r["remote"]]
    remote_us = [wall / REMOTE_CALLS * 1e6 for wall, _ in r["remote"]]
    remote_cpu = [cpu / REMOTE_CALLS * 1e6 for _, cpu in r["remote"]]
    cached_n = LOCAL_CALLS * 5
    cached_wall = [cached_n / wall for wall, _ in r["cached"]]
    cached_core = [cached_n / cpu for _, cpu in r["cached"]]
    print(
        "token verification: local verify_token (RS256, JWKS cached) vs checkLoginStatus"
        f" ({start} at start; {ROUNDS} alternating rounds, medians with spread)"
    )
    print(
        f"  local verify_token : {median_spread(local_wall)} /s wall,"
        f" {median_spread(local_core)} /s per core, {median_spread(local_us, '.1f')} us CPU each"
        f" ({LOCAL_CALLS} calls per round)"
    )
    print(
        f"  checkLoginStatus   : {median_spread(remote_wall)} /s wall, {median_spread(remote_us)} us"
        f" per call, {median_spread(remote_cpu)} us client CPU ({REMOTE_CALLS} calls per round,"
        " concurrency 1)"
    )
    print(
        f"  authenticate, repeat: {median_spread(cached_wall)} /s wall,"
        f" {median_spread(cached_core)} /s per core (verified-token cache hit, {cached_n} calls"
        " per round)"
    )
    full = [a / b for a, b in zip(local_wall, remote_wall, strict=True)]
    repeat = [a / b for a, b in zip(cached_wall, remote_wall, strict=True)]
    print(
        f"  ratio local/remote : {median_spread(full)}x full verification,"
        f" {median_spread(repeat)}x repeat token (goal >= 100x; wall, round by round)"
    )
    print(
        f"  per-core throughput: {median_spread(local_core)} /s full verification (goal >= 10,000/s)"
    )
    floor = r["floor"]
    ratios = [v / f for v, f in zip(floor["verify_token"], floor["rsa"], strict=True)]
    print(
        f"  against the floor ({FLOOR_ROUNDS} alternating rounds of {FLOOR_CALLS}, us CPU per call):"
        f" verify_token {median_spread(floor['verify_token'], '.1f')}, RSA-2048 signature check"
        f" alone {median_spread(floor['rsa'], '.1f')}, PyJWT decode"
        f" {median_spread(floor['pyjwt'], '.1f')}; verify_token / RSA alone"
        f" {median_spread(ratios, '.2f')}x (goal <= 2x)"
    )
    if "baseline" in floor:
        base, this, rsa = floor["baseline"], floor["this tree"], floor["rsa"]

        def over(a: list[float], b: list[float]) -> str:
            return median_spread([x / y for x, y in zip(a, b, strict=True)], ".2f")

        print(
            "  runtime.jwt called directly, same rounds (us CPU per call): baseline"
            f" {median_spread(base, '.1f')}, this tree {median_spread(this, '.1f')};"
            f" this tree / baseline {over(this, base)}x; / RSA alone: baseline {over(base, rsa)}x,"
            f" this tree {over(this, rsa)}x (baseline: {os.environ['BENCH_BASELINE_SRC']})"
        )
    open_cpu, shaped_cpu, me_cpu = (r["fastapi"][path] for path in PATHS)
    added = [(m - o) / FRAMEWORK_CALLS * 1e6 for m, o in zip(me_cpu, open_cpu, strict=True)]
    own = [(m - o) / FRAMEWORK_CALLS * 1e6 for m, o in zip(me_cpu, shaped_cpu, strict=True)]
    print(
        f"  FastAPI in-process : {median_spread([FRAMEWORK_CALLS / c for c in me_cpu])} req/s per"
        f" core guarded, {median_spread([FRAMEWORK_CALLS / c for c in open_cpu])} unguarded: the"
        f" dependency adds {median_spread(added)} us CPU per request, of which"
        f" {median_spread(own)} us over a do-nothing dependency of the same shape (repeat token;"
        f" {FRAMEWORK_CALLS} requests per route per round)"
    )
    mw = r["aiohttp"]
    print(
        f"  aiohttp middleware : {median_spread([MIDDLEWARE_CALLS / c for c in mw])} /s per core"
        f" ({median_spread([c / MIDDLEWARE_CALLS * 1e6 for c in mw], '.1f')} us CPU per call on a"
        " mocked request, repeat token)"
    )
    print(f"  load average at the end: {loadavg()}")
