"""Outermost ASGI layer: body cap, fault injection, durable flush before answering, no tracebacks."""

from __future__ import annotations

import ipaddress
import json
import logging
import math
import re
import time
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import anyio
import jwt
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import jsonutil
from .errors import error_payload
from .faults import FaultBook, FaultRule, PoolTraffic, TargetedFaults
from .journal import (
    JournalEntry,
    RequestJournal,
    answer_code,
    client_id_of,
    graphql_fields,
    redact_path,
)
from .rest_http import header_map, scope_context
from .state import EmulatorState, Pool

if TYPE_CHECKING:
    from .config import EmulatorConfig

__all__ = [
    "ADMIN_PREFIX",
    "CLOSE_HEADER",
    "GRAPHQL_PATH",
    "IN_PROCESS_HOSTS",
    "EmulatorMiddleware",
    "allowed_hosts",
    "error_answer",
]

log = logging.getLogger("aioauthing.emulator")
_TOKEN_QUERY = re.compile(rb"\baccessToken\s*\(")

ADMIN_PREFIX = "/__emulator__"
GRAPHQL_PATH = "/graphql/v2"
_PROTOCOL_PREFIXES = ("/oidc/", "/oauth/", "/cas-idp/")
_UNJOURNALED = frozenset({"/", "/favicon.ico"})
CLOSE_HEADER = b"x-aioauthing-emulator-close"
"""Internal response header: the socket server closes the connection instead of answering.

Value ``drop`` (request not applied) or ``lost`` (applied, answer lost). It never reaches a client
of :class:`~aioauthing.emulator.server.EmulatorServer`; the in-process transport turns it into
``httpx.RemoteProtocolError``."""


IN_PROCESS_HOSTS = frozenset({"emulator", "testserver"})
"""Host names of in-process use (``base_url="http://emulator"``, Starlette's ``TestClient``)."""

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_JOURNAL_HEAD = 65536
"""Bytes of an answer the journal reads its code from."""

Recorder = Callable[[int, bytes], None]
"""Records one request in the journal: ``(status, first bytes of the answer)``."""


def allowed_hosts(config: EmulatorConfig) -> frozenset[str]:
    """The ``Host`` names answered besides loopback names (see ``EmulatorConfig.allowed_hosts``)."""
    names = set(IN_PROCESS_HOSTS) | {h.lower() for h in config.allowed_hosts}
    if config.host not in ("0.0.0.0", "::", ""):
        names.add(config.host.lower().strip("[]"))
    if config.public_url:
        public = urlsplit(config.public_url).hostname
        if public:
            names.add(public.lower())
    return frozenset(names)


def _hostname(authority: str) -> str:
    """``127.0.0.1:8800`` -> ``127.0.0.1``; ``[::1]:80`` -> ``::1``; lower case."""
    authority = authority.strip().lower()
    if authority.startswith("["):
        return authority[1:].partition("]")[0]
    if authority.count(":") == 1:
        return authority.partition(":")[0]
    return authority


def is_loopback_name(name: str) -> bool:
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


