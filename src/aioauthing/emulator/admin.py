"""Admin endpoints under ``/__emulator__/``: settings, pools, reset, state, outbox, codes, clock,
faults, directory users, schema report, protocol drivers and JWKS rotation (``admin_protocols``). Pool selection: ``?pool=<id>`` or the
``x-authing-userpool-id`` header, default pool otherwise."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from . import admin_auth, admin_protocols, jsonutil
from .errors import AuthingBizError, biz, error_payload
from .faults import parse_faults, rules_from_json, split_fault_text
from .passwords import hash_password
from .state import Pool

__all__ = ["admin_routes"]

PREFIX = "/__emulator__"


def _runtime(request: Request) -> Any:
    return request.app.state.emulator


def _pool(request: Request) -> Pool:
    pool_id = request.query_params.get("pool") or request.headers.get("x-authing-userpool-id")
    pool: Pool = _runtime(request).state.pool(pool_id)
    return pool


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = jsonutil.loads(raw)
    except ValueError as exc:
        raise biz("INVALID_JSON") from exc
    if not isinstance(data, dict):
        raise biz("JSON_OBJECT_REQUIRED")
    return data


def _settings(request: Request, pool: Pool) -> dict[str, Any]:
    runtime = _runtime(request)
    return pool.settings(str(request.base_url).rstrip("/"), runtime.state.keys.public_key_pem)


Handler = Callable[[Request], Awaitable[Any]]


def _admin(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            result = await handler(request)
        except AuthingBizError as exc:
            return JSONResponse(exc.payload(), status_code=400)
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse(error_payload("EMULATOR_ADMIN", detail=str(exc)), status_code=400)
        if isinstance(result, Response):
            return result
        return JSONResponse(result)

    endpoint.__name__ = handler.__name__
    return endpoint


async def settings(request: Request) -> Any:
    return _settings(request, _pool(request))


async def list_pools(request: Request) -> Any:
    state = _runtime(request).state
    return {"pools": [_settings(request, pool) for pool in state.pools.values()]}


async def create_pool(request: Request) -> Any:
    body = await _json(request)
    runtime = _runtime(request)
    pool = runtime.state.create_pool(body.get("name"))
    if "faults" in body:
        rates, rules = split_fault_text(body["faults"])
        pool.faults = rates
        runtime.targeted.set_rules(pool.id, rules)  # like the rates: instead of --faults
    if "fixedCode" in body:
        pool.fixed_code = body["fixedCode"]
    runtime.state.touch_pool(pool)
    return _settings(request, pool)


async def reset(request: Request) -> Any:
    state = _runtime(request).state
    runtime = _runtime(request)
    if request.query_params.get("pool") or request.headers.get("x-authing-userpool-id"):
        pool = _pool(request)
        state.reset_pool(pool)
        runtime.journal.clear(pool.id)
        runtime.targeted.reset(pool.id)
    else:
        state.reset_all()
        runtime.journal.clear()
        runtime.targeted.reset()
    return {"code": 200, "message": "reset"}


async def get_state(request: Request) -> Any:
    return _runtime(request).state.export()


async def put_state(request: Request) -> Any:
    runtime = _runtime(request)
    runtime.state.import_(await _json(request))
    runtime.refresh_keys()
    return {"code": 200, "message": "imported", "pools": len(runtime.state.pools)}


async def patch_account(request: Request) -> Any:
    """``POST /user?pool=ID`` with ``{"id", "fields"}``: set fields of one account, internal ones
    included (``_forceResetPassword``, ``_subAccountOf``), without moving the whole state."""
    pool = _pool(request)
    body = await _json(request)
    user = pool.users.get(body.get("id") or "")
    if user is None:
        raise biz("USER_NOT_FOUND")
    fields = body.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise biz("EMULATOR_ADMIN", detail="fields must be a non-empty object")
    _runtime(request).state.put_user(pool, {**user, **fields}, previous=user)
    return {"id": user["id"], "updated": sorted(fields)}


async def outbox(request: Request) -> Any:
    pool = _pool(request)
    query = request.query_params
    messages = [
        m
        for m in pool.outbox
        if (not query.get("phone") or m.get("phone") == query["phone"])
        and (not query.get("email") or (m.get("email") or "").lower() == query["email"].lower())
        and (not query.get("channel") or m.get("channel") == query["channel"])
        and (not query.get("scene") or m.get("scene") == query["scene"])
    ]
    return {"messages": messages}


async def codes(request: Request) -> Any:
    pool = _pool(request)
    body = await _json(request)
    if "fixed" in body:
        fixed = body["fixed"]
        if fixed is not None and not isinstance(fixed, str):
            raise biz("EMULATOR_ADMIN", detail="fixed must be a string or null")
        pool.fixed_code = fixed or None
        _runtime(request).state.touch_pool(pool)
    return {"fixed": pool.fixed_code}


async def clock(request: Request) -> Any:
    pool = _pool(request)
    if request.method == "POST":
        body = await _json(request)
        if "offset" in body:
            pool.clock_offset = float(body["offset"])
        if "advance" in body:
            pool.clock_offset += float(body["advance"])
        _runtime(request).state.touch_pool(pool)
    return {"offset": pool.clock_offset, "now": pool.now()}


async def faults(request: Request) -> Any:
    pool = _pool(request)
    runtime = _runtime(request)
    if request.method == "POST":
        body = await _json(request)
        spec, rules = split_fault_text(body.get("spec", pool.faults) or "")
        parse_faults(spec)
        if "rules" in body or rules:
            runtime.targeted.set_rules(pool.id, rules + rules_from_json(body.get("rules", [])))
        pool.faults = spec
        runtime.state.touch_pool(pool)
        if body.get("seed") is not None:
            runtime.faults.reseed(pool.id, spec, int(body["seed"]))
        if body.get("resetCounters"):
            runtime.faults.traffic.pool(pool.id).reset()
    return {
        "spec": pool.faults,
        "rules": [r.as_dict() for r in runtime.targeted.rules(pool.id)],
        "counters": runtime.faults.traffic.pool(pool.id).as_dict(),
    }


async def requests(request: Request) -> Any:
    """The pool's recent requests, newest first (``?operation=createUser``, ``?limit=N``)."""
    pool = _pool(request)
    raw_limit = request.query_params.get("limit")
    limit = int(raw_limit) if raw_limit else None
    if limit is not None and limit < 0:
        raise ValueError("limit must be a non-negative integer")
    entries = _runtime(request).journal.entries(pool.id)
    operation = request.query_params.get("operation")
    if operation:
        entries = [e for e in entries if operation in e.operation.split(",")]
    return {"requests": [entry.as_dict() for entry in entries[:limit]]}


