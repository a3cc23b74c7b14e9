"""Outermost ASGI layer: body cap, fault injection, durable flush before answering, no tracebacks."""

from __future__ import annotations

import json
import logging
from typing import Any

import anyio
import jwt
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_payload
from .faults import FaultBook
from .state import EmulatorState, Pool

__all__ = ["ADMIN_PREFIX", "CLOSE_HEADER", "GRAPHQL_PATH", "EmulatorMiddleware", "error_answer"]

log = logging.getLogger("aioauthing.emulator")

ADMIN_PREFIX = "/__emulator__"
GRAPHQL_PATH = "/graphql/v2"
CLOSE_HEADER = b"x-aioauthing-emulator-close"
"""Internal response header: the socket server closes the connection instead of answering.

Value ``drop`` (request not applied) or ``lost`` (applied, answer lost). It never reaches a client
of :class:`~aioauthing.emulator.server.EmulatorServer`; the in-process transport turns it into
``httpx.RemoteProtocolError``."""


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
        self, app: ASGIApp, *, state: EmulatorState, faults: FaultBook, max_body: int
    ) -> None:
        self.app = app
        self.state = state
        self.faults = faults
        self.max_body = max_body

    def _pool_for(self, scope: Scope) -> Pool | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
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

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole request body, or ``None`` when it exceeds the cap."""
        for name, value in scope["headers"]:
            if name.lower() == b"content-length":
                try:
                    if int(value) > self.max_body:
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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await self._read_body(scope, receive)
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
        if not scope["path"].startswith(ADMIN_PREFIX):
            pool = self._pool_for(scope)
            if pool is not None:
                injector = self.faults.injector(pool.id, pool.faults)
                if injector.spec.latency:
                    await anyio.sleep(injector.spec.latency)
                outcome = injector.decide()
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