async def send_json(
    send: Send, status: int, body: Any, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(payload)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


STATUS_ERRORS = {
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
}
"""The spec error answered with each HTTP status the emulator itself sends."""


def envelope(status: int) -> dict[str, Any]:
    """The REST envelope of the error answered with HTTP ``status``."""
    return error_payload(STATUS_ERRORS.get(status, "INTERNAL_ERROR"))


def error_answer(path: str, status: int) -> dict[str, Any]:
    """An error body in the shape clients of ``path`` parse.

    GraphQL: ``{"errors": [{"message": {code, message, data}}]}``; elsewhere the REST envelope.
    """
    payload = envelope(status)
    if path.rstrip("/") == GRAPHQL_PATH:
        return {"errors": [{"message": payload}]}
    return payload


class EmulatorMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        state: EmulatorState,
        faults: FaultBook,
        max_body: int,
        allowed_hosts: Collection[str] = IN_PROCESS_HOSTS,
        journal: RequestJournal | None = None,
        targeted: TargetedFaults | None = None,
        operations: dict[int, str] | None = None,
        routes: Iterable[Any] = (),
    ) -> None:
        self.app = app
        self.state = state
        self.faults = faults
        self.max_body = max_body
        self.allowed_hosts = frozenset(allowed_hosts)
        self.journal = journal
        self.targeted = targeted
        self.operations = operations if operations is not None else {}
        """``id(endpoint) -> route template``, filled once the routes exist."""
        self.routes = routes
        self._loopback: dict[str, bool] = {}
        """Host names seen: loopback or not."""

    def _host_allowed(self, name: str) -> bool:
        if name in self.allowed_hosts:
            return True
        known = self._loopback.get(name)
        if known is None:  # parsing an address per request costs more than the rest of the check
            known = is_loopback_name(name)
            if len(self._loopback) >= 256:
                self._loopback.clear()
            self._loopback[name] = known
        return known

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> str | None:
        """Why this request is refused before anything runs (DNS rebinding, cross-site admin)."""
        host = _hostname(headers.get("host", ""))
        if not host or not self._host_allowed(host):
            return (
                "Host not allowed: the emulator answers loopback names (localhost, 127.0.0.1, ::1), "
                "its configured host and --allow-host names"
            )
        if scope["path"].startswith(ADMIN_PREFIX) and scope.get("method") not in _SAFE_METHODS:
            origin = headers.get("origin")
            if origin is not None:
                origin_host = urlsplit(origin.strip()).hostname or ""
                if not self._host_allowed(origin_host.lower()):
                    return "admin writes are accepted from loopback origins only"
            content_type = headers.get("content-type", "")
            own_check = scope["path"].startswith(ADMIN_PREFIX + "/ui/api/")  # 415 + page token
            if (
                not own_check
                and content_type.partition(";")[0].strip().lower() != "application/json"
            ):
                return "admin writes need Content-Type: application/json"
        return None

    def _protocol_pool(self, scope: Scope, body: bytes, headers: dict[str, str]) -> Pool | None:
        """The pool of the OAuth / CAS client a request without pool header or token names."""
        if headers.get("x-authing-userpool-id") or headers.get(
            "authorization", ""
        ).lower().startswith("bearer "):
            return None
        client_id = client_id_of(scope.get("query_string", b""), headers, body, scope["path"])
        return self.state.pool_by_app_id(client_id) if client_id else None

    def _route_of(self, scope: Scope) -> str:
        from starlette.routing import Match

        for route in self.routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return str(route.path)
        return ""

    def _observe(
        self,
        scope: Scope,
        headers: dict[str, str],
        body: bytes,
        pool: Pool | None,
        outcome: str | None,
    ) -> tuple[str | None, Recorder | None]:
        """Targeted fault rules and the request journal for one request: the outcome to inject
        (a rule's fault beats the rates) and what records the answer in the journal."""
        if scope["path"] in _UNJOURNALED:
            return outcome, None
        if scope["path"].startswith(_PROTOCOL_PREFIXES):
            pool = self._protocol_pool(scope, body, headers) or pool
        if pool is None:
            return outcome, None
        fields = graphql_fields(body) if scope["path"].rstrip("/") == GRAPHQL_PATH else None
        rule: FaultRule | None = None
        if self.targeted is not None:
            operations = fields or ()
            if fields is None and self.targeted.wants_route(pool.id):
                operations = (self._route_of(scope),)
            rule = self.targeted.take(pool.id, scope.get("method", ""), operations)
            if rule is not None:
                outcome = rule.fault
        if self.journal is None:
            return outcome, None
        delayed = self.faults.injector(pool.id, pool.faults).spec.latency
        fault = outcome or ("latency" if delayed else None)
        return outcome, self._recorder(scope, pool, fields, fault, rule)

    def _recorder(
        self,
        scope: Scope,
        pool: Pool,
        fields: tuple[str, ...] | None,
        fault: str | None,
        rule: FaultRule | None,
    ) -> Recorder:
        """Records the request in the journal, given the status and the start of the answer."""
        journal = self.journal
        assert journal is not None
        began = scope.get("aioauthing.began") or time.perf_counter()

        def record(status: int, head: bytes) -> None:
            if fields is not None:
                operation = ",".join(fields) or "graphql"
            else:
                endpoint = id(scope.get("endpoint"))
                operation = self.operations.get(endpoint) or redact_path(scope["path"])
            code, error = answer_code(status, head, fields is not None)
            if fault in ("429", "500", "502", "503", "drop"):
                code = int(fault) if fault != "drop" else None
            duration = time.perf_counter() - began
            journal.record(
                pool.id,
                JournalEntry(
                    time=time.time() - duration,  # when the request came in
                    method=scope.get("method", ""),
                    operation=operation,
                    status=status,
                    code=code,
                    error=error,
                    duration=duration,
                    fault=fault,
                    rule=rule.operation if rule is not None else None,
                ),
            )

        return record

    def _pool_for(self, headers: dict[str, str]) -> Pool | None:
        pool_id = headers.get("x-authing-userpool-id", "").strip()
        if not pool_id:
            scheme, _, token = headers.get("authorization", "").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                try:
                    claims = jwt.decode(token.strip(), options={"verify_signature": False})
                    pool_id = str((claims.get("data") or {}).get("userPoolId") or "")
                except Exception:
                    pool_id = ""
        if not pool_id:
            return self.state.default_pool
        return self.state.pools.get(pool_id)

    async def _read_body(self, headers: dict[str, str], receive: Receive) -> bytes | None:
        """The whole request body, or ``None`` when it exceeds the cap."""
        length = headers.get("content-length")
        if length is not None:
            try:
                if int(length) > self.max_body:
                    return None
            except ValueError:
                return None
        chunks = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.request":
                chunks += message.get("body", b"")
                if len(chunks) > self.max_body:
                    return None
                if not message.get("more_body", False):
                    return bytes(chunks)
            else:
                return bytes(chunks)

    async def _drain(self, receive: Receive, limit: int = 64 * 1024 * 1024) -> None:
        """Discard the rest of an oversized body so the client can read our 413 answer."""
        seen = 0
        with anyio.move_on_after(5):
            while seen <= limit:
                message = await receive()
                if message["type"] != "http.request" or not message.get("more_body", False):
                    return
                seen += len(message.get("body", b""))

    async def _graphql(
        self,
        scope: Scope,
        headers: dict[str, str],
        body: bytes,
        send: Send,
        record: Recorder | None,
        *,
        lost: bool,
    ) -> None:
        """``POST /graphql/v2`` straight to the GraphQL service: the hottest path skips the
        router, the request/response objects and two send wrappers (same answer, same bytes)."""
        try:
            runtime = scope["app"].state.emulator
            # the same context the routed endpoint builds (caller, language, base URL)
            ctx = scope_context(runtime.state, scope, headers)
            status, answer = await runtime.service.handle(ctx, body)
            payload = jsonutil.dumps(answer)
            self.state.flush()  # durable before answering
        except Exception:
            log.exception("unhandled error in POST %s", GRAPHQL_PATH)
            status, payload = 500, json.dumps(error_answer(GRAPHQL_PATH, 500)).encode()
        head = [
            (b"content-length", str(len(payload)).encode()),
            (b"content-type", b"application/json"),
        ]
        if lost:
            head.append((CLOSE_HEADER, b"lost"))
        await send({"type": "http.response.start", "status": status, "headers": head})
        await send({"type": "http.response.body", "body": payload})
        if record is not None:
            record(status, payload)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = header_map(scope)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await self._drain(receive)
            payload = error_payload("REQUEST_REFUSED", reason=refusal)
            if scope["path"].rstrip("/") == GRAPHQL_PATH:
                payload = {"errors": [{"message": payload}]}
            await send_json(send, 403, payload)
            return
        scope["aioauthing.began"] = time.perf_counter()  # the request journal's durations
        body = await self._read_body(headers, receive)
        if body is None:
            await self._drain(receive)
            await send_json(
                send, 413, error_answer(scope["path"], 413), [(b"connection", b"close")]
            )
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        outcome: str | None = None
        record: Recorder | None = None
        if not scope["path"].startswith(ADMIN_PREFIX):
            pool = self._pool_for(headers)
            if pool is not None:
                injector = self.faults.injector(pool.id, pool.faults)
                traffic = self.faults.traffic.pool(pool.id)
                if injector.spec.latency:
                    await anyio.sleep(injector.spec.latency)
                if await _over_quota(traffic, injector.spec.quota, send):
                    return
                outcome = injector.decide()
            outcome, record = self._observe(scope, headers, body, pool, outcome)
            if pool is not None:
                _count(self.faults.traffic.pool(pool.id), scope["path"], body, outcome)
        if (
            outcome in (None, "lost")
            and scope["path"] == GRAPHQL_PATH
            and scope["method"] == "POST"
            and "app" in scope
        ):
            await self._graphql(scope, headers, body, send, record, lost=outcome == "lost")
            return
        if record is not None:
            send = _journaling(send, record)
        if outcome in ("429", "500", "502", "503"):
            assert outcome is not None
            status = int(outcome)
            extra = [(b"retry-after", b"1")] if status == 429 else []
            await send_json(send, status, envelope(status), extra)
            return
        if outcome == "drop":
            await send_json(send, 503, envelope(503), [(CLOSE_HEADER, b"drop")])
            return

        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                self.state.flush()
                if outcome == "lost":
                    message = {
                        **message,
                        "headers": [*message.get("headers", []), (CLOSE_HEADER, b"lost")],
                    }
            await send(message)

        try:
            await self.app(scope, replay, guarded_send)
        except Exception:
            log.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await send_json(send, 500, error_answer(scope["path"], 500))


