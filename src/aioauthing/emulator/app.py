"""``create_app``: the emulator as one Starlette (ASGI) application."""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import passwords, rooms
from .admin import admin_routes
from .config import EmulatorConfig
from .faults import FaultBook, FaultRule, TargetedFaults, parse_faults, split_fault_text
from .graphql_http import GraphQLService
from .journal import RequestJournal, route_operations
from .middleware import EmulatorMiddleware, allowed_hosts, error_answer
from .pages import page_routes
from .registry import GRAPHQL_RESOLVERS, REST_ROUTES
from .rest_http import context_for, rest_routes
from .schema import SchemaReport, build_schema_with_resolvers, load_sdl
from .state import EmulatorState
from .ui import ui_routes

__all__ = ["EmulatorRuntime", "create_app"]

_REGISTERED = rooms  # importing the rooms fills the registries


@dataclasses.dataclass(slots=True)
class EmulatorRuntime:
    """Everything the endpoints share; reachable as ``app.state.emulator``."""

    config: EmulatorConfig
    state: EmulatorState
    service: GraphQLService
    faults: FaultBook
    sdl: str
    report: SchemaReport
    journal: RequestJournal = dataclasses.field(default_factory=RequestJournal)
    """Recent requests per pool (``GET /__emulator__/requests``)."""
    targeted: TargetedFaults = dataclasses.field(default_factory=TargetedFaults)
    """Per-operation fault rules (``createUser:503x3``), consulted before the rates."""

    def refresh_keys(self) -> None:
        """Nothing cached outside ``state`` holds keys; kept as the hook for future caches."""

    def settings(self, base_url: str | None = None) -> dict[str, Any]:
        """Settings of the default pool (what the CLI prints)."""
        return self.state.default_pool.settings(
            (base_url or self.config.base_url).rstrip("/"), self.state.keys.public_key_pem
        )


async def _graphql(request: Request) -> Response:
    runtime: EmulatorRuntime = request.app.state.emulator
    status, body = await runtime.service.handle(context_for(request), await request.body())
    return JSONResponse(body, status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    """404 / 405 (with ``Allow``) in the shape of the path: GraphQL error or REST envelope."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    headers = getattr(exc, "headers", None)
    return JSONResponse(error_answer(request.url.path, status), status_code=status, headers=headers)


def _fault_rules(config: EmulatorConfig) -> tuple[EmulatorConfig, list[FaultRule]]:
    """Take the targeted rules (``createUser:503x3``) out of ``config.faults``: pools keep the
    rates as their spec, the rules go to ``EmulatorRuntime.targeted``."""
    rates, rules = split_fault_text(config.faults)
    return (dataclasses.replace(config, faults=rates) if rules else config), rules


def create_app(config: EmulatorConfig | None = None) -> Starlette:
    """Build an emulator application (state in memory, or in ``config.data_path``)."""
    config = config or EmulatorConfig()
    config, rules = _fault_rules(config)
    parse_faults(config.faults)
    if config.password_iterations is not None:
        passwords.set_iterations(config.password_iterations)
    sdl = load_sdl(config.schema_path)
    schema, report = build_schema_with_resolvers(sdl, GRAPHQL_RESOLVERS)
    state = EmulatorState(config)
    faults = FaultBook(config.seed)
    journal = RequestJournal(config.journal_size)
    targeted = TargetedFaults(rules)
    operations: dict[int, str] = {}
    all_routes = [
        Route("/graphql/v2", _graphql, methods=["POST"]),
        *rest_routes(REST_ROUTES),
        *page_routes(),  # after REST: /cas-idp/logout before /cas-idp/{appId}
        *admin_routes(),
        *ui_routes(),
    ]
    operations.update(route_operations(all_routes))
    app = Starlette(
        routes=all_routes,
        middleware=[
            Middleware(
                EmulatorMiddleware,
                state=state,
                faults=faults,
                max_body=config.max_body_bytes,
                allowed_hosts=allowed_hosts(config),
                journal=journal,
                targeted=targeted,
                operations=operations,
                routes=all_routes,
            )
        ],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.emulator = EmulatorRuntime(
        config=config,
        state=state,
        service=GraphQLService(schema),
        faults=faults,
        sdl=sdl,
        report=report,
        journal=journal,
        targeted=targeted,
    )
    return app