async def directory(request: Request) -> Any:
    pool = _pool(request)
    if request.method == "POST":
        body = await _json(request)
        kind = body.get("kind", "ldap")
        if kind not in ("ldap", "ad"):
            raise biz("EMULATOR_ADMIN", detail="kind must be 'ldap' or 'ad'")
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            raise biz("EMULATOR_ADMIN", detail="username and password are required")
        entry = {
            "kind": kind,
            "username": username,
            "password": hash_password(password),
            "profile": body.get("profile") or {},
            "userId": None,
        }
        _runtime(request).state.put_directory_user(pool, f"{kind}:{username}", entry)
    return {
        "users": [
            {k: v for k, v in entry.items() if k != "password"}
            for key, entry in pool.directory.items()
            if key.startswith(("ldap:", "ad:"))  # the same table also holds management records
        ]
    }


def _with_body(fn: Callable[[Request, dict[str, Any]], Awaitable[Any]]) -> Handler:
    async def handler(request: Request) -> Any:
        return await fn(request, await _json(request))

    handler.__name__ = fn.__name__
    return handler


async def keys(request: Request) -> Any:
    state = _runtime(request).state
    return {"kid": state.keys.kid, "published": state.keys.published_kids}


async def schema(request: Request) -> Any:
    runtime = _runtime(request)
    if request.query_params.get("format") == "sdl":
        return PlainTextResponse(runtime.sdl)
    report = runtime.report
    return {"wired": report.wired, "unused": report.unused, "missing": report.missing}


def admin_routes() -> list[Route]:
    table: list[tuple[str, Handler, list[str]]] = [
        ("/settings", settings, ["GET"]),
        ("/pools", list_pools, ["GET"]),
        ("/pools", create_pool, ["POST"]),
        ("/reset", reset, ["POST"]),
        ("/state", get_state, ["GET"]),
        ("/state", put_state, ["PUT", "POST"]),
        ("/user", patch_account, ["POST"]),
        ("/outbox", outbox, ["GET"]),
        ("/codes", codes, ["GET", "POST"]),
        ("/clock", clock, ["GET", "POST"]),
        ("/faults", faults, ["GET", "POST"]),
        ("/requests", requests, ["GET"]),
        ("/directory", directory, ["GET", "POST"]),
        ("/schema", schema, ["GET"]),
        ("/oidc/authorize", _with_body(admin_protocols.oidc_authorize), ["POST"]),
        ("/cas/login", _with_body(admin_protocols.cas_login), ["POST"]),
        ("/keys", keys, ["GET"]),
        ("/keys/rotate", _with_body(admin_protocols.rotate_keys), ["POST"]),
        ("/mfa", _with_body(admin_auth.mfa_policy), ["GET", "POST"]),
        ("/qrcode/scan", _with_body(admin_auth.qrcode_scan), ["POST"]),
        ("/qrcode/confirm", _with_body(admin_auth.qrcode_confirm), ["POST"]),
        ("/qrcode/cancel", _with_body(admin_auth.qrcode_cancel), ["POST"]),
    ]
    return [Route(PREFIX + path, _admin(fn), methods=methods) for path, fn, methods in table]