def _journaling(send: Send, record: Recorder) -> Send:
    """``send`` that records the request in the journal once its answer has gone out."""
    status = 500
    head = bytearray()

    async def journaling_send(message: Message) -> None:
        nonlocal status
        await send(message)
        if message["type"] == "http.response.start":
            status = message["status"]
            return
        if message["type"] != "http.response.body":
            return
        if len(head) < _JOURNAL_HEAD:
            head.extend(message.get("body", b""))
        if not message.get("more_body", False):
            record(status, bytes(head))

    return journaling_send


async def _over_quota(traffic: PoolTraffic, rate: float | None, send: Send) -> bool:
    """Count the request; past the pool's quota answer 429 with ``Retry-After`` (True)."""
    traffic.requests += 1
    quota = traffic.quota_for(rate)
    wait = quota.admit() if quota is not None else None
    if wait is None:
        return False
    traffic.throttled += 1
    retry_after = str(max(1, math.ceil(wait))).encode()
    await send_json(send, 429, envelope(429), [(b"retry-after", retry_after)])
    return True


def _count(traffic: PoolTraffic, path: str, body: bytes, outcome: str | None) -> None:
    if outcome is not None:
        traffic.faults[outcome] += 1
    if b"accessToken" in body and path.rstrip("/") == GRAPHQL_PATH and _TOKEN_QUERY.search(body):
        traffic.token_requests += 1
